/** GET|POST /list-channels — list the channels of a Flex Interaction: `{ interactionSid, channels, count }`. The contract: src/contract/api.ts. */
export const handler = (require(Runtime.getFunctions()['library']!.path) as typeof import('../src/library')).publicHandler('list-channels');
