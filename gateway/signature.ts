/**
 * The check Twilio's gateway makes before a protected function runs ("Function request flow":
 * "If the request or the Twilio Signature are invalid, the request is rejected with an HTTP
 * 400 response"), done with the `twilio` helper's own validators, as Twilio's security page
 * (twilio.com/docs/usage/webhooks/webhooks-security) describes the signature:
 * - the full URL Twilio requested (with its query string), plus, for a form POST, every POSTed
 *   parameter sorted by name, name and value concatenated;
 * - for a JSON body, Twilio adds `bodySHA256` to the URL and signs the URL alone; the body must
 *   hash to that value;
 * - any other body (JSON without `bodySHA256`, say) is covered by nothing: refused (rules.ts).
 */
import { validateRequest, validateRequestWithBody } from 'twilio/lib/webhooks/webhooks';
import { signedBodyKind } from './rules';

export interface SignedRequest {
  /** The public origin the caller addressed, e.g. `https://my-service-1234-dev.twil.io`. */
  publicOrigin: string;
  /** Path and query string as requested. */
  originalUrl: string;
  contentType: string | undefined;
  body: Buffer;
  signature: string | undefined;
}

/** Form parameters as Twilio signs them: repeated names keep every value, in order. */
function formParams(body: Buffer): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body.toString('utf8'))) {
    const seen = params[name];
    params[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/**
 * Is `X-Twilio-Signature` valid for this request under `authToken`, covering everything the
 * function will read? A body no signature covers (rules.signedBodyKind) is refused.
 */
export function validSignature(authToken: string | undefined, req: SignedRequest): boolean {
  if (authToken === undefined || authToken === '' || req.signature === undefined || req.signature === '') return false;
  const url = `${req.publicOrigin}${req.originalUrl}`;
  switch (signedBodyKind(new URL(url), req.contentType, req.body.length)) {
    case 'hashed':
      return validateRequestWithBody(authToken, req.signature, url, req.body.toString('utf8'));
    case 'form':
      return validateRequest(authToken, req.signature, url, formParams(req.body));
    case 'none':
      return validateRequest(authToken, req.signature, url, {});
    case 'unverifiable':
      return false;
  }
}
