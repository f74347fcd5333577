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
 * completed, **only when it is still open and no agent participant is left on it** (an agent who wrapped up or closed has left).
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
 * - nobody may be on the channel and no routing of ours live, by the channel's state
 *   (channel-state.ts: an agent is on it while their own task is `assigned`; one who wrapped up
 *   has left), and no other task naming the channel may still hold it (`pending`, `reserved`,
 *   `assigned`: a transfer's new task waiting in queue is one).
 *
 * Every answer is 200 with what was decided and why (TaskRouter only needs to know we got the
 * event), and each decision is logged. It is idempotent: a channel already closed is left alone.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { OrphanGuardResponse } from '../contract/answers';
import type { TaskRouterEvent } from '../contract/params';

import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as tasks from '../adapters/tasks';
import * as channels from '../adapters/channels';
import * as records from '../adapters/park-records';
import * as channelState from './channel-state';
import * as markers from './markers';

/** An event older than this is not acted on (a replay, or a delivery so late it is stale). */
export const MAX_EVENT_AGE_MS = 5 * 60_000;
/** How far in the future an event's time may be (our clock and TaskRouter's may differ). */
export const MAX_CLOCK_SKEW_MS = 60_000;
/** Task statuses in which another task still routes the customer or holds the channel for an agent. */
const HOLDING = new Set(['pending', 'reserved', 'assigned']);

/** Is the signed event's TimestampMs recent? (A signature carries no time; this is the event's own.) */
export function ageOf(timestampMs: string | undefined, now: number): number | undefined {
  return timestampMs === undefined ? undefined : now - Number(timestampMs);
}

/** Why the task, as TaskRouter has it now, does not let us close (undefined when it does). */
function taskNowRefuses(task: tasks.TaskNow | undefined, channelSid: string): string | undefined {
  if (task === undefined) return 'the task does not exist in TaskRouter';
  if (task.assignmentStatus !== 'canceled') return `the task is ${task.assignmentStatus} in TaskRouter now, not canceled`;
  if (markers.channelOf(task.attributes)?.channelSid !== channelSid) return "the task's current attributes name another channel";
  return undefined;
}

/**
 * Is the channel parked? Asked last, only when everything else says close. A record that cannot
 * be read (Sync down) counts as none: the channel is closed, as it was before parking existed
 * (closed beats stranded, and a parked conversation whose record is unreadable cannot resume).
 */
async function parked(client: TwilioClient, config: Config, channelSid: string): Promise<boolean> {
  if (config.syncServiceSid === undefined) return false;
  try {
    return (await records.fetch(client, records.whereOf(config), channelSid)) !== undefined;
  } catch (err) {
    log.warn('orphan guard: the park record could not be read', { channelSid, reason: log.describeError(err) });
    return false;
  }
}

/** Decide, act, log, answer. */
export async function guard(
  client: TwilioClient,
  config: Config,
  event: TaskRouterEvent,
  events: readonly string[],
  now = Date.now(),
): Promise<OrphanGuardResponse> {
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
  const conversation = markers.channelOf(tasks.attributesOf(event.taskAttributes));
  if (conversation === undefined)
    return decide({
      action: 'ignored',
      reason: 'not a Flex Conversations task (no flexInteractionSid and flexInteractionChannelSid in its attributes)',
    });
  const ids = conversation;
  const age = ageOf(event.timestampMs, now);
  if (age === undefined) return decide({ action: 'ignored', reason: 'the event carries no TimestampMs: its age cannot be told', ...ids });
  if (age > MAX_EVENT_AGE_MS || age < -MAX_CLOCK_SKEW_MS)
    return decide({
      action: 'ignored',
      reason: `the event is ${Math.round(age / 1000)} s old, outside ${MAX_EVENT_AGE_MS / 60_000} minutes: a replay, or stale`,
      ...ids,
    });
  if (event.workspaceSid === undefined || event.taskSid === undefined)
    return decide({ action: 'ignored', reason: 'the event names no WorkspaceSid and TaskSid: the task cannot be checked', ...ids });

  // Independent reads, at the same time: the channel's state and the event's task as TaskRouter has it now.
  const [state, task] = await channelState.settled([
    channelState.read(client, config, ids, { park: false }).catch((err: unknown) => {
      if (err instanceof errors.NotFoundError) return undefined;
      throw err;
    }),
    tasks.fetchTask(client, event.workspaceSid, event.taskSid),
  ]);
  if (state === undefined) return decide({ action: 'ignored', reason: 'the channel does not exist', ...ids });
  const channel = state.channel;
  if (!state.open)
    return decide({ action: 'ignored', reason: `the channel is ${channel.status ?? 'in no known status'}, not open`, ...ids, channel });
  if (state.onChannel.length > 0) return decide({ action: 'ignored', reason: 'an agent is still on the channel', ...ids, channel });
  const routing = state.routings[0];
  if (routing !== undefined) return decide({ action: 'ignored', reason: `${channelState.describe(routing)}: not orphaned`, ...ids, channel });
  const refused = taskNowRefuses(task, ids.channelSid);
  if (refused !== undefined) return decide({ action: 'ignored', reason: refused, ...ids, channel });
  const other = state.liveTasks.find((t) => t.sid !== event.taskSid && HOLDING.has(t.assignmentStatus));
  if (other !== undefined)
    return decide({
      action: 'ignored',
      reason: `another task of this channel is ${other.assignmentStatus} (${other.sid}): it is not orphaned`,
      ...ids,
      channel,
    });

  if (await parked(client, config, ids.channelSid))
    return decide({ action: 'ignored', reason: 'this channel is parked: not orphaned', ...ids, channel });

  const closed = await channels.closeChannel(client, { ...ids, status: 'closed', routing: { status: 'closed' } });
  return decide({ action: 'closed', reason: 'open with no agent left: closed, its tasks completed', ...ids, channel: closed.channel });
}
