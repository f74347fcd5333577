/**
 * What Twilio's Functions gateway does to a request before a function sees it, as pure rules.
 * Each rule names the Twilio page it comes from; where Twilio says nothing, the comment says
 * what we assumed and why the assumption fails safe.
 */

/**
 * "Headers and cookies: Limitations" (twilio.com/docs/serverless/functions-assets/functions/
 * headers-and-cookies/limitations), "Restricted headers": not accessible within a Function.
 */
export const RESTRICTED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'expect',
  'host',
  'proxy-authorization',
  'proxy-authenticate',
  'referer',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-real-ip',
  // Not on Twilio's list but hop-by-hop by RFC 9110: meaningless past the gateway.
  'keep-alive',
  'te',
]);

/** The same page's `X-Accel-*` and `X-Forwarded-*` rows. */
export const RESTRICTED_HEADER_PREFIXES: readonly string[] = ['x-accel-', 'x-forwarded-'];

/** Is this request header removed before the function sees it? (Name in any case.) */
export function isRestrictedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESTRICTED_HEADERS.has(lower) || RESTRICTED_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Same page: "Max header size: 15kb (including cookies)", "Max header count: 90 (including
 * cookies)"; over either, a 431 "Request headers or cookies too long". Twilio does not say how
 * it counts bytes: we count each `Name: value\r\n` line in bytes and take 15 kB as 15 × 1024.
 * Should Twilio count stricter, a request we let through would be refused deployed, so keep
 * real requests far below (ours carry a handful of short headers).
 */
export const MAX_HEADER_BYTES = 15 * 1024;
export const MAX_HEADER_COUNT = 90;

/** Count and size of the request's headers, from Node's `rawHeaders` (name, value, name, …). */
export function measureHeaders(rawHeaders: readonly string[]): { count: number; bytes: number } {
  let bytes = 0;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    bytes += Buffer.byteLength(rawHeaders[i]!) + 2 + Buffer.byteLength(rawHeaders[i + 1]!) + 2;
  }
  return { count: Math.floor(rawHeaders.length / 2), bytes };
}

export function headersTooLarge(rawHeaders: readonly string[]): boolean {
  const { count, bytes } = measureHeaders(rawHeaders);
  return count > MAX_HEADER_COUNT || bytes > MAX_HEADER_BYTES;
}

/**
 * "Function request flow" (twilio.com/docs/serverless/functions-assets/functions/request-flow):
 * "Twilio Functions will respond to three HTTP verbs: GET, POST, and OPTIONS. PUT and DELETE
 * are currently not supported." Twilio does not say what status it answers for the others; we
 * answer 405, which a caller cannot mistake for success.
 */
export const ALLOWED_METHODS: readonly string[] = ['GET', 'POST', 'OPTIONS'];

/**
 * "Limitations": "You cannot interact with the pre-flight OPTIONS request … The Runtime client
 * will automatically respond to OPTIONS requests with Access-Control-Allow-Headers: *
 * … the Runtime client allows all origins by returning Access-Control-Allow-Origin: *."
 * Exactly those two headers: a client that works here needs nothing more from a preflight.
 * The status is not documented; 204 (no content) is a success to every browser.
 */
export const PREFLIGHT_STATUS = 204;
export const PREFLIGHT_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': '*',
};

/**
 * "Function request flow": "Functions have a 10-second execution limit … Twilio will respond
 * with a 504 Gateway Time-out". Counted here from the request's arrival at the gateway.
 */
export const FUNCTION_TIMEOUT_MS = 10_000;

/**
 * The largest body the gateway accepts. Twilio does not document one; the toolkit's own dev
 * server caps bodies at 6 MB (its DEFAULT_BODY_SIZE_LAMBDA), and so do we. Our functions refuse
 * anything over 16 KiB of parameters themselves, so the exact figure never decides an answer.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/** Response headers that describe the hop to the gateway, not the answer. */
export function isHopByHopResponseHeader(name: string): boolean {
  return ['connection', 'keep-alive', 'transfer-encoding', 'x-powered-by'].includes(name.toLowerCase());
}

/**
 * What a signature can cover, from "Webhooks security" (twilio.com/docs/usage/webhooks/
 * webhooks-security): Twilio signs the full URL it requested plus, for a form POST
 * (`application/x-www-form-urlencoded`), each POSTed parameter sorted by name; for a request
 * whose body is JSON it adds a `bodySHA256` query parameter (the hex SHA-256 of the body) to
 * the URL, signs the URL alone, and the body must hash to that value (the `twilio` helper's
 * validateRequestWithBody). Twilio does not document what its Functions gateway does with any
 * other body: a JSON (or text, or any non-form) body without `bodySHA256` is covered by no
 * signature, so it is refused here (400) rather than handed to a function as if signed. Should
 * Twilio's gateway let such a request through, the twins refuse it themselves (src/edge/http.ts
 * assertSignedEncoding): being wrong here fails safe.
 */
export type SignedBody = 'form' | 'hashed' | 'none' | 'unverifiable';

export function signedBodyKind(url: URL, contentType: string | undefined, bodyLength: number): SignedBody {
  if (url.searchParams.has('bodySHA256')) return 'hashed';
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) return 'form';
  return bodyLength === 0 ? 'none' : 'unverifiable';
}
