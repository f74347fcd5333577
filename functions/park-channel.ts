/** /park-channel: park a conversation (src/workflows/park.ts). */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('park-channel');
