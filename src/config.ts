/**
 * The function's settings, parsed once from the Runtime `context` with zod into a typed object.
 * Nothing else in the code reads environment variables. A bad or missing setting becomes a
 * `misconfigured` error that names the variable, never its value.
 */
import type { Context } from '@twilio-labs/serverless-runtime-types/types';

import * as z from 'zod/mini';
import * as errors from './edge/errors';
import { apiKeySids, baseUrl, flag, integer, list, optionalText, origins, sid } from './config-values';

export type ClosePolicy = 'participant' | 'roles' | 'off';

export interface Config {
  accountSid: string;
  authToken?: string;
  apiKey?: string;
  apiSecret?: string;
  region?: string;
  edge?: string;
  allowedOrigins: string[];
  /** `apiKeys` is on only when AUTH_API_KEYS is and API_KEY_CALLERS lists at least one key. */
  auth: { flexToken: boolean; twilioSignature: boolean; accountCredentials: boolean; apiKeys: boolean };
  /** The API key SIDs (SK…) that may call us with Basic; no other key is ever checked. */
  apiKeyCallers: string[];
  closePolicy: ClosePolicy;
  /** TaskRouter events on which the orphan guard looks at a task's channel. */
  orphanGuardEvents: string[];
  /** The TaskRouter workspace of transfers; undefined: looked up once per container (src/adapters/workspace.ts). */
  taskRouterWorkspaceSid?: string;
  /** What a finished cold transfer does to the transferring agent's participant. */
  transferLeaveStatus: 'wrapup' | 'closed';
  /** The Sync service holding the park records (park/resume/list-parked need it: src/adapters/park-records.ts). */
  syncServiceSid?: string;
  /** The unique name of the Sync Map of park records, created on first use. */
  parkMapName: string;
  /** Where a resumed park goes: the agent who parked it (known-agent routing through the workflow), or the original queue. */
  resumeTo: 'agent' | 'queue';
  /** Flex roles that may call the functions at all. */
  readRoles: string[];
  /** Roles that may close any channel. */
  closeAnyRoles: string[];
  /** The whole request, Twilio retries included, must be answered within this. */
  requestDeadlineMs: number;
  /** One call to Twilio's REST API may take at most this long. */
  twilioCallTimeoutMs: number;
  /** One call to Twilio's IAM token validation may take at most this long. */
  iamTimeoutMs: number;
  tokenCacheMaxTtlMs: number;
  tokenCacheSize: number;
  /** Most Flex token validations one container asks IAM at once. */
  iamMaxConcurrent: number;
  /** Most validations waiting for one of those slots (then 429). */
  iamMaxQueued: number;
  /** Longest a validation waits for a slot, in ms (then 429). */
  iamMaxWaitMs: number;
  /** Where the Twilio REST API and IAM are; only changed for the sandbox and tests. */
  apiBaseUrl?: string;
  iamBaseUrl?: string;
  /** The public base URL of the functions, for checking Twilio signatures. */
  publicBaseUrl: string;
}

const EnvSchema = z.object({
  ACCOUNT_SID: sid('account'),
  AUTH_TOKEN: z.pipe(optionalText, z.optional(z.string().check(z.regex(/^[0-9a-fA-F]{32}$/, 'must be 32 hex digits')))),
  API_KEY: z.pipe(optionalText, z.optional(sid('apiKey'))),
  API_SECRET: optionalText,
  TWILIO_REGION: optionalText,
  TWILIO_EDGE: optionalText,
  ALLOWED_ORIGINS: origins,
  AUTH_FLEX_TOKEN: flag(true),
  AUTH_TWILIO_SIGNATURE: flag(true),
  AUTH_ACCOUNT_CREDENTIALS: flag(true),
  AUTH_API_KEYS: flag(true),
  API_KEY_CALLERS: apiKeySids,
  CLOSE_POLICY: z._default(z.enum(['participant', 'roles', 'off'], { error: 'must be participant, roles or off' }), 'participant'),
  CLOSE_ANY_ROLES: optionalText,
  READ_ROLES: optionalText,
  ORPHAN_GUARD_EVENTS: optionalText,
  TASKROUTER_WORKSPACE_SID: z.pipe(optionalText, z.optional(sid('workspace'))),
  TRANSFER_LEAVE_STATUS: z._default(z.enum(['wrapup', 'closed'], { error: 'must be wrapup or closed' }), 'wrapup'),
  SYNC_SERVICE_SID: z.pipe(optionalText, z.optional(sid('syncService'))),
  PARK_MAP_NAME: z.pipe(
    optionalText,
    z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'must be 1 to 100 letters, digits, _ . or - (a Sync unique name)'))),
  ),
  RESUME_TO: z._default(z.enum(['agent', 'queue'], { error: 'must be agent or queue' }), 'agent'),
  REQUEST_DEADLINE_MS: integer(8000, 1000, 9500),
  TWILIO_CALL_TIMEOUT_MS: integer(5000, 100, 9500),
  IAM_TIMEOUT_MS: integer(3000, 100, 9500),
  TOKEN_CACHE_MAX_TTL_MS: integer(300_000, 0, 3_600_000),
  TOKEN_CACHE_SIZE: integer(1000, 0, 100_000),
  IAM_MAX_CONCURRENT: integer(20, 1, 1000),
  IAM_MAX_QUEUED: integer(100, 0, 10_000),
  IAM_MAX_WAIT_MS: integer(3000, 0, 9000),
  TWILIO_API_BASE_URL: baseUrl,
  TWILIO_IAM_BASE_URL: baseUrl,
  DOMAIN_NAME: optionalText,
});

/** Every setting the functions read (npm run deploy uploads a credential-looking key only if it is one of these). */
export const SETTING_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

/** The credentials calls to Twilio (REST and IAM) are signed with: the API key if set, else the auth token. */
export function twilioCredentials(config: Config): { username: string; password: string } {
  if (config.apiKey !== undefined && config.apiSecret !== undefined) {
    return { username: config.apiKey, password: config.apiSecret };
  }
  return { username: config.accountSid, password: config.authToken ?? '' };
}

/**
 * One instance per settings, for what a warm container keeps (the Twilio client, each credential
 * validator with its cache and pool): `make` runs again only when the options it is given
 * differ from the last ones, compared by value.
 */
export function perSettings<O extends object, T>(make: (options: O) => T): (options: O) => T {
  let shared: { options: O; value: T } | undefined;
  return (options) => {
    if (shared === undefined || !sameValues(shared.options, options)) shared = { options: { ...options }, value: make(options) };
    return shared.value;
  };
}

/**
 * What a warm container derives from its settings, derived once per `Config`: loadConfig hands
 * back the very same object while the settings are unchanged, so one identity check replaces
 * building the options and comparing them value by value on every request (measured with
 * scripts/bench's CPU figures). New settings are a new `Config`, which goes through `derive`
 * (and so through `perSettings`, which still shares one instance among equal options).
 */
export function perConfig<T>(derive: (config: Config) => T): (config: Config) => T {
  let last: { config: Config; value: T } | undefined;
  return (config) => {
    if (last === undefined || last.config !== config) last = { config, value: derive(config) };
    return last.value;
  };
}

/** Do two objects of settings hold the same values under the same keys? (No allocation: this runs on every request.) */
function sameValues(a: object, b: object): boolean {
  let keys = 0;
  for (const key in a) {
    if ((a as Record<string, unknown>)[key] !== (b as Record<string, unknown>)[key]) return false;
    keys++;
  }
  for (const _key in b) keys--;
  return keys === 0;
}

let cached: { env: Record<string, unknown>; present: number; config: Config } | undefined;

const SETTINGS = new Set(SETTING_NAMES);

/**
 * Same settings as the cached ones? Compared value by value with no allocation, walking the
 * context's own keys (a for-in over an object reads its values through V8's enum cache, several
 * times faster than looking up each setting's name, most of which a context does not have), and
 * counting the settings it has, so that one gone missing is a change too.
 */
function unchanged(context: Record<string, unknown>): boolean {
  if (cached === undefined) return false;
  let present = 0;
  for (const name in context) {
    if (!SETTINGS.has(name)) continue;
    if (context[name] === undefined) continue;
    if (context[name] !== cached.env[name]) return false;
    present++;
  }
  return present === cached.present;
}

/**
 * Parse the settings from the Runtime context. The result is cached while the settings are
 * unchanged, so a warm container parses them once. Throws `MisconfiguredError` naming the
 * variables that are wrong (not their values).
 */
export function loadConfig(context: Context<Record<string, unknown>>): Config {
  const values = context as Record<string, unknown>;
  if (unchanged(values)) return cached!.config;
  const env: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) env[name] = values[name];

  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${String(i.path[0] ?? 'settings')} ${i.message}`);
    throw new errors.MisconfiguredError(`invalid settings: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if ((e.API_KEY === undefined) !== (e.API_SECRET === undefined)) {
    throw new errors.MisconfiguredError('invalid settings: API_KEY and API_SECRET go together');
  }
  if (e.AUTH_TOKEN === undefined && e.API_KEY === undefined) {
    throw new errors.MisconfiguredError('invalid settings: set AUTH_TOKEN, or API_KEY and API_SECRET');
  }
  if (e.AUTH_TOKEN === undefined && (e.AUTH_TWILIO_SIGNATURE || e.AUTH_ACCOUNT_CREDENTIALS)) {
    throw new errors.MisconfiguredError(
      'invalid settings: AUTH_TOKEN is needed for AUTH_TWILIO_SIGNATURE and AUTH_ACCOUNT_CREDENTIALS (or turn them off)',
    );
  }

  const config: Config = {
    accountSid: e.ACCOUNT_SID,
    authToken: e.AUTH_TOKEN,
    apiKey: e.API_KEY,
    apiSecret: e.API_SECRET,
    region: e.TWILIO_REGION,
    edge: e.TWILIO_EDGE,
    allowedOrigins: list(e.ALLOWED_ORIGINS, ['https://flex.twilio.com']),
    auth: {
      flexToken: e.AUTH_FLEX_TOKEN,
      twilioSignature: e.AUTH_TWILIO_SIGNATURE,
      accountCredentials: e.AUTH_ACCOUNT_CREDENTIALS,
      apiKeys: e.AUTH_API_KEYS && list(e.API_KEY_CALLERS, []).length > 0,
    },
    apiKeyCallers: list(e.API_KEY_CALLERS, []),
    closePolicy: e.CLOSE_POLICY,
    closeAnyRoles: list(e.CLOSE_ANY_ROLES, ['supervisor', 'admin']),
    readRoles: list(e.READ_ROLES, ['agent', 'supervisor', 'admin']),
    orphanGuardEvents: list(e.ORPHAN_GUARD_EVENTS, ['task.canceled', 'workflow.timeout']),
    taskRouterWorkspaceSid: e.TASKROUTER_WORKSPACE_SID,
    transferLeaveStatus: e.TRANSFER_LEAVE_STATUS,
    syncServiceSid: e.SYNC_SERVICE_SID,
    parkMapName: e.PARK_MAP_NAME ?? 'flex-parked-channels',
    resumeTo: e.RESUME_TO,
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    twilioCallTimeoutMs: e.TWILIO_CALL_TIMEOUT_MS,
    iamTimeoutMs: e.IAM_TIMEOUT_MS,
    tokenCacheMaxTtlMs: e.TOKEN_CACHE_MAX_TTL_MS,
    tokenCacheSize: e.TOKEN_CACHE_SIZE,
    iamMaxConcurrent: e.IAM_MAX_CONCURRENT,
    iamMaxQueued: e.IAM_MAX_QUEUED,
    iamMaxWaitMs: e.IAM_MAX_WAIT_MS,
    apiBaseUrl: e.TWILIO_API_BASE_URL,
    iamBaseUrl: e.TWILIO_IAM_BASE_URL,
    publicBaseUrl: `https://${e.DOMAIN_NAME ?? 'localhost'}`,
  };
  cached = { env, present: SETTING_NAMES.filter((name) => env[name] !== undefined).length, config };
  return config;
}
