/**
 * What each function does, once: the contract's endpoint (lib/api) plus its work. The public
 * functions and their protected twins (functions/studio/) are both built from these, so they
 * cannot differ in parameters, Twilio calls, answers or errors.
 */
import type * as Z from 'zod/mini';
import type { EndpointSpec } from './endpoint.private';

const api = require(Runtime.getFunctions()['lib/api']!.path) as typeof import('./api.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./channels.private');
const policy = require(Runtime.getFunctions()['lib/policy']!.path) as typeof import('./policy.private');

/** Fetch one channel: `{ channel }`. */
export const GET_CHANNEL: EndpointSpec<typeof api.GET_CHANNEL.params> = {
  ...api.GET_CHANNEL,
  run: async ({ params, client }) => ({ channel: await channels.getChannel(client(), params) }),
};

/** List an interaction's channels: `{ interactionSid, channels, count }`. */
export const LIST_CHANNELS: EndpointSpec<typeof api.LIST_CHANNELS.params> = {
  ...api.LIST_CHANNELS,
  run: async ({ params, client }) => {
    const list = await channels.listChannels(client(), params);
    return { interactionSid: params.interactionSid, channels: list, count: list.length };
  },
};

/** Close a channel (or set it inactive) if the caller may (lib/policy): `{ channel, routing, taskStatus }`. */
export const CLOSE_CHANNEL: EndpointSpec<typeof api.CLOSE_CHANNEL.params> = {
  ...api.CLOSE_CHANNEL,
  run: async ({ params, caller, config, client }) => {
    await policy.authorizeClose(caller, config, () => channels.channelWorkers(client(), params));
    return channels.closeChannel(client(), params);
  },
};

export type Operation = EndpointSpec<Z.ZodMiniObject>;
