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
 * Every answer is 200 with what was decided and why (TaskRouter only needs to know we got the
 * event), and each decision is logged. It is idempotent: a channel already closed is left alone.
 */
import type * as Z from 'zod/mini';
import type TwilioClient = require('twilio/lib/rest/Twilio');

import * as z from 'zod/mini';
import * as channels from './channels';
import * as participants from './participants';
import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as params from '../contract/params';
import type { Channel, OrphanGuardResponse } from '../contract/answers';
import type { TaskRouterEvent } from '../contract/params';

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

/** Decide, act, log, answer. */
export async function guard(client: TwilioClient, event: TaskRouterEvent, events: readonly string[]): Promise<OrphanGuardResponse> {
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

  const closed = await channels.closeChannel(client, { ...ids, status: 'closed', routing: { status: 'closed' } });
  return decide({ action: 'closed', reason: 'open with no agent left: closed, its tasks completed', ...ids, channel: closed.channel });
}
