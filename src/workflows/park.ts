/**
 * park-channel: the agent's participant is closed (their task completes, the conversation stays
 * with the customer in it: Twilio's "Park an Interaction"), the park is recorded (park-record.ts)
 * and the conversation is watched for the customer's next message (conversation-webhook.ts).
 *
 * The order is chosen so that no failure leaves the customer with no agent and no way back:
 * decide everything (scope, open channel, the one agent, their task) → create the record
 * (exists: 409 `already_parked`) → read the last message's index → close the participant
 * (fails: the record is deleted, the agent still has the conversation) → create the webhook,
 * replaying from the message after that index → write its SID into the record (If-Match). If
 * the webhook cannot be made once the agent has left, the park is resumed at once (the customer
 * is routed again) and the answer says so. If the record changed before its SID was written
 * (a replayed message resumed it already), the webhook is deleted here: whoever claimed the
 * record could not know its SID.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { ParkChannelParams } from '../contract/park-params';
import type { ParkChannelResponse, Park } from '../contract/park-answers';
import type { ParticipantScope } from '../credentials/policy';
import type { ListedParticipant } from '../adapters/participants';
import type { RecordData } from '../adapters/park-records';

import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as policy from '../credentials/policy';
import * as channels from '../adapters/channels';
import * as participants from '../adapters/participants';
import * as tasks from '../adapters/tasks';
import * as workspaces from '../adapters/workspace';
import { isSid } from '../contract/sids';
import * as records from '../adapters/park-records';
import * as webhooks from '../adapters/conversation-webhooks';
import * as resumes from './resume';

const OPEN = new Set(['setup', 'active']);

/** Who parks: named, an unfinished agent of the channel and the caller's; else the caller's own, or the one agent. Another agent left on the channel: 409 (parking would not free the conversation). */
export function parking(scope: ParticipantScope, listed: readonly ListedParticipant[], participantSid: string | undefined): ListedParticipant {
  const agents = listed.filter((p) => p.type === 'agent' && !p.finished);
  let chosen: ListedParticipant;
  if (participantSid !== undefined) {
    const found = listed.find((p) => p.sid === participantSid);
    if (found === undefined) throw errors.InvalidRequestError.field('participantSid', 'is not a participant of this channel');
    if (found.type !== 'agent')
      throw errors.InvalidRequestError.field('participantSid', `is a ${found.type ?? 'typeless'} participant, not an agent`);
    if (found.finished) throw errors.InvalidRequestError.field('participantSid', 'has already left the conversation (wrapped up or closed)');
    policy.authorizeParticipantChange(scope, found);
    chosen = found;
  } else {
    const mine = scope.kind === 'own' ? agents.filter((p) => p.workerSid === scope.workerSid) : agents;
    if (mine.length === 0) {
      if (scope.kind === 'own')
        throw new errors.ForbiddenError('you are not an agent participant of this channel: only its agent or a supervisor may park it');
      throw errors.InvalidRequestError.field('participantSid', 'no agent is on this channel to park');
    }
    if (mine.length > 1)
      throw errors.InvalidRequestError.field('participantSid', `must name one: ${mine.length} agent participants are on this channel`);
    chosen = mine[0]!;
  }
  if (agents.length > 1)
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
  config: Pick<Config, 'accountSid' | 'taskRouterWorkspaceSid' | 'syncServiceSid' | 'parkMapName' | 'resumeTo' | 'publicBaseUrl'>,
  p: ParkChannelParams,
  now = Date.now(),
): Promise<ParkChannelResponse> {
  const where = records.whereOf(config);
  const ids = { interactionSid: p.interactionSid, channelSid: p.channelSid };
  const channel = await channels.getChannel(client, ids);
  if (!OPEN.has(channel.status ?? ''))
    throw errors.InvalidRequestError.field('channelSid', `is ${channel.status ?? 'in no known status'}: only an open channel can be parked`);
  const agent = parking(scope, await participants.readParticipants(client, ids), p.participantSid);
  if (agent.taskSid === null)
    throw errors.InvalidRequestError.field('participantSid', 'names an agent whose routing properties carry no task: its attributes cannot be kept');
  const workspaceSid = await workspaces.workspaceSid(client, config);
  const task = await tasks.fetchTask(client, workspaceSid, agent.taskSid);
  if (task === undefined) throw new errors.NotFoundError("the parking agent's task was not found in TaskRouter");
  const conversationSid = task.attributes.conversationSid;
  if (!isSid('conversation', conversationSid))
    throw new errors.ConflictError("the agent's task names no conversationSid (CH…): there is no conversation to watch");
  if (task.queueSid === null) throw new errors.ConflictError("the agent's task names no queue: a resume would have nowhere to go");
  // The original attributes, less what an earlier transfer or resume left on them.
  const { transfer: _t, transferFailed: _f, resumedFrom: _r, resumeWorkerSid: _w, ...original } = task.attributes;
  const data: RecordData = {
    state: 'parked',
    ...ids,
    conversationSid,
    parkedBy: { workerSid: agent.workerSid, identity },
    parkedAt: new Date(now).toISOString(),
    taskSid: task.sid,
    workspaceSid,
    queueSid: task.queueSid,
    workflowSid: task.workflowSid,
    taskChannelUniqueName: task.taskChannelUniqueName,
    attributes: original,
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
    return {
      park: parkOf(data),
      ...answer,
      webhookSid: null,
      resumed: { ...resumed, reason: `the webhook could not be made (${reason}): ${resumed.reason}` },
    };
  }
  const saved = await records.update(client, where, { data, revision: created.revision }, { ...data, webhookSid });
  if (!saved.ok) {
    // Claimed (or resumed and deleted) before the SID was written: the claimant cannot delete a webhook it does not know.
    await webhooks.remove(client, conversationSid, webhookSid);
    return { park: parkOf(data), ...answer, webhookSid: null };
  }
  return { park: parkOf(saved.record.data), ...answer, webhookSid };
}
