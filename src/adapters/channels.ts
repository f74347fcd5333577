/**
 * The Flex Interactions Channels API, through the `twilio` helper, answered in the contract's
 * normalized shape. Each Twilio answer we depend on is checked with zod; each Twilio error is
 * translated by `fromTwilioError`.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { CloseChannelParams, GetChannelParams, ListChannelsParams, Routing } from '../contract/params';

import * as z from 'zod/mini';
import * as errors from '../edge/errors';
import type { Channel } from '../contract/answers';

/** Channel statuses that still hold a conversation open (the Channels page: `setup`, `active`; then `inactive`, `closed`, `failed`). */
export const OPEN_STATUSES: ReadonlySet<string> = new Set(['setup', 'active']);

/** Is the channel open? */
export const isOpen = (channel: Pick<Channel, 'status'>): boolean => OPEN_STATUSES.has(channel.status ?? '');

/** The fields of the helper's `InteractionChannelInstance` we read. */
const ChannelInstance = z.object({
  sid: z.string(),
  interactionSid: z.string(),
  type: z.nullish(z.string()),
  status: z.nullish(z.string()),
  errorCode: z.nullish(z.number()),
  errorMessage: z.nullish(z.string()),
  url: z.nullish(z.string()),
  // Read link by link below: a record schema would copy and check every entry (measured: about 9 µs a channel).
  links: z.unknown(),
});

const link = (links: unknown, name: string): string | null => {
  const value = typeof links === 'object' && links !== null ? (links as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : null;
};

/** Twilio's channel (helper instance) → the contract's `Channel`. */
export function normalizeChannel(instance: unknown): Channel {
  const parsed = ChannelInstance.safeParse(instance);
  if (!parsed.success) throw new errors.UpstreamError('Twilio answered with a channel we could not read');
  const c = parsed.data;
  return {
    sid: c.sid,
    interactionSid: c.interactionSid,
    type: c.type ?? null,
    status: c.status ?? null,
    errorCode: c.errorCode ?? null,
    errorMessage: c.errorMessage ?? null,
    url: c.url ?? null,
    links: {
      participants: link(c.links, 'participants'),
      invites: link(c.links, 'invites'),
      transfers: link(c.links, 'transfers'),
    },
  };
}

async function twilioCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw errors.fromTwilioError(err, what);
  }
}

/** Fetch one channel. */
export async function getChannel(client: TwilioClient, p: GetChannelParams): Promise<Channel> {
  const instance = await twilioCall('the channel', () => client.flexApi.v1.interaction(p.interactionSid).channels(p.channelSid).fetch());
  return normalizeChannel(instance);
}

/** List an interaction's channels, at most `limit`. */
export async function listChannels(client: TwilioClient, p: ListChannelsParams): Promise<Channel[]> {
  const instances = await twilioCall('the interaction', () =>
    client.flexApi.v1.interaction(p.interactionSid).channels.list({ limit: p.limit, pageSize: p.limit }),
  );
  return instances.map(normalizeChannel);
}

/** What closing a channel does to its tasks (the reference's table). */
export type TaskStatus = 'wrapping' | 'completed';

export interface CloseResult {
  channel: Channel;
  routing: Routing | null;
  taskStatus: TaskStatus;
}

/**
 * Set a channel `closed` or `inactive`. Without routing its tasks go to wrapping; with
 * routing `{"status":"closed"}` they are completed. The helper sends `Routing` as the JSON
 * string Twilio expects when given an object.
 */
export async function closeChannel(client: TwilioClient, p: CloseChannelParams): Promise<CloseResult> {
  const routing = p.routing ?? null;
  const instance = await twilioCall('the channel', () =>
    client.flexApi.v1
      .interaction(p.interactionSid)
      .channels(p.channelSid)
      .update(routing === null ? { status: p.status } : { status: p.status, routing }),
  );
  return { channel: normalizeChannel(instance), routing, taskStatus: routing === null ? 'wrapping' : 'completed' };
}
