/**
 * GET|POST /list-channels — list the channels of a Flex Interaction.
 * Parameters: interactionSid (KD…), limit (1–1000, default 50). Answers `{ interactionSid, channels, count }`.
 * Callers: a Flex plugin (the agent's Flex token), or your own servers (Basic credentials).
 */
const { endpoint } = require(Runtime.getFunctions()['lib/endpoint']!.path) as typeof import('./lib/endpoint.private');
const { LIST_CHANNELS } = require(Runtime.getFunctions()['lib/operations']!.path) as typeof import('./lib/operations.private');

export const handler = endpoint(LIST_CHANNELS);
