/** The fake's IAM: Flex token validation (`POST /v1/Accounts/{AC}/Tokens/validate`). */
import type { ServerResponse } from 'node:http';
import { hex, send, twilioError, type FakeState, type RecordedRequest } from './types';

export function validateToken(state: FakeState, accountSid: string, req: RecordedRequest, res: ServerResponse): void {
  if (accountSid !== state.options.accountSid) {
    return send(res, 403, twilioError(403, 20003, 'Permission denied'));
  }
  const token = req.body.token;
  const found = typeof token === 'string' ? state.tokens.get(token) : undefined;
  if (!found) return send(res, 200, { valid: false, code: 20101, message: 'Invalid Access Token' });
  if (Date.parse(found.expiration) <= Date.now()) {
    return send(res, 200, { valid: false, code: 20104, message: 'Access Token expired or expiration date invalid' });
  }
  send(res, 200, {
    valid: true,
    code: 0,
    message: null,
    expiration: found.expiration,
    realm_user_id: `US${hex(7)}`,
    identity: found.identity,
    roles: found.roles,
    worker_sid: found.workerSid ?? null,
    flex_instance_sid: `GO${hex(1)}`,
    flex_user_sid: `FU${hex(1)}`,
  });
}

/**
 * A string shaped like a Flex token: a JWE in compact form with `"alg":"dir"` (header, empty
 * key, IV, ciphertext, tag), its parts made from `label`. It encrypts nothing: only IAM (here,
 * this fake) says whether it is valid, which is all the functions ask.
 */
export function flexTokenLike(label: string): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  return [
    b64(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'fake' })),
    '',
    b64(`iv-${label}`),
    b64(`ciphertext of ${label}`),
    b64(`tag-${label}`),
  ].join('.');
}

/** `GET /2010-04-01/Accounts/{AC}/Queues.json`: what the functions read to check a caller's API key (an empty page). */
export function listQueues(state: FakeState, accountSid: string, req: RecordedRequest, res: ServerResponse): void {
  if (accountSid !== state.options.accountSid) return send(res, 404, twilioError(404, 20404, `The requested resource ${req.path} was not found`));
  const pageSize = Number(req.query.PageSize ?? 50);
  const uris = { uri: req.path, first_page_uri: req.path, next_page_uri: null, previous_page_uri: null };
  send(res, 200, { queues: [], start: 0, end: 0, page: 0, page_size: pageSize, ...uris });
}
