/**
 * Who is calling. A request passes with any one of these credentials (each can be switched off
 * in the settings):
 * 1. the agent's Flex token (`Token` parameter or `Authorization: Bearer`), checked with IAM;
 * 2. a valid `X-Twilio-Signature` (Twilio webhooks; Studio should use the protected twins);
 * 3. `Authorization: Basic` for your own servers: an API key listed in API_KEY_CALLERS
 *    (`SK…:secret`, then checked with Twilio, credentials/api-key), or the account SID and auth token.
 * Nothing else gets in. Every check happens before any call to the Interactions API.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config';
import type { Headers, Method } from '../edge/http';
import type { Deadline } from '../twilio/deadline';

import * as errors from '../edge/errors';
import * as flexTokens from './flex-token';
import * as apiKeys from './api-key';

/** Every kind of caller; `Caller` is built from it, and every decision over callers is exhaustive. */
export const CALLER_KINDS = ['flex-token', 'twilio-signature', 'twilio-platform', 'account-credentials', 'api-key'] as const;
export type CallerKind = (typeof CALLER_KINDS)[number];

export type Caller =
  | ({ kind: 'flex-token' } & import('./flex-token').FlexIdentity)
  | { kind: 'twilio-signature' }
  /** A protected function's caller: the platform checked the signature before we ran. */
  | { kind: 'twilio-platform' }
  | { kind: 'account-credentials' }
  /** A server holding an API key of the account. */
  | { kind: 'api-key'; sid: string };

/**
 * Did Twilio's signature vouch for the request (checked by us, or by the platform for a protected
 * function)? Then we act only on exactly what was signed (contract/params, assertUnambiguouslySigned).
 */
export function signedByTwilio(caller: Caller): boolean {
  switch (caller.kind) {
    case 'twilio-signature':
    case 'twilio-platform':
      return true;
    case 'flex-token':
    case 'account-credentials':
    case 'api-key':
      return false;
    default:
      return unknownKind(caller);
  }
}

/** A kind this code does not know: treated as signed, the stricter reading (only exactly what was signed is acted on). */
function unknownKind(_caller: never): true {
  return true;
}

export interface AuthRequest {
  headers: Headers;
  params: Record<string, unknown>;
  /** The function's path, e.g. `/close-channel`, for the signature's URL. */
  path: string;
  /** The request's method (edge/http requestMethod): which form of the signature may fit. */
  method: Method;
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
 * The parameters as Twilio signs them: strings only (a repeated form field is an array of
 * strings). Anything else (a JSON body's number, object or `null`) was not signed by Twilio,
 * which signs form parameters (a JSON body goes through `bodySHA256`, which a function cannot
 * check: it never sees the raw body), and could not even be turned into the signed string
 * (`{"toString":1}` throws): a 400 naming the field, before any signature is computed.
 */
function signedParams(params: Record<string, unknown>): Record<string, string | string[]> {
  // A null-prototype copy: a signed `__proto__` parameter stays a parameter.
  const copy: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of Object.entries(params)) {
    const ok = typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
    if (!ok)
      throw errors.InvalidRequestError.field(
        key.slice(0, 100),
        'must be a string in a request carrying X-Twilio-Signature (Twilio signs form parameters)',
      );
    copy[key] = value as string | string[];
  }
  return copy;
}

/**
 * Twilio's signature over `https://{DOMAIN_NAME}{PATH}`, checked with the `twilio` helper's own
 * validator, in the one form that fits the request's method: for a POST the URL plus the POSTed
 * parameters; for a GET (a GET webhook) the URL with its query string and no parameters. A
 * signature made for a GET is never tried on a POST, so a signed read cannot become a close.
 */
function checkSignature(signature: string, req: AuthRequest, config: Config): boolean {
  if (config.authToken === undefined) return false;
  const params = signedParams(req.params);
  const { validateRequest } = require('twilio/lib/webhooks/webhooks') as typeof import('twilio/lib/webhooks/webhooks');
  const url = `${config.publicBaseUrl}${req.path}`;
  if (req.method === 'POST') return validateRequest(config.authToken, signature, url, params);
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
  }
  // With no parameters this asks about `url?`, which Twilio never signs: false, as it should be.
  return validateRequest(config.authToken, signature, `${url}?${query.toString()}`, {});
}

const presentsBasic = (req: AuthRequest): boolean => /^Basic\s/i.test(req.headers.authorization ?? '');

/** One way in: the setting that switches it on, whether a request carries it, and its check. */
interface CredentialCheck {
  enabled: (switches: Config['auth']) => boolean;
  /** Does the request carry this credential? (No network.) */
  presented: (req: AuthRequest) => boolean;
  /** The caller the credential proves, or undefined when it proves nothing; a call to Twilio is bounded by `deadline`. */
  check: (req: AuthRequest, config: Config, deadline: Deadline | undefined) => Promise<Caller | undefined>;
}

/**
 * Every credential, in the order they are tried: the cheapest and most specific first. Both
 * "is any credential present?" and "authenticate" read this one list.
 */
const CREDENTIALS: readonly CredentialCheck[] = [
  {
    // An API key the team listed in API_KEY_CALLERS (checked here, before any network call: any
    // other key of the account, a wallboard's restricted key say, is refused unasked), then
    // checked with Twilio for being still valid.
    enabled: (on) => on.apiKeys,
    presented: presentsBasic,
    check: async (req, config, deadline) => {
      const basic = parseBasic(req.headers.authorization);
      if (basic === undefined || !config.apiKeyCallers.includes(basic.user)) return undefined;
      const valid = await apiKeys.apiKeyValidator(config).validate(basic.user, basic.password, deadline);
      return valid ? { kind: 'api-key', sid: basic.user } : undefined;
    },
  },
  {
    enabled: (on) => on.accountCredentials,
    presented: presentsBasic,
    check: async (req, config) => (checkAccountCredentials(req.headers.authorization, config) ? { kind: 'account-credentials' } : undefined),
  },
  {
    enabled: (on) => on.twilioSignature,
    presented: (req) => (req.headers['x-twilio-signature'] ?? '').length > 0,
    check: async (req, config) => (checkSignature(req.headers['x-twilio-signature']!, req, config) ? { kind: 'twilio-signature' } : undefined),
  },
  {
    enabled: (on) => on.flexToken,
    presented: (req) => flexToken(req.headers, req.params) !== undefined,
    check: async (req, config, deadline) => {
      const who = await flexTokens.flexTokenValidator(config).validate(flexToken(req.headers, req.params)!, deadline);
      return who === undefined ? undefined : { kind: 'flex-token', ...who };
    },
  },
];

/** Does the request carry any credential an enabled check could accept? (No network.) */
export function presentsCredentials(req: AuthRequest, config: Config): boolean {
  return CREDENTIALS.some((credential) => credential.enabled(config.auth) && credential.presented(req));
}

/**
 * Authenticate the request, or throw: `UnauthorizedError` when no credential is valid, and the
 * IAM failure (502/504) when a Flex token could not be checked and nothing else vouched for
 * the caller. Calls to Twilio are bounded by the request's `deadline` (without one, each check's fallback).
 */
export async function authenticate(req: AuthRequest, config: Config, deadline?: Deadline): Promise<Caller> {
  for (const credential of CREDENTIALS) {
    if (!credential.enabled(config.auth) || !credential.presented(req)) continue;
    const caller = await credential.check(req, config, deadline);
    if (caller !== undefined) return caller;
  }
  throw new errors.UnauthorizedError();
}
