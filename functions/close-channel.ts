/**
 * POST /close-channel — set a channel `closed` (or `inactive`), optionally completing its tasks.
 * Parameters: interactionSid, channelSid, status (closed|inactive), routing ({"status":"closed"}).
 * Answers `{ channel, routing, taskStatus }`. Who may close what: lib/policy.
 * Callers: a Flex plugin (the agent's Flex token), or your own servers (Basic credentials).
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { CLOSE_CHANNEL } = require(Runtime.getFunctions()['lib/operations']!.path) as typeof import('./lib/operations.private');

export const handler = endpoint(CLOSE_CHANNEL);
