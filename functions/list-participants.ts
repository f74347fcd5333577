/** GET|POST /list-participants — a channel's participants, normalized: `{ interactionSid, channelSid, participants, count }`. The contract: src/contract/api.ts. */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('list-participants');
