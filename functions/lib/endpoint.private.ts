/**
 * The one wrapper every function goes through, in this order:
 * settings → CORS → method → size and depth → credentials present → parameters →
 * credentials valid (a signed request: exactly what was signed) → role (READ_ROLES) → the work.
 * Nothing reaches Twilio (IAM included) before the parameters are valid, and nothing reaches
 * the REST API before the caller is authenticated. Every outcome is answered as JSON here.
 */
import type { Context, ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import type * as Z from 'zod/mini';
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Caller } from './auth.private';
import type { Config } from './config.private';
import type { Headers, Method, RuntimeEvent } from './http.private';

const errors = require(Runtime.getFunctions()['lib/errors']!.path) as typeof import('./errors.private');
const http = require(Runtime.getFunctions()['lib/http']!.path) as typeof import('./http.private');
const configs = require(Runtime.getFunctions()['lib/config']!.path) as typeof import('./config.private');
const auth = require(Runtime.getFunctions()['lib/auth']!.path) as typeof import('./auth.private');
const params = require(Runtime.getFunctions()['lib/params']!.path) as typeof import('./params.private');
const deadlines = require(Runtime.getFunctions()['lib/deadline']!.path) as typeof import('./deadline.private');
const twilio = require(Runtime.getFunctions()['lib/twilio']!.path) as typeof import('./twilio.private');
const policy = require(Runtime.getFunctions()['lib/policy']!.path) as typeof import('./policy.private');

export interface Work<P> {
  params: P;
  caller: Caller;
  config: Config;
  /** The shared Twilio client (built on first use). */
  client: () => TwilioClient;
}

/** An endpoint of the contract (`lib/api`) plus the work it does. */
export interface EndpointSpec<S extends Z.ZodMiniObject> {
  methods: readonly Method[];
  /** The parameters; their camelCase names are also accepted in PascalCase. */
  params: S;
  /** Largest parameters accepted (default MAX_PARAMS_BYTES, 16 KiB). */
  maxParamsBytes?: number;
  /**
   * A webhook: Twilio sends many parameters of its own, which a signed request may then carry
   * (the endpoint acts only on its own, parsed strictly). Default: a signed request must carry
   * exactly the endpoint's parameters (lib/params, assertUnambiguouslySigned).
   */
  webhook?: boolean;
  run: (work: Work<Z.infer<S>>) => Promise<object>;
}

export type Handler = (context: Context<Record<string, unknown>>, event: RuntimeEvent, callback: ServerlessCallback) => Promise<void>;

export interface EndpointOptions {
  /**
   * A protected function: Twilio's gateway runs it only for a request with a valid
   * X-Twilio-Signature ("Function request flow": otherwise 400 before the function runs), so the
   * caller is Twilio, verified by the platform, and no credential is checked again. What we act
   * on must still be exactly what was signed (lib/params, assertUnambiguouslySigned).
   */
  verifiedByPlatform?: boolean;
}

async function handle<S extends Z.ZodMiniObject>(
  spec: EndpointSpec<S>,
  options: EndpointOptions,
  context: Context<Record<string, unknown>>,
  event: RuntimeEvent,
  headers: Headers,
  cors: { value: Headers },
): Promise<object> {
  const config = configs.loadConfig(context);
  cors.value = http.corsHeaders(headers.origin, config.allowedOrigins, spec.methods);

  http.assertRuntimeRequest(event);
  const method = http.requestMethod(headers);
  if (!spec.methods.includes(method)) throw new errors.MethodNotAllowedError(spec.methods);

  const raw = http.readParams(event);
  params.assertBounds(raw, spec.maxParamsBytes);

  const authRequest = { headers, params: raw, path: String(context.PATH ?? '') };
  if (!options.verifiedByPlatform && !auth.presentsCredentials(authRequest, config)) throw new errors.UnauthorizedError();

  const parsed = params.parseParams(spec.params, raw);

  return deadlines.withDeadline(new deadlines.Deadline(config.requestDeadlineMs), async () => {
    const checking = options.verifiedByPlatform ? Promise.resolve<Caller>({ kind: 'twilio-platform' }) : auth.authenticate(authRequest, config);
    twilio.loadSoon(config);
    const caller = await checking;
    if ((caller.kind === 'twilio-signature' || caller.kind === 'twilio-platform') && !spec.webhook) params.assertUnambiguouslySigned(spec.params, raw);
    policy.authorizeCaller(caller, config);
    return spec.run({ params: parsed, caller, config, client: () => twilio.twilioClient(config) });
  });
}

/** Build a Runtime handler from an endpoint's spec. */
export function endpoint<S extends Z.ZodMiniObject>(spec: EndpointSpec<S>, options: EndpointOptions = {}): Handler {
  return async (context, event, callback) => {
    const headers = http.readHeaders(event);
    const cors = { value: http.corsHeaders(undefined, [], spec.methods) };
    try {
      const body = await handle(spec, options, context, event, headers, cors);
      callback(null, http.jsonResponse(200, body, cors.value));
    } catch (err) {
      callback(null, http.errorResponse(err, cors.value));
    }
  };
}
