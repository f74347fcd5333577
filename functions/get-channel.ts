/**
 * GET|POST /get-channel — fetch one channel of a Flex Interaction.
 * Parameters: interactionSid (KD…), channelSid (UO…). Answers `{ channel }`.
 * Callers: a Flex plugin (the agent's Flex token), or your own servers (Basic credentials).
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { GET_CHANNEL } = require(Runtime.getFunctions()['lib/operations']!.path) as typeof import('./lib/operations.private');

export const handler = endpoint(GET_CHANNEL);
