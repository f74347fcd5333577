/**
 * park-channel: the agent's participant is closed (their task completes, the conversation stays
 * with the customer in it: Twilio's "Park an Interaction"), the park is recorded (park-record.ts)
 * and the conversation is watched for the customer's next message (conversation-webhook.ts).
 *
 * The order is chosen so that no failure leaves the customer with no agent and no way back:
 * decide everything from the channel's state (scope, open channel, no routing of ours live, the one agent on it, their task) → create the record
 * (exists: 409 `already_parked`) → read the last message's index → close the participant
 * (fails: the record is deleted, the agent still has the conversation) → create the webhook,
 * replaying from the message after that index → write its SID into the record (If-Match). If
 * the webhook cannot be made once the agent has left, the park is resumed at once (the customer
 * is routed again) and the answer says so; if that invite fails too, the channel is made
 * inactive (`unwatched`), so the customer's next message still reaches someone. If the record changed before its SID was written
 * (a message or a click claimed it), `remember` reads it again and decides what the webhook
 * becomes.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { ParkChannelParams } from '../contract/park-params';
import type { ParkChannelResponse, Park } from '../contract/park-answers';
import type { ParticipantScope } from '../credentials/policy';
import type { RecordData } from '../adapters/park-records';

import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as channels from '../adapters/channels';
import * as participants from '../adapters/participants';
import { isSid } from '../contract/sids';
import * as records from '../adapters/park-records';
import * as webhooks from '../adapters/conversation-webhooks';
import * as acting from './acting-agent';
import * as channelState from './channel-state';
import * as markers from './markers';
import * as resumes from './resume';

/** Who parks (acting-agent.ts), and the refusals that belong to parking: another agent on the channel (409), a routing of ours live (409). */
export function parking(scope: ParticipantScope, state: channelState.ChannelState, participantSid: string | undefined): channelState.Agent {
  const chosen = acting.choose(scope, state, participantSid, 'park');
  const live = state.routings[0];
  if (live?.kind === 'park') throw new errors.AlreadyParkedError('this channel is parked already (its record exists): resume it first');
  if (live !== undefined) throw new errors.ConflictError(`${channelState.describe(live)}: one routing at a time, nothing was sent`);
  if (channelState.othersOn(state, chosen.participant.sid).length > 0)
    throw new errors.ConflictError(
      'another agent is on this channel: a conversation is parked by its last agent (leave with /update-participant instead)',
    );
  return chosen;
}

/** What the contract shows of a record. */
export function parkOf(data: RecordData): Park {
  return {
    interactionSid: data.interactionSid,
    channelSid: data.channelSid,
    conversationSid: data.conversationSid,
    state: data.state,
    parkedBy: data.parkedBy,
    parkedAt: data.parkedAt,
    queueSid: data.queueSid,
    workflowSid: data.workflowSid,
    taskSid: data.taskSid,
  };
}

/** Decide, record, close the participant, watch the conversation. */
export async function park(
  client: TwilioClient,
  scope: ParticipantScope,
  identity: string | null,
  config: Config,
  p: ParkChannelParams,
  now = Date.now(),
): Promise<ParkChannelResponse> {
  const where = records.whereOf(config);
  acting.assertChoosable(scope, p.participantSid, 'park');
  const ids = { interactionSid: p.interactionSid, channelSid: p.channelSid };
  const state = await channelState.read(client, config, ids);
  if (!state.open)
    throw errors.InvalidRequestError.field('channelSid', `is ${state.channel.status ?? 'in no known status'}: only an open channel can be parked`);
  const { participant: agent, task: onTask } = parking(scope, state, p.participantSid);
  // An agent on the channel has their task: that is what being on it means (channel-state.ts).
  const task = onTask!;
  const conversationSid = task.attributes.conversationSid;
  if (!isSid('conversation', conversationSid))
    throw new errors.ConflictError("the agent's task names no conversationSid (CH…): there is no conversation to watch");
  if (task.queueSid === null) throw new errors.ConflictError("the agent's task names no queue: a resume would have nowhere to go");
  const data: RecordData = {
    state: 'parked',
    ...ids,
    conversationSid,
    parkedBy: { workerSid: agent.workerSid, identity },
    parkedAt: new Date(now).toISOString(),
    taskSid: task.sid,
    workspaceSid: state.workspaceSid,
    queueSid: task.queueSid,
    workflowSid: task.workflowSid,
    taskChannelUniqueName: task.taskChannelUniqueName,
    // The original attributes, less every marker of ours an earlier transfer or resume left on them.
    attributes: markers.withoutMarkers(task.attributes),
    webhookSid: null,
  };
  records.assertFits(data);

  const created = await records.create(client, where, data);
  if (!created.created) throw new errors.AlreadyParkedError('this channel is parked already (its record exists): resume it first');
  let lastIndex: number;
  try {
    lastIndex = await webhooks.lastMessageIndex(client, conversationSid);
    await participants.updateParticipant(client, { ...ids, participantSid: agent.sid, status: 'closed' }, agent);
  } catch (err) {
    await records
      .remove(client, where, ids.channelSid)
      .catch((cleanup: unknown) =>
        log.warn('park record left after a failed park', { channelSid: ids.channelSid, reason: (cleanup as Error).message }),
      );
    throw err;
  }
  const answer = { participant: { sid: agent.sid, status: 'closed' as const } };

  let webhookSid: string;
  try {
    webhookSid = await webhooks.create(client, conversationSid, webhooks.webhookUrl(config, ids), lastIndex + 1);
  } catch (err) {
    const reason = (errors.fromTwilioError(err, "the conversation's webhook") as Error).message;
    log.warn('park not watched: resumed at once', { channelSid: ids.channelSid, reason });
    const resumed = await resumes.resume(client, config, ids, { kind: 'unwatched', record: { data, revision: created.revision } }, now);
    if (resumed.action === 'failed') return unwatched(client, where, data, answer, reason, resumed.reason);
    return {
      park: parkOf(data),
      ...answer,
      webhookSid: null,
      resumed: { ...resumed, reason: `the webhook could not be made (${reason}): ${resumed.reason}` },
    };
  }
  const saved = await remember(client, where, { data, revision: created.revision }, webhookSid);
  return { park: parkOf(saved?.data ?? data), ...answer, webhookSid: saved === undefined ? null : webhookSid };
}

/**
 * Write the webhook's SID into the record (If-Match). Refused (412), the record changed since it
 * was created: a message or a click claimed it. Read again: gone (resumed and cleaned up), the
 * webhook is deleted here, since its SID is in no record; still `parked` without a webhook (the
 * claim was given back after a failed invite), the SID is written once more, or the
 * conversation would be parked with nothing watching it; `resuming`, the claimant decides, and
 * the webhook stays until a delivery finds no record and deletes it (webhooks/conversations.ts).
 * Answers the record as saved, or undefined when the webhook was deleted.
 */
async function remember(
  client: TwilioClient,
  where: ReturnType<typeof records.whereOf>,
  record: records.ParkRecord,
  webhookSid: string,
): Promise<records.ParkRecord | undefined> {
  const conversationSid = record.data.conversationSid;
  let current: records.ParkRecord | undefined = record;
  for (let attempt = 0; attempt < 2 && current !== undefined; attempt++) {
    if (current.data.state !== 'parked' || current.data.webhookSid !== null) return current;
    const saved = await records.update(client, where, current, { ...current.data, webhookSid });
    if (saved.ok) return saved.record;
    current = saved.gone ? undefined : await records.fetch(client, where, record.data.channelSid);
  }
  if (current !== undefined) return current;
  await webhooks.remove(client, conversationSid, webhookSid);
  return undefined;
}

/**
 * Neither watched nor routed: the agent has left, the webhook could not be made and the resume's
 * invite failed. Nothing would bring the customer's next message to anyone, so the channel is
 * made inactive with Routing closed (Twilio's native Leave: the customer's next message makes a
 * new task on the same conversation; Flex admin guide, "Leave and pause") and the record is
 * deleted. Should that fail too, the answer is a 502 that says the conversation is not covered.
 */
async function unwatched(
  client: TwilioClient,
  where: ReturnType<typeof records.whereOf>,
  data: RecordData,
  answer: { participant: { sid: string; status: 'closed' } },
  webhookReason: string,
  resumeReason: string,
): Promise<ParkChannelResponse> {
  const ids = { interactionSid: data.interactionSid, channelSid: data.channelSid };
  try {
    await channels.closeChannel(client, { ...ids, status: 'inactive', routing: { status: 'closed' } });
  } catch (err) {
    log.error('park: the customer is not covered', {
      channelSid: ids.channelSid,
      webhook: webhookReason,
      resume: resumeReason,
      reason: log.describeError(err),
    });
    throw new errors.UpstreamError(
      'the agent left, but the conversation could not be watched, resumed or made inactive: route it by hand (resume-channel tries again)',
    );
  }
  await records
    .remove(client, where, ids.channelSid)
    .catch((err: unknown) => log.warn('park record left', { channelSid: ids.channelSid, reason: log.describeError(err) }));
  return {
    park: parkOf(data),
    ...answer,
    webhookSid: null,
    resumed: {
      action: 'failed',
      reason: `the webhook could not be made (${webhookReason}) and ${resumeReason.replace(/: still parked, the next message tries again$/, '')}: the channel was made inactive, so the customer's next message starts a new task`,
    },
  };
}
