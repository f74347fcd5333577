/**
 * GET|POST /get-channel — fetch one channel of a Flex Interaction.
 * Parameters: interactionSid (KD…), channelSid (UO…). Answers `{ channel }`.
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { GET_CHANNEL } = require(Runtime.getFunctions()['lib/api']!.path) as typeof import('./lib/api.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./lib/channels.private');

export const handler = endpoint({
  ...GET_CHANNEL,
  run: async ({ params, client }) => ({ channel: await channels.getChannel(client(), params) }),
});
