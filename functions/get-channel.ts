/**
 * GET|POST /get-channel — fetch one channel of a Flex Interaction.
 * Parameters: interactionSid (KD…), channelSid (UO…). Answers `{ channel }`.
 */

const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { GetChannelParams } = require(Runtime.getFunctions()['lib/params']!.path) as typeof import('./lib/params.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./lib/channels.private');

export const handler = endpoint({
  methods: ['GET', 'POST'],
  schema: GetChannelParams,
  fields: ['interactionSid', 'channelSid'],
  run: async ({ params, client }) => ({ channel: await channels.getChannel(client(), params) }),
});
