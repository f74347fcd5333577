/**
 * The guard against orphaned conversations, for a TaskRouter workspace's Event Callback URL.
 *
 * Twilio's "Conversations best practices" for Flex: the tasks of an interaction must not be
 * canceled or deleted through the TaskRouter API (the Interaction Channels subresource is the
 * way), and terminal TaskRouter events must be handled, or a conversation stays open with nobody
 * on it (an open channel lives on for up to 180 days, and its customer may not get a new
 * interaction). On the events a team chooses (ORPHAN_GUARD_EVENTS, default task.canceled and
 * workflow.timeout) of a Flex Conversations task, this reads `flexInteractionSid` and
 * `flexInteractionChannelSid` from the task's attributes and closes the channel, its tasks
 * completed, **only when it is still open and no agent participant is left on it**.
 *
 * A signed event can be replayed (a signature carries no time), and a replay must not close a
 * channel the first delivery left alone (an agent was on it; then, in a cold transfer, the agent
 * left while a new task waits in queue). So, before it closes anything:
 * - the event's signed `TimestampMs` must be at most MAX_EVENT_AGE_MS old (and not from the
 *   future beyond MAX_CLOCK_SKEW_MS): an older event is ignored;
 * - TaskRouter is asked about the task now (`GET /v1/Workspaces/{WorkspaceSid}/Tasks/{TaskSid}`):
 *   it must really be `canceled` (Twilio: a task that times out of its workflow, or whose TTL
 *   passes, is canceled; should a timed-out task show another status, the guard ignores it,
 *   which fails safe) and its current attributes must name the same channel;
 * - and it must be the channel's current task: no other task naming the channel may be live
 *   (`GET …/Tasks?EvaluateTaskAttributes=flexInteractionChannelSid == "UO…"&AssignmentStatus=
 *   pending,reserved,assigned,wrapping`; a transfer's new task waiting in queue is one).
 *
 * Every answer is 200 with what was decided and why (TaskRouter only needs to know we got the
 * event), and each decision is logged. It is idempotent: a channel already closed is left alone.
 */
import type * as Z from 'zod/mini';
import type TwilioClient = require('twilio/lib/rest/Twilio');

import * as z from 'zod/mini';
import * as channels from '../adapters/channels';
import * as participants from '../adapters/participants';
import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as params from '../contract/params';
import type { Channel, OrphanGuardResponse } from '../contract/answers';
import type { TaskRouterEvent } from '../contract/params';

/** An event older than this is not acted on (a replay, or a delivery so late it is stale). */
export const MAX_EVENT_AGE_MS = 5 * 60_000;
/** How far in the future an event's time may be (our clock and TaskRouter's may differ). */
export const MAX_CLOCK_SKEW_MS = 60_000;
/** Task statuses in which a task still routes or holds its channel. */
const LIVE_TASK = ['pending', 'reserved', 'assigned', 'wrapping'];

/** Channel statuses that still hold a conversation open. */
const OPEN = new Set(['setup', 'active']);

const TaskAttributes = z.object({
  flexInteractionSid: params.InteractionSid,
  flexInteractionChannelSid: params.ChannelSid,
});

function conversationOf(attributes: string | undefined): Z.infer<typeof TaskAttributes> | undefined {
  if (attributes === undefined) return undefined;
  try {
    const parsed = TaskAttributes.safeParse(JSON.parse(attributes));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the task, as TaskRouter has it now, does not let us close (undefined when it does): it is
 * gone, not canceled, names another channel, or another live task names the channel.
 */
async function taskNow(client: TwilioClient, workspaceSid: string, taskSid: string, channelSid: string): Promise<string | undefined> {
  const workspace = client.taskrouter.v1.workspaces(workspaceSid);
  let task;
  try {
    task = await workspace.tasks(taskSid).fetch();
  } catch (err) {
    const translated = errors.fromTwilioError(err, 'the task');
    if (translated instanceof errors.NotFoundError) return 'the task does not exist in TaskRouter';
    throw translated;
  }
  if (task.assignmentStatus !== 'canceled') return `the task is ${task.assignmentStatus} in TaskRouter now, not canceled`;
  if (conversationOf(task.attributes)?.flexInteractionChannelSid !== channelSid) return "the task's current attributes name another channel";
  let live;
  try {
    live = await workspace.tasks.list({
      evaluateTaskAttributes: `flexInteractionChannelSid == "${channelSid}"`,
      assignmentStatus: LIVE_TASK,
      limit: 20,
    });
  } catch (err) {
    throw errors.fromTwilioError(err, "the channel's tasks");
  }
  const others = live.filter((t) => t.sid !== taskSid);
  return others.length > 0 ? `another task of this channel is ${others[0]!.assignmentStatus} (${others[0]!.sid}): it is not orphaned` : undefined;
}

/** Decide, act, log, answer. */
export async function guard(client: TwilioClient, event: TaskRouterEvent, events: readonly string[], now = Date.now()): Promise<OrphanGuardResponse> {
  const decide = (answer: OrphanGuardResponse): OrphanGuardResponse => {
    log.info('orphan guard', {
      action: answer.action,
      reason: answer.reason,
      eventType: event.eventType,
      taskSid: event.taskSid,
      interactionSid: answer.interactionSid,
      channelSid: answer.channelSid,
    });
    return answer;
  };
  if (!events.includes(event.eventType)) return decide({ action: 'ignored', reason: `${event.eventType} is not one of ORPHAN_GUARD_EVENTS` });
  const conversation = conversationOf(event.taskAttributes);
  if (conversation === undefined)
    return decide({
      action: 'ignored',
      reason: 'not a Flex Conversations task (no flexInteractionSid and flexInteractionChannelSid in its attributes)',
    });
  const ids = { interactionSid: conversation.flexInteractionSid, channelSid: conversation.flexInteractionChannelSid };
  const age = event.timestampMs === undefined ? undefined : now - Number(event.timestampMs);
  if (age === undefined) return decide({ action: 'ignored', reason: 'the event carries no TimestampMs: its age cannot be told', ...ids });
  if (age > MAX_EVENT_AGE_MS || age < -MAX_CLOCK_SKEW_MS)
    return decide({
      action: 'ignored',
      reason: `the event is ${Math.round(age / 1000)} s old, outside ${MAX_EVENT_AGE_MS / 60_000} minutes: a replay, or stale`,
      ...ids,
    });
  if (event.workspaceSid === undefined || event.taskSid === undefined)
    return decide({ action: 'ignored', reason: 'the event names no WorkspaceSid and TaskSid: the task cannot be checked', ...ids });

  let channel: Channel;
  try {
    channel = await channels.getChannel(client, ids);
  } catch (err) {
    if (err instanceof errors.NotFoundError) return decide({ action: 'ignored', reason: 'the channel does not exist', ...ids });
    throw err;
  }
  if (!OPEN.has(channel.status ?? ''))
    return decide({ action: 'ignored', reason: `the channel is ${channel.status ?? 'in no known status'}, not open`, ...ids, channel });
  const { workerSids, agentsWithoutWorker } = await participants.channelWorkers(client, ids);
  if (workerSids.length + agentsWithoutWorker > 0) return decide({ action: 'ignored', reason: 'an agent is still on the channel', ...ids, channel });

  const task = await taskNow(client, event.workspaceSid, event.taskSid, ids.channelSid);
  if (task !== undefined) return decide({ action: 'ignored', reason: task, ...ids, channel });

  const closed = await channels.closeChannel(client, { ...ids, status: 'closed', routing: { status: 'closed' } });
  return decide({ action: 'closed', reason: 'open with no agent left: closed, its tasks completed', ...ids, channel: closed.channel });
}
