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
import { isSid, type SidKind } from '../contract/sids';

/**
 * At most this many participants are read (one page of 1000, Twilio's largest PageSize; a
 * further page only if Twilio gives fewer per page). A channel holding more is refused, never
 * answered or decided on in part: a chat has a customer and a few agents, not a thousand.
 */
export const MAX_PARTICIPANTS = 1000;

/** A participant as read, with what the decisions need beyond the contract's fields. */
export interface ListedParticipant extends Participant {
  /**
   * Its routing_properties say its task is done with (status wrapping, wrapup, completed or
   * closed). Twilio documents no participant status, so this is true only when one is there;
   * absent, the participant counts as still on the channel.
   */
  finished: boolean;
}

const Instance = z.object({
  sid: z.string().check(z.regex(/^UT[0-9a-fA-F]{32}$/)),
  type: z.nullish(z.unknown()),
  routingProperties: z.nullish(z.unknown()),
});

const FINISHED = new Set(['wrapping', 'wrapup', 'completed', 'closed']);

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

/** Twilio's participant (helper instance) → the contract's `Participant`, plus `finished`. */
export function normalizeParticipant(instance: unknown): ListedParticipant {
  const parsed = Instance.safeParse(instance);
  if (!parsed.success) throw new errors.UpstreamError('Twilio answered with a participant we could not read');
  const { sid, type, routingProperties } = parsed.data;
  const props =
    typeof routingProperties === 'object' && routingProperties !== null && !Array.isArray(routingProperties)
      ? (routingProperties as Record<string, unknown>)
      : {};
  const fields = routingFields(props);
  const status = fields.get('status');
  return {
    sid,
    type: typeof type === 'string' ? type : null,
    workerSid: idOf(fields, 'workersid', 'worker'),
    taskSid: idOf(fields, 'tasksid', 'task'),
    reservationSid: idOf(fields, 'reservationsid', 'reservation'),
    finished: typeof status === 'string' && FINISHED.has(status.toLowerCase()),
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

/** Who is on a channel, as far as the close policy and the orphan guard need to know. */
export interface ChannelWorkers {
  /** The worker SIDs of its participants. */
  workerSids: string[];
  /** Agent participants whose routing properties name no worker. */
  agentsWithoutWorker: number;
}

/** The workers on a channel (readParticipants, summed up). */
export async function channelWorkers(client: TwilioClient, p: GetChannelParams): Promise<ChannelWorkers> {
  const workers: ChannelWorkers = { workerSids: [], agentsWithoutWorker: 0 };
  for (const participant of await readParticipants(client, p)) {
    if (participant.workerSid !== null) workers.workerSids.push(participant.workerSid);
    else if (participant.type === 'agent') workers.agentsWithoutWorker++;
  }
  return workers;
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
