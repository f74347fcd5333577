/**
 * POST /close-channel — set a channel `closed` (or `inactive`), optionally completing its tasks.
 * Parameters: interactionSid, channelSid, status (closed|inactive), routing ({"status":"closed"}).
 * Answers `{ channel, routing, taskStatus }`. Who may close what: lib/policy.
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { CLOSE_CHANNEL } = require(Runtime.getFunctions()['lib/api']!.path) as typeof import('./lib/api.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./lib/channels.private');
const { authorizeClose } = require(Runtime.getFunctions()['lib/policy']!.path) as typeof import('./lib/policy.private');

export const handler = endpoint({
  ...CLOSE_CHANNEL,
  run: async ({ params, caller, config, client }) => {
    await authorizeClose(caller, config, () => channels.channelWorkers(client(), params));
    return channels.closeChannel(client(), params);
  },
});
