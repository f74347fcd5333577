/**
 * HTTP shaping: what the Runtime tells us of the request (headers, method, parameters), the
 * CORS headers of the contract, and the one place where results and errors become responses.
 */
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';

import * as errors from './errors';
import * as log from './log';

export type Headers = Record<string, string>;
export type Method = 'GET' | 'POST';

/** The request as the Runtime hands it over: parameters, plus `request.headers`. */
export interface RuntimeEvent {
  request?: { headers?: Record<string, unknown>; cookies?: unknown };
  [param: string]: unknown;
}

const isStringMap = (value: unknown, allowArrays: boolean): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string' || (allowArrays && Array.isArray(v) && v.every((i) => typeof i === 'string')));

/**
 * Is `event.request` the Runtime's own? A parameter named `request` (in the query or the body)
 * replaces it: the toolkit's runtime builds the event as `{ request, ...query, ...body }`, so
 * `?request[headers][content-type]=x` would hand us the caller's headers, turning a GET into a
 * "POST". The Runtime's object has exactly `headers` (strings, arrays for repeated headers)
 * and `cookies` (strings); anything else came from the caller and is refused. (A caller can
 * still shape a fake that passes; SECURITY.md says why that grants nothing.)
 */
export function assertRuntimeRequest(event: RuntimeEvent): void {
  const request: unknown = event.request;
  const ok =
    typeof request === 'object' &&
    request !== null &&
    !Array.isArray(request) &&
    Object.keys(request).every((k) => k === 'headers' || k === 'cookies') &&
    isStringMap((request as { headers?: unknown }).headers, true) &&
    isStringMap((request as { cookies?: unknown }).cookies, false);
  if (!ok)
    throw errors.InvalidRequestError.field('request', 'is the name of what the Runtime tells a function about the request; no parameter may use it');
}

/**
 * For a request vouched for by a Twilio signature (the twins, or X-Twilio-Signature on a public
 * function): act only on what a signature covers. Twilio signs form parameters (and the URL);
 * a JSON body is covered only through `bodySHA256`, which a function cannot check (it never
 * sees the raw body), and what Twilio's Functions gateway does with a JSON body is not
 * documented (gateway/rules.ts signedBodyKind). So a body that is not form-encoded is refused,
 * naming the header; Studio's Run Function and TaskRouter send form POSTs.
 */
export function assertSignedEncoding(headers: Headers): void {
  const type = headers['content-type'];
  if (type === undefined || type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return;
  throw errors.InvalidRequestError.field(
    'content-type',
    'a request signed by Twilio must be form-encoded (application/x-www-form-urlencoded) or carry no body: a signature covers form parameters, not a JSON body',
  );
}

/** Header names lower-cased; a repeated header keeps its first value. */
export function readHeaders(event: RuntimeEvent): Headers {
  const raw = event.request?.headers;
  const headers: Headers = {};
  if (typeof raw !== 'object' || raw === null) return headers;
  for (const [name, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') headers[name.toLowerCase()] = first;
  }
  return headers;
}

/** The request's parameters (query, form or JSON body), without the Runtime's `request`. */
export function readParams(event: RuntimeEvent): Record<string, unknown> {
  const params: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(event)) {
    if (name !== 'request') params[name] = value;
  }
  return params;
}

/**
 * Twilio Functions do not tell a handler the HTTP method. A request with a body (a length or a
 * content type) is a POST; one without is a GET. OPTIONS never reaches the handler.
 */
export function requestMethod(headers: Headers): Method {
  const length = Number(headers['content-length'] ?? '0');
  return length > 0 || headers['content-type'] !== undefined ? 'POST' : 'GET';
}

/** CORS headers of the contract: the Origin is echoed only when it is allowed, never `*`. */
export function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[], methods: readonly Method[]): Headers {
  const headers: Headers = { Vary: 'Origin' };
  if (origin !== undefined && allowedOrigins.includes(origin)) {
    headers['Access-Control-Allow-Origin'] = origin;
    headers['Access-Control-Allow-Methods'] = [...methods, 'OPTIONS'].join(', ');
    headers['Access-Control-Allow-Headers'] = 'Content-Type, Authorization, X-Twilio-Signature';
    headers['Access-Control-Expose-Headers'] = 'Retry-After';
    headers['Access-Control-Max-Age'] = '600';
  }
  return headers;
}

/** A JSON response with the given status and headers. */
export function jsonResponse(status: number, body: object, headers: Headers): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(status);
  response.appendHeader('Content-Type', 'application/json; charset=utf-8');
  response.appendHeader('Cache-Control', 'no-store');
  response.appendHeader('X-Content-Type-Options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) response.appendHeader(name, value);
  response.setBody(body);
  return response;
}

/**
 * The one place where an error becomes a response. An `HttpError` is answered as it is; any
 * other error is logged (by type only, since library errors can carry request headers) and
 * answered as a bare 500 with no detail.
 */
export function errorResponse(err: unknown, headers: Headers): TwilioResponse {
  const httpError = err instanceof errors.HttpError ? err : new errors.HttpError(500, 'internal_error', 'the function failed unexpectedly');
  if (!(err instanceof errors.HttpError)) {
    log.error('unexpected failure', { error: log.describeError(err) });
  } else if (httpError.status >= 500) {
    log.warn('answered with an error', {
      code: httpError.code,
      status: httpError.status,
      ...(httpError.call === undefined ? {} : { call: httpError.call }),
      ...(httpError.twilioCode === undefined ? {} : { twilioCode: httpError.twilioCode }),
    });
  }
  return jsonResponse(httpError.status, { error: httpError.toJSON() }, { ...headers, ...httpError.headers });
}
