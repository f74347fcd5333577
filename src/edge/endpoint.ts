/**
 * The one wrapper every function goes through, in this order:
 * settings → CORS → method → size and depth → credentials present → parameters →
 * credentials valid (a signed request: exactly what was signed) → role (READ_ROLES) → the work.
 * Nothing reaches Twilio (IAM included) before the parameters are valid, and nothing reaches
 * the REST API before the caller is authenticated. Every outcome is answered as JSON here.
 */
import type { Context, ServerlessCallback, TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type * as Z from 'zod/mini';
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Caller } from '../credentials/auth';
import type { Config } from '../config';
import type { Endpoint } from '../contract/api';
import type { Headers, RuntimeEvent } from './http';

import * as errors from './errors';
import * as http from './http';
import * as configs from '../config';
import * as auth from '../credentials/auth';
import * as params from '../contract/params';
import * as deadlines from '../twilio/deadline';
import * as twilio from '../twilio/client';
import * as policy from '../credentials/policy';

export interface Work<P> {
  params: P;
  caller: Caller;
  config: Config;
  /** The shared Twilio client as this request sees it (built on first use): every call bounded by the request's deadline. */
  client: () => TwilioClient;
}

/** An endpoint of the contract (contract/api) plus the work it does. */
export interface Operation<E extends Endpoint = Endpoint> {
  endpoint: E;
  /** A method, so that an operation of one endpoint is an `Operation` of any (the endpoint decides its parameters). */
  run(work: Work<Z.infer<E['params']>>): Promise<Z.infer<E['response']>>;
}

export type Handler = (context: Context<Record<string, unknown>>, event: RuntimeEvent, callback: ServerlessCallback) => Promise<void>;

/**
 * Who checked the caller:
 * - `function`: a public function, which checks the credentials itself;
 * - `platform`: a protected function. Twilio's gateway runs it only for a request with a valid
 *   X-Twilio-Signature ("Function request flow": otherwise 400 before the function runs), so
 *   the caller is Twilio, verified by the platform, and no credential is checked again. What we
 *   act on must still be exactly what was signed (contract/params, assertUnambiguouslySigned).
 */
export type Gate = 'function' | 'platform';

async function work(
  operation: Operation,
  gate: Gate,
  context: Context<Record<string, unknown>>,
  event: RuntimeEvent,
  headers: Headers,
  config: Config,
): Promise<object> {
  const spec = operation.endpoint;
  http.assertRuntimeRequest(event);
  const method = http.requestMethod(headers);
  if (!spec.methods.includes(method)) throw new errors.MethodNotAllowedError(spec.methods);

  const raw = http.readParams(event);
  params.assertBounds(raw, spec.maxParamsBytes);

  const authRequest = { headers, params: raw, path: String(context.PATH ?? ''), method };
  if (gate === 'function' && !auth.presentsCredentials(authRequest, config)) throw new errors.UnauthorizedError();

  const parsed = params.parseParams(spec.params, raw);

  // The request's one deadline, handed on explicitly (twilio/deadline says why not through AsyncLocalStorage).
  const deadline = new deadlines.Deadline(config.requestDeadlineMs);
  const checking = gate === 'platform' ? Promise.resolve<Caller>({ kind: 'twilio-platform' }) : auth.authenticate(authRequest, config, deadline);
  twilio.loadSoon(config);
  const caller = await checking;
  if (auth.signedByTwilio(caller)) {
    http.assertSignedEncoding(headers);
    if (!spec.webhook) params.assertUnambiguouslySigned(spec.params, raw);
  }
  policy.authorizeCaller(caller, config);
  let client: TwilioClient | undefined;
  const requestClient = () => (client ??= twilio.requestClient(config, deadline));
  return (await operation.run({ params: parsed, caller, config, client: requestClient })) as object;
}

/** The answer to one request: the work's result, or the error it ended in, with the contract's headers. */
async function respond(operation: Operation, gate: Gate, context: Context<Record<string, unknown>>, event: RuntimeEvent): Promise<TwilioResponse> {
  const headers = http.readHeaders(event);
  let config: Config;
  try {
    config = configs.loadConfig(context);
  } catch (err) {
    // Without settings no origin is allowed: the error goes out without CORS headers.
    return http.errorResponse(err, http.corsHeaders(undefined, [], operation.endpoint.methods));
  }
  const cors = http.corsHeaders(headers.origin, config.allowedOrigins, operation.endpoint.methods);
  try {
    return http.jsonResponse(200, await work(operation, gate, context, event, headers, config), cors);
  } catch (err) {
    return http.errorResponse(err, cors);
  }
}

/** Build a Runtime handler from an operation. */
export function endpoint(operation: Operation, gate: Gate): Handler {
  return async (context, event, callback) => {
    callback(null, await respond(operation, gate, context, event));
  };
}
