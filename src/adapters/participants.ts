/**
 * A channel's participants (`…/Interactions/{KD}/Channels/{UO}/Participants`), the one module
 * that reads them: list-participants, update-participant, the close policy and the orphan guard
 * all go through `readParticipants`, so they agree on who is on a channel.
 *
 * Twilio's OpenAPI leaves `routing_properties` untyped; the Participants page shows `task_sid`,
 * `worker_sid` and `reservation_sid` for agents and null for customers. Each id is read whatever
 * its casing (`worker_sid`, `workerSid`, `WorkerSid`), kept only when it has its SID's shape,
 * and null otherwise; nothing else of routing_properties reaches an answer.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Participant } from '../contract/answers';
import type { GetChannelParams } from '../contract/params';
import type { ParticipantStatus } from '../contract/participant-params';

import * as z from 'zod/mini';
import * as errors from '../edge/errors';
import { isSid, sidPattern, type SidKind } from '../contract/sids';

/**
 * At most this many participants are read (one page of 1000, Twilio's largest PageSize; a
 * further page only if Twilio gives fewer per page). A channel holding more is refused, never
 * answered or decided on in part: a chat has a customer and a few agents, not a thousand.
 */
export const MAX_PARTICIPANTS = 1000;

/**
 * A participant as read. Twilio documents no participant status (the OpenAPI leaves
 * routing_properties untyped, and its own answer to `Status=closed` shows only task_sid,
 * worker_sid and reservation_sid), so none is read: whether an agent is still on the channel is
 * their task's status in TaskRouter (workflows/channel-state.ts).
 */
export type ListedParticipant = Participant;

const Instance = z.object({
  sid: z.string().check(z.regex(sidPattern('participant'))),
  type: z.nullish(z.unknown()),
  routingProperties: z.nullish(z.unknown()),
});

/** `worker_sid`, `workerSid`, `WorkerSid`, … → one key to compare. */
const squash = (key: string): string => key.replace(/[_-]/g, '').toLowerCase();

/**
 * The routing properties by squashed key, each the first value that is there (not null): every
 * key is squashed once, not once per field looked up (measured in the CPU profile of a park,
 * which reads a channel's participants: the per-field loop was most of their normalization).
 */
function routingFields(props: Record<string, unknown>): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    const squashed = squash(key);
    if (!fields.has(squashed)) fields.set(squashed, value);
  }
  return fields;
}

const idOf = (fields: Map<string, unknown>, squashedName: string, kind: SidKind): string | null => {
  const value = fields.get(squashedName);
  return isSid(kind, value) ? value : null;
};

/** Twilio's participant (helper instance) → the contract's `Participant`. */
export function normalizeParticipant(instance: unknown): ListedParticipant {
  const parsed = Instance.safeParse(instance);
  if (!parsed.success) throw new errors.UpstreamError('Twilio answered with a participant we could not read');
  const { sid, type, routingProperties } = parsed.data;
  const props =
    typeof routingProperties === 'object' && routingProperties !== null && !Array.isArray(routingProperties)
      ? (routingProperties as Record<string, unknown>)
      : {};
  const fields = routingFields(props);
  return {
    sid,
    type: typeof type === 'string' ? type : null,
    workerSid: idOf(fields, 'workersid', 'worker'),
    taskSid: idOf(fields, 'tasksid', 'task'),
    reservationSid: idOf(fields, 'reservationsid', 'reservation'),
  };
}

/** The contract's fields only. */
export function publicParticipant(p: ListedParticipant): Participant {
  return { sid: p.sid, type: p.type, workerSid: p.workerSid, taskSid: p.taskSid, reservationSid: p.reservationSid };
}

async function twilioCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw errors.fromTwilioError(err, what);
  }
}

/** Every participant of the channel, following Twilio's pages, at most MAX_PARTICIPANTS (else 502). */
export async function readParticipants(client: TwilioClient, p: GetChannelParams): Promise<ListedParticipant[]> {
  const instances = await twilioCall('the channel', () =>
    client.flexApi.v1
      .interaction(p.interactionSid)
      .channels(p.channelSid)
      .participants.list({ limit: MAX_PARTICIPANTS + 1, pageSize: MAX_PARTICIPANTS }),
  );
  if (instances.length > MAX_PARTICIPANTS) {
    throw new errors.UpstreamError(`the channel has more than ${MAX_PARTICIPANTS} participants; this service reads at most ${MAX_PARTICIPANTS}`);
  }
  return instances.map(normalizeParticipant);
}

/**
 * Set one participant's status (`POST …/Participants/{UT}`, form field `Status`). Twilio:
 * `wrapup` wraps up that agent's reservation, `closed` completes it; the channel stays open.
 * Answers the participant as Twilio returns it, or `fallback` when that answer is unreadable
 * (the change is made by then: it must not turn into an error).
 */
export async function updateParticipant(
  client: TwilioClient,
  p: GetChannelParams & { participantSid: string; status: ParticipantStatus },
  fallback: ListedParticipant,
): Promise<ListedParticipant> {
  const instance = await twilioCall('the participant', () =>
    client.flexApi.v1.interaction(p.interactionSid).channels(p.channelSid).participants(p.participantSid).update({ status: p.status }),
  );
  try {
    return normalizeParticipant(instance);
  } catch {
    return fallback;
  }
}
