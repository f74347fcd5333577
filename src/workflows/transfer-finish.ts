/**
 * Finishing a transfer (src/workflows/transfer.ts), on the TaskRouter events of its new task,
 * which carries `transfer: { id, state, from, to, mode, then }` in its attributes.
 *
 * The marker is trusted only once its MAC verifies for the channel the task names (markers.ts):
 * a forged, edited or copied one is no transfer of ours, and the event goes on to the guard.
 *
 * `reservation.accepted`: someone took over. The new task (with its ETag) and the channel's
 * state are read at the same time; the acceptance is acted on only when that task is `assigned`,
 * its transfer still `pending`, the channel open, and **the task held by an agent on the
 * channel** (a participant whose task it is, assigned: a cross-check against what Twilio holds
 * for the channel, so a marker copied within it moves nobody). Exactly once, across deliveries
 * and containers: `transfer.state` is moved from `pending` to `completing` with If-Match
 * (tasks.ts); a delivery that gets 412, or finds another state, does nothing. The winner then
 * (cold) changes the transferring participant to `then` (wrapup or closed), unless they already
 * left, and marks the transfer `completed`. A crash
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
import type { Config } from '../config';
import type { TaskRouterWebhookEvent } from '../contract/transfer-params';
import type { TransferDecision } from '../contract/transfer-answers';

import * as errors from '../edge/errors';
import * as participants from '../adapters/participants';
import * as tasks from '../adapters/tasks';
import * as channelState from './channel-state';
import * as markers from './markers';

const ALWAYS_FAILED = new Set(['task.canceled', 'workflow.timeout', 'task.deleted']);
const FAILED_IF_WORKER = new Set(['reservation.rejected', 'reservation.timeout']);

type Found = { marker: markers.TransferMarker; ids: markers.ChannelIds };

/** The transfer an event's task carries, when the marker is ours (markers.ts); undefined when it is not a transfer's task. */
export function markerOf(config: Config, taskAttributes: string | undefined): Found | undefined {
  return markers.verifiedTransfer(config, tasks.attributesOf(taskAttributes));
}

/** What to do with the event; undefined when it is not about a transfer of ours. */
export async function finish(
  client: TwilioClient,
  config: Config,
  event: TaskRouterWebhookEvent,
  now = Date.now(),
): Promise<TransferDecision | undefined> {
  const found = markerOf(config, event.taskAttributes);
  if (found === undefined) return undefined;
  const { marker } = found;
  const ignored = (reason: string): TransferDecision => ({ action: 'ignored', reason, transferId: marker.id });
  if (event.workspaceSid === undefined || event.taskSid === undefined) return ignored('the event names no WorkspaceSid and TaskSid');
  const at = { workspaceSid: event.workspaceSid, taskSid: event.taskSid };
  if (event.eventType === 'reservation.accepted') return accepted(client, config, found, at, ignored);
  const failed = ALWAYS_FAILED.has(event.eventType) || (FAILED_IF_WORKER.has(event.eventType) && marker.to.workerSid !== null);
  if (failed) return failedIfStill(client, config, at, marker, event.eventType, now, ignored);
  if (FAILED_IF_WORKER.has(event.eventType)) return ignored(`${event.eventType} of a queue transfer: TaskRouter offers the task to another worker`);
  return ignored(`${event.eventType} does not finish a transfer`);
}

/** The transfer the task carries now, if it is still this one and ours. */
function sameTransferNow(config: Config, task: tasks.TaskNow, marker: markers.TransferMarker): markers.TransferMarker | undefined {
  const now = markers.verifiedTransfer(config, task.attributes);
  return now !== undefined && now.marker.id === marker.id ? now.marker : undefined;
}

async function accepted(
  client: TwilioClient,
  config: Config,
  found: Found,
  at: { workspaceSid: string; taskSid: string },
  ignored: (reason: string) => TransferDecision,
): Promise<TransferDecision> {
  // Independent reads, at the same time: the new task as TaskRouter has it now, and the channel's state.
  const [task, state] = await channelState.settled([
    tasks.fetchTask(client, at.workspaceSid, at.taskSid),
    channelState.read(client, config, found.ids, { park: false }).catch((err: unknown) => {
      if (err instanceof errors.NotFoundError) return undefined;
      throw err;
    }),
  ]);
  if (task === undefined) return ignored('the new task does not exist in TaskRouter');
  const now = sameTransferNow(config, task, found.marker);
  if (now === undefined) return ignored("the new task's current attributes carry another transfer, or none of ours");
  if (now.state !== 'pending') return ignored(`the transfer is already ${now.state}`);
  if (task.assignmentStatus !== 'assigned')
    return ignored(`the new task is ${task.assignmentStatus} in TaskRouter now, not assigned: nobody took over, nothing changed`);
  // Cross-check against what Twilio holds for this channel: the accepting task is an agent's on it.
  if (state?.open === true && !state.onChannel.some((a) => a.participant.taskSid === task.sid))
    return ignored('the new task is not held by an agent on this channel (yet): nothing changed, the transferring agent stays');
  const current = task.attributes.transfer as Record<string, unknown>;
  const claim = await tasks.updateAttributes(client, at.workspaceSid, task, { ...task.attributes, transfer: { ...current, state: 'completing' } });
  if (!claim.ok) return ignored('another delivery claimed this transfer first (412 on If-Match)');

  let participantStatus: string | null = null;
  let reason = 'warm transfer accepted: both agents stay';
  if (state === undefined) reason = 'accepted, but the channel no longer exists: nothing changed';
  else if (!state.open) reason = `accepted, but the channel is ${state.channel.status ?? 'not open'}: nothing changed`;
  else if (found.marker.then !== 'stay') {
    const left = await leaveIfStillThere(client, state, found.marker, found.marker.then);
    participantStatus = left.status;
    reason = left.reason;
  }
  // Best effort: the claim already made this happen once; a lost race here only leaves 'completing'.
  await tasks
    .updateAttributes(
      client,
      at.workspaceSid,
      { sid: task.sid, etag: claim.etag },
      { ...task.attributes, transfer: { ...current, state: 'completed' } },
    )
    .catch(() => undefined);
  return { action: 'finished', reason, transferId: found.marker.id, participantStatus };
}

async function leaveIfStillThere(
  client: TwilioClient,
  state: channelState.ChannelState,
  marker: markers.TransferMarker,
  status: 'wrapup' | 'closed',
): Promise<{ status: string | null; reason: string }> {
  const from = state.onChannel.find((a) => a.participant.sid === marker.from.participantSid);
  if (from === undefined) return { status: null, reason: 'accepted; the transferring agent had already left: nothing changed' };
  try {
    await participants.updateParticipant(client, { ...state.ids, participantSid: from.participant.sid, status }, from.participant);
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
  config: Config,
  at: { workspaceSid: string; taskSid: string },
  marker: markers.TransferMarker,
  eventType: string,
  now: number,
  ignored: (reason: string) => TransferDecision,
): Promise<TransferDecision> {
  const task = await tasks.fetchTask(client, at.workspaceSid, at.taskSid);
  if (task !== undefined) {
    const state = sameTransferNow(config, task, marker);
    if (state !== undefined && state.state !== 'pending') return ignored(`${eventType}: the transfer is already ${state.state}; no failure recorded`);
    if (task.assignmentStatus !== 'canceled')
      return ignored(`${eventType}: the new task is ${task.assignmentStatus} in TaskRouter now, not canceled; no failure recorded`);
  }
  return recordFailure(client, at.workspaceSid, marker, eventType, now, ignored);
}

async function recordFailure(
  client: TwilioClient,
  workspaceSid: string,
  marker: markers.TransferMarker,
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
