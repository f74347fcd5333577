/**
 * Finishing a transfer (src/workflows/transfer.ts), on the TaskRouter events of its new task,
 * which carries `transfer: { id, state, from, to, mode, then }` in its attributes.
 *
 * `reservation.accepted`: someone took over. Exactly once, across deliveries and containers: the
 * new task is fetched (its ETag) and its `transfer.state` moved from `pending` to `completing`
 * with If-Match (tasks.ts); a delivery that gets 412, or finds another state, does nothing. The
 * winner then (cold) changes the transferring participant to `then` (wrapup or closed), unless it
 * already left or the channel is no longer open, and marks the transfer `completed`. A crash
 * between the claim and the participant update leaves the transferring agent on the channel:
 * the customer is never alone (they leave with /update-participant).
 *
 * Failure (`task.canceled`, `workflow.timeout`, `task.deleted`; and `reservation.rejected` or
 * `reservation.timeout` of an invite naming a worker, which Twilio's best practices say cancels
 * the task): nothing changes on the channel. The failure is written onto the transferring
 * agent's task as `transferFailed: { id, reason, at }` (If-Match too, once per transfer), where
 * the Flex plugin can read it. A rejected reservation of a queue transfer is not a failure:
 * TaskRouter offers the task to another worker.
 *
 * Order of events: the event's TimestampMs is not looked at, and need not be. No decision is
 * taken on what an event says happened; each reads the new task as TaskRouter has it **now**:
 * an acceptance acts only while the task is `assigned` and its transfer still `pending`; a
 * failure is recorded only when the task is `canceled` (or gone) and its transfer still
 * `pending`. So a `reservation.accepted` delivered after a later `task.canceled` finds the task
 * canceled and changes nothing (the transferring agent keeps the conversation), and a failure
 * event delivered after the acceptance finds the task assigned, the transfer completed, and
 * records nothing. Were TaskRouter to answer a fetch before it applied the event's change (not
 * documented either way), the event is ignored: the transferring agent stays (fail safe), and
 * a failure is recorded by the task's own later `task.canceled`.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { TaskRouterWebhookEvent } from '../contract/transfer-params';
import type { TransferDecision } from '../contract/transfer-answers';

import * as z from 'zod/mini';
import * as errors from '../edge/errors';
import * as params from '../contract/params';
import * as channels from '../adapters/channels';
import * as participants from '../adapters/participants';
import * as tasks from '../adapters/tasks';

const Marker = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100)),
  state: z.string(),
  mode: z.enum(['cold', 'warm']),
  from: z.object({ participantSid: params.sid('participant', 'participantSid'), taskSid: params.sid('task', 'taskSid') }),
  to: z.optional(z.object({ workerSid: z.nullish(z.string()) })),
  then: z.enum(['wrapup', 'closed', 'stay']),
});
type Marker = z.infer<typeof Marker>;

const Conversation = z.object({ flexInteractionSid: params.InteractionSid, flexInteractionChannelSid: params.ChannelSid });

const ALWAYS_FAILED = new Set(['task.canceled', 'workflow.timeout', 'task.deleted']);
const FAILED_IF_WORKER = new Set(['reservation.rejected', 'reservation.timeout']);
const OPEN = new Set(['setup', 'active']);

/** The transfer an event's task carries, or undefined when it is not a transfer's task. */
export function markerOf(taskAttributes: string | undefined): { marker: Marker; interactionSid: string; channelSid: string } | undefined {
  const attributes = tasks.attributesOf(taskAttributes);
  const marker = Marker.safeParse(attributes.transfer);
  const conversation = Conversation.safeParse(attributes);
  if (!marker.success || !conversation.success) return undefined;
  return { marker: marker.data, interactionSid: conversation.data.flexInteractionSid, channelSid: conversation.data.flexInteractionChannelSid };
}

/** What to do with the event; undefined when it is not about a transfer. */
export async function finish(client: TwilioClient, event: TaskRouterWebhookEvent, now = Date.now()): Promise<TransferDecision | undefined> {
  const found = markerOf(event.taskAttributes);
  if (found === undefined) return undefined;
  const { marker } = found;
  const ignored = (reason: string): TransferDecision => ({ action: 'ignored', reason, transferId: marker.id });
  if (event.workspaceSid === undefined || event.taskSid === undefined) return ignored('the event names no WorkspaceSid and TaskSid');
  if (event.eventType === 'reservation.accepted')
    return accepted(client, { ...found, workspaceSid: event.workspaceSid, taskSid: event.taskSid }, ignored);
  const failed = ALWAYS_FAILED.has(event.eventType) || (FAILED_IF_WORKER.has(event.eventType) && typeof marker.to?.workerSid === 'string');
  if (failed) return failedIfStill(client, { workspaceSid: event.workspaceSid, taskSid: event.taskSid }, marker, event.eventType, now, ignored);
  if (FAILED_IF_WORKER.has(event.eventType)) return ignored(`${event.eventType} of a queue transfer: TaskRouter offers the task to another worker`);
  return ignored(`${event.eventType} does not finish a transfer`);
}

async function accepted(
  client: TwilioClient,
  t: { marker: Marker; interactionSid: string; channelSid: string; workspaceSid: string; taskSid: string },
  ignored: (reason: string) => TransferDecision,
): Promise<TransferDecision> {
  const task = await tasks.fetchTask(client, t.workspaceSid, t.taskSid);
  if (task === undefined) return ignored('the new task does not exist in TaskRouter');
  const now = Marker.safeParse(task.attributes.transfer);
  if (!now.success || now.data.id !== t.marker.id) return ignored("the new task's current attributes carry another transfer");
  if (now.data.state !== 'pending') return ignored(`the transfer is already ${now.data.state}`);
  if (task.assignmentStatus !== 'assigned')
    return ignored(`the new task is ${task.assignmentStatus} in TaskRouter now, not assigned: nobody took over, nothing changed`);
  const current = task.attributes.transfer as Record<string, unknown>;
  const claim = await tasks.updateAttributes(client, t.workspaceSid, task, { ...task.attributes, transfer: { ...current, state: 'completing' } });
  if (!claim.ok) return ignored('another delivery claimed this transfer first (412 on If-Match)');

  let participantStatus: string | null = null;
  let reason = 'warm transfer accepted: both agents stay';
  if (t.marker.then !== 'stay') {
    const left = await leaveIfStillThere(client, t, t.marker.then);
    participantStatus = left.status;
    reason = left.reason;
  }
  // Best effort: the claim already made this happen once; a lost race here only leaves 'completing'.
  await tasks
    .updateAttributes(
      client,
      t.workspaceSid,
      { sid: task.sid, etag: claim.etag },
      { ...task.attributes, transfer: { ...current, state: 'completed' } },
    )
    .catch(() => undefined);
  return { action: 'finished', reason, transferId: t.marker.id, participantStatus };
}

async function leaveIfStillThere(
  client: TwilioClient,
  t: { marker: Marker; interactionSid: string; channelSid: string },
  status: 'wrapup' | 'closed',
): Promise<{ status: string | null; reason: string }> {
  const ids = { interactionSid: t.interactionSid, channelSid: t.channelSid };
  let channel;
  try {
    channel = await channels.getChannel(client, ids);
  } catch (err) {
    if (err instanceof errors.NotFoundError) return { status: null, reason: 'accepted, but the channel no longer exists: nothing changed' };
    throw err;
  }
  if (!OPEN.has(channel.status ?? ''))
    return { status: null, reason: `accepted, but the channel is ${channel.status ?? 'not open'}: nothing changed` };
  const from = (await participants.readParticipants(client, ids)).find((p) => p.sid === t.marker.from.participantSid);
  if (from === undefined || from.finished) return { status: null, reason: 'accepted; the transferring agent had already left: nothing changed' };
  try {
    await participants.updateParticipant(client, { ...ids, participantSid: from.sid, status }, from);
  } catch (err) {
    // 409: the agent left ("End") between our read and our update.
    if (err instanceof errors.ConflictError) return { status: null, reason: 'accepted; the transferring agent left meanwhile: nothing changed' };
    throw err;
  }
  return { status, reason: `cold transfer accepted: the transferring agent's participant set to ${status}` };
}

/** A failure event: recorded only if the new task is canceled (or gone) now, its transfer still pending. */
async function failedIfStill(
  client: TwilioClient,
  ids: { workspaceSid: string; taskSid: string },
  marker: Marker,
  eventType: string,
  now: number,
  ignored: (reason: string) => TransferDecision,
): Promise<TransferDecision> {
  const task = await tasks.fetchTask(client, ids.workspaceSid, ids.taskSid);
  if (task !== undefined) {
    const state = Marker.safeParse(task.attributes.transfer);
    if (state.success && state.data.id === marker.id && state.data.state !== 'pending')
      return ignored(`${eventType}: the transfer is already ${state.data.state}; no failure recorded`);
    if (task.assignmentStatus !== 'canceled')
      return ignored(`${eventType}: the new task is ${task.assignmentStatus} in TaskRouter now, not canceled; no failure recorded`);
  }
  return recordFailure(client, ids.workspaceSid, marker, eventType, now, ignored);
}

async function recordFailure(
  client: TwilioClient,
  workspaceSid: string,
  marker: Marker,
  eventType: string,
  now: number,
  ignored: (reason: string) => TransferDecision,
): Promise<TransferDecision> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const task = await tasks.fetchTask(client, workspaceSid, marker.from.taskSid);
    if (task === undefined) return ignored(`${eventType}: the transferring agent's task no longer exists; nothing to record on`);
    const previous = task.attributes.transferFailed as { id?: unknown } | undefined;
    if (previous?.id === marker.id) return ignored(`${eventType}: this transfer's failure is already recorded`);
    const written = await tasks.updateAttributes(client, workspaceSid, task, {
      ...task.attributes,
      transferFailed: { id: marker.id, reason: eventType, at: new Date(now).toISOString() },
    });
    if (written.ok)
      return {
        action: 'failed',
        reason: `${eventType}: the transfer failed, nothing changed on the channel; recorded on the transferring agent's task`,
        transferId: marker.id,
      };
  }
  return ignored(`${eventType}: the transferring agent's task kept changing (412); the failure was not recorded`);
}
