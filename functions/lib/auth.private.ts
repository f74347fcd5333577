/**
 * Who is calling. A request passes with any one of these credentials (each can be switched off
 * in the settings):
 * 1. the agent's Flex token (`Token` parameter or `Authorization: Bearer`), checked with IAM;
 * 2. a valid `X-Twilio-Signature` (Twilio webhooks; Studio should use the protected twins);
 * 3. `Authorization: Basic` for your own servers: an API key of the account (`SK…:secret`,
 *    checked with Twilio, lib/api-key), or the account SID and auth token.
 * Nothing else gets in. Every check happens before any call to the Interactions API.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from './config.private';
import type { Headers } from './http.private';

const errors = require(Runtime.getFunctions()['lib/errors']!.path) as typeof import('./errors.private');
const flexTokens = require(Runtime.getFunctions()['lib/flex-token']!.path) as typeof import('./flex-token.private');
const apiKeys = require(Runtime.getFunctions()['lib/api-key']!.path) as typeof import('./api-key.private');

export type Caller =
  | ({ kind: 'flex-token' } & import('./flex-token.private').FlexIdentity)
  | { kind: 'twilio-signature' }
  /** A protected function's caller: the platform checked the signature before we ran. */
  | { kind: 'twilio-platform' }
  | { kind: 'account-credentials' }
  /** A server holding an API key of the account. */
  | { kind: 'api-key'; sid: string };

export interface AuthRequest {
  headers: Headers;
  params: Record<string, unknown>;
  /** The function's path, e.g. `/close-channel`, for the signature's URL. */
  path: string;
}

/** Something that can validate a Flex token (the IAM validator, or a stand-in in tests). */
export interface TokenValidator {
  validate(token: string): Promise<import('./flex-token.private').FlexIdentity | undefined>;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The hash of `ACCOUNT_SID:AUTH_TOKEN`, computed once per set of credentials. */
let expectedCredentials: { accountSid: string; authToken: string; hash: Buffer } | undefined;

function expectedCredentialsHash(accountSid: string, authToken: string): Buffer {
  if (expectedCredentials?.accountSid !== accountSid || expectedCredentials.authToken !== authToken) {
    expectedCredentials = { accountSid, authToken, hash: sha256(`${accountSid}:${authToken}`) };
  }
  return expectedCredentials.hash;
}

/** `Authorization: Basic` → user and password; undefined for any other scheme or a malformed value. */
export function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The Flex token: `Authorization: Bearer …` first, else the `Token` parameter. */
export function flexToken(headers: Headers, params: Record<string, unknown>): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer) return bearer[1];
  const token = params.Token;
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

/**
 * Account SID and auth token together, compared as one secret in constant time: both sides are
 * SHA-256 hashed first, so neither the length nor where they first differ shows in the timing,
 * and no timing tells whether the SID or the token was wrong.
 */
function checkAccountCredentials(header: string | undefined, config: Config): boolean {
  const basic = parseBasic(header);
  if (basic === undefined || config.authToken === undefined) return false;
  return timingSafeEqual(sha256(`${basic.user}:${basic.password}`), expectedCredentialsHash(config.accountSid, config.authToken));
}

/**
 * Twilio's signature over `https://{DOMAIN_NAME}{PATH}` and the POSTed parameters, checked
 * with the `twilio` helper's own validator. A GET webhook signs the URL with its query string
 * instead, so that form is tried too.
 */
function checkSignature(signature: string, req: AuthRequest, config: Config): boolean {
  if (config.authToken === undefined) return false;
  const { validateRequest } = require('twilio/lib/webhooks/webhooks') as typeof import('twilio/lib/webhooks/webhooks');
  const url = `${config.publicBaseUrl}${req.path}`;
  // A null-prototype copy: a signed `__proto__` parameter stays a parameter.
  const params: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(req.params)) params[key] = value;
  if (validateRequest(config.authToken, signature, url, params)) return true;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, String(item));
  }
  const search = query.toString();
  // With no parameters this asks about `url?`, which Twilio never signs: false, as it should be.
  return validateRequest(config.authToken, signature, `${url}?${search}`, {});
}

/** Does the request carry any credential an enabled check could accept? (No network.) */
export function presentsCredentials(req: AuthRequest, config: Config): boolean {
  const { headers } = req;
  return (
    ((config.auth.accountCredentials || config.auth.apiKeys) && /^Basic\s/i.test(headers.authorization ?? '')) ||
    (config.auth.twilioSignature && (headers['x-twilio-signature'] ?? '').length > 0) ||
    (config.auth.flexToken && flexToken(headers, req.params) !== undefined)
  );
}

/**
 * Authenticate the request, or throw: `UnauthorizedError` when no credential is valid, and the
 * IAM failure (502/504) when a Flex token could not be checked and nothing else vouched for
 * the caller.
 */
export async function authenticate(req: AuthRequest, config: Config, validator?: TokenValidator): Promise<Caller> {
  const { headers } = req;

  const basic = parseBasic(headers.authorization);
  if (basic !== undefined && config.auth.apiKeys && basic.user.startsWith('SK')) {
    if (await apiKeys.apiKeyValidator(config).validate(basic.user, basic.password)) return { kind: 'api-key', sid: basic.user };
  } else if (basic !== undefined && config.auth.accountCredentials) {
    if (checkAccountCredentials(headers.authorization, config)) return { kind: 'account-credentials' };
  }

  const signature = headers['x-twilio-signature'];
  if (config.auth.twilioSignature && signature) {
    if (checkSignature(signature, req, config)) return { kind: 'twilio-signature' };
  }

  const token = flexToken(headers, req.params);
  if (config.auth.flexToken && token !== undefined) {
    const who = await (validator ?? flexTokens.flexTokenValidator(config)).validate(token);
    if (who !== undefined) return { kind: 'flex-token', ...who };
  }

  throw new errors.UnauthorizedError();
}
