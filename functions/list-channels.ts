/**
 * GET|POST /list-channels — list the channels of a Flex Interaction.
 * Parameters: interactionSid (KD…), limit (1–1000, default 50). Answers `{ interactionSid, channels, count }`.
 */

const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { ListChannelsParams } = require(Runtime.getFunctions()['lib/params']!.path) as typeof import('./lib/params.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./lib/channels.private');

export const handler = endpoint({
  methods: ['GET', 'POST'],
  schema: ListChannelsParams,
  fields: ['interactionSid', 'limit'],
  run: async ({ params, client }) => {
    const list = await channels.listChannels(client(), params);
    return { interactionSid: params.interactionSid, channels: list, count: list.length };
  },
});
