/**
 * A resumed park that nobody took (its task's `workflow.timeout` or `task.canceled`, the task
 * carrying `resumedFrom`: resume.ts) is parked again, so the conversation stays open and the
 * next customer message tries again: the record is re-created from `resumedFrom` and the task's
 * attributes (409: another delivery of the event did it), and a new webhook watches the
 * conversation. The TaskRouter webhook (src/webhooks/taskrouter.ts) then does not
 * hand the event to the orphan guard, which would close the channel (no agent is on it).
 *
 * Acted on only when `resumedFrom` is ours (signed: markers.ts), the event is recent (the orphan
 * guard's MAX_EVENT_AGE_MS: a replayed signed event must not re-park a conversation finished
 * since), and the channel's state says it is open, no agent is on it (someone took the
 * conversation some other way: nothing to do) and no other routing of ours is live.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { TaskRouterWebhookEvent } from '../contract/transfer-params';

import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as tasks from '../adapters/tasks';
import * as records from '../adapters/park-records';
import * as webhooks from '../adapters/conversation-webhooks';
import * as channelState from './channel-state';
import * as markers from './markers';
import { MAX_EVENT_AGE_MS, MAX_CLOCK_SKEW_MS, ageOf } from './orphan-guard';

/** The events on which a resumed task is given up by TaskRouter. */
export const REPARK_EVENTS = new Set(['workflow.timeout', 'task.canceled']);

export interface ReparkDecision {
  action: 'reparked' | 'ignored';
  reason: string;
}

/**
 * The park a task's attributes say it resumed, when the marker is ours (markers.ts) and the task
 * carries no transfer of ours (a transfer's task is the finisher's, even from a resumed
 * conversation); undefined otherwise. `original`: the attributes less our markers and the invite's own.
 */
export function resumedParkOf(
  config: Config,
  taskAttributes: string | undefined,
): { resumedFrom: markers.ResumedFrom; original: Record<string, unknown> } | undefined {
  const attributes = tasks.attributesOf(taskAttributes);
  if (markers.verifiedTransfer(config, attributes) !== undefined) return undefined;
  const resumedFrom = markers.verifiedResumedFrom(config, attributes);
  if (resumedFrom === undefined) return undefined;
  const { flexChannelInviteSid: _i, ...rest } = markers.withoutMarkers(attributes);
  return { resumedFrom, original: rest };
}

/** Undefined when the event is not a resumed park's give-up (the caller goes on to the orphan guard). */
export async function repark(
  client: TwilioClient,
  event: TaskRouterWebhookEvent,
  config: Config,
  now = Date.now(),
): Promise<ReparkDecision | undefined> {
  if (!REPARK_EVENTS.has(event.eventType)) return undefined;
  const found = resumedParkOf(config, event.taskAttributes);
  if (found === undefined) return undefined;
  const decide = (d: ReparkDecision): ReparkDecision => {
    log.info('repark', { ...d, eventType: event.eventType, taskSid: event.taskSid, channelSid: found.resumedFrom.channelSid });
    return d;
  };
  const age = ageOf(event.timestampMs, now);
  if (age === undefined || age > MAX_EVENT_AGE_MS || age < -MAX_CLOCK_SKEW_MS)
    return decide({
      action: 'ignored',
      reason: 'the event carries no recent TimestampMs: a replay, or stale; a resumed park is never closed for it',
    });
  const r = found.resumedFrom;
  const ids = { interactionSid: r.interactionSid, channelSid: r.channelSid };
  let state;
  try {
    state = await channelState.read(client, config, ids, { park: false });
  } catch (err) {
    if (err instanceof errors.NotFoundError) return decide({ action: 'ignored', reason: 'the channel no longer exists: nothing to park' });
    throw err;
  }
  if (!state.open) return decide({ action: 'ignored', reason: `the channel is ${state.channel.status ?? 'in no known status'}: nothing to park` });
  if (state.onChannel.length > 0) return decide({ action: 'ignored', reason: 'an agent is on the channel: it is not waiting for the customer' });
  const other = state.routings.find((x) => x.kind !== 'resume' || x.taskSid !== event.taskSid);
  if (other !== undefined) return decide({ action: 'ignored', reason: `${channelState.describe(other)}: nothing to park` });

  const where = records.whereOf(config);
  const data: records.RecordData = {
    state: 'parked',
    interactionSid: r.interactionSid,
    channelSid: r.channelSid,
    conversationSid: r.conversationSid,
    parkedBy: r.parkedBy,
    parkedAt: r.parkedAt,
    taskSid: r.taskSid,
    workspaceSid: r.workspaceSid,
    queueSid: r.queueSid,
    workflowSid: r.workflowSid,
    taskChannelUniqueName: r.taskChannelUniqueName,
    attributes: found.original,
    webhookSid: null,
  };
  const created = await records.create(client, where, data);
  const reparked = {
    action: 'reparked' as const,
    reason: `nobody took the resumed task (${event.eventType}): parked again, the next message resumes it`,
  };
  if (!created.created) {
    const left = await leftBehind(client, where, ids.channelSid, r.claimId);
    if (left === undefined) return decide({ action: 'reparked', reason: 'parked again already (another delivery of this event, or a new park)' });
    // The resume that made this task could not delete its record (resume.ts cleanUp): the record still says
    // `resuming` under that resume's claim and nothing watches the conversation. Watch it again, and the record
    // becomes `parked` (If-Match), so the next message resumes it.
    if (left.data.webhookSid !== null) await webhooks.remove(client, r.conversationSid, left.data.webhookSid).catch(() => undefined);
    const { claim: _claim, ...rest } = left.data;
    await watch(client, where, r.conversationSid, ids, config, left, { ...rest, state: 'parked', webhookSid: null }, false);
    return decide({ ...reparked, reason: `${reparked.reason} (the resume's record was left behind: taken back)` });
  }
  await watch(client, where, r.conversationSid, ids, config, { data, revision: created.revision }, data, true);
  return decide(reparked);
}

/** The record a resume left behind when it is still claimed by the resume of this task (`claimId`), else undefined. */
async function leftBehind(client: TwilioClient, where: ReturnType<typeof records.whereOf>, channelSid: string, claimId: string | undefined) {
  if (claimId === undefined) return undefined;
  const record = await records.fetch(client, where, channelSid);
  return record?.data.state === 'resuming' && record.data.claim?.id === claimId ? record : undefined;
}

/** A webhook on the conversation, its SID written into the record (If-Match); a record changed meanwhile keeps no second webhook. */
async function watch(
  client: TwilioClient,
  where: ReturnType<typeof records.whereOf>,
  conversationSid: string,
  ids: { interactionSid: string; channelSid: string },
  config: Pick<Config, 'publicBaseUrl'>,
  record: records.ParkRecord,
  data: records.RecordData,
  removeOnFailure: boolean,
): Promise<void> {
  let webhookSid: string;
  try {
    const lastIndex = await webhooks.lastMessageIndex(client, conversationSid);
    webhookSid = await webhooks.create(client, conversationSid, webhooks.webhookUrl(config, ids), lastIndex + 1);
  } catch (err) {
    // Unwatched, the park would strand the customer: undo it, and the orphan guard decides (taskrouter-webhook.ts).
    if (removeOnFailure) await records.remove(client, where, ids.channelSid).catch(() => undefined);
    throw err;
  }
  const saved = await records.update(client, where, record, { ...data, webhookSid });
  if (!saved.ok) await webhooks.remove(client, conversationSid, webhookSid);
}
