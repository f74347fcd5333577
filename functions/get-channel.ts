/** GET|POST /get-channel — fetch one channel of a Flex Interaction: `{ channel }`. The contract: src/contract/api.ts. */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('get-channel');
