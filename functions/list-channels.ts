/**
 * GET|POST /list-channels — list the channels of a Flex Interaction.
 * Parameters: interactionSid (KD…), limit (1–1000, default 50). Answers `{ interactionSid, channels, count }`.
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { LIST_CHANNELS } = require(Runtime.getFunctions()['lib/api']!.path) as typeof import('./lib/api.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./lib/channels.private');

export const handler = endpoint({
  ...LIST_CHANNELS,
  run: async ({ params, client }) => {
    const list = await channels.listChannels(client(), params);
    return { interactionSid: params.interactionSid, channels: list, count: list.length };
  },
});
