/** POST /transfer-channel — transfer a conversation to a queue or a worker, cold or warm. The contract: src/contract/api.ts. */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('transfer-channel');
