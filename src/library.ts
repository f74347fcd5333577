/**
 * The library as the entry points see it: one private function (`library`), bundled from these
 * sources by `npm run build` (scripts/bundle-library.ts), so a container loads one module, once,
 * and every function in it shares the settings cache, the Twilio client, the connection pools
 * and the token cache.
 *
 * An entry point is one line: `functions/<name>.ts` is `publicHandler('<name>')`, and its
 * protected twin `functions/studio/<name>.protected.ts` (or `functions/webhooks/…` for a webhook)
 * is `protectedHandler('<name>')`.
 */
import type { Handler } from './edge/endpoint';

import { endpoint } from './edge/endpoint';
import { OPERATIONS, type OperationName, type PublicOperationName } from './operations';

/** The public function of an operation: it checks its callers itself (a Flex token, server credentials, a signature). */
export function publicHandler(name: PublicOperationName): Handler {
  return endpoint(OPERATIONS[name], 'function');
}

/** The protected function of an operation: Twilio's gateway let only signed requests through. */
export function protectedHandler(name: OperationName): Handler {
  return endpoint(OPERATIONS[name], 'platform');
}
