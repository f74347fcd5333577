/**
 * transfer-channel: move a conversation to another queue or agent with an **invite** on the
 * channel (`POST …/Interactions/{KD}/Channels/{UO}/Invites`, form field `Routing` =
 * `{"properties": {workspace_sid, workflow_sid?, queue_sid, worker_sid?, task_channel_unique_name?,
 * attributes}}`: Twilio's "Invites subresource" page and OpenAPI CreateInteractionChannelInvite).
 * The invite creates a new task; the transferring agent stays on the channel until someone took
 * over (src/workflows/transfer-finish.ts, on `reservation.accepted`).
 *
 * Twilio does not carry the original task's attributes over to the invite's task ("Park an
 * Interaction" page, note at the top): they are read from the transferring agent's task
 * (`GET /v1/Workspaces/{WS}/Tasks/{WT}`, its SID in the agent participant's routing_properties)
 * and sent again, with `transfer: { id, state: 'pending', from, to, mode, then }`, which is what the
 * finisher reads and claims.
 *
 * Calls to Twilio: the channel (must be open), its participants (who transfers), the agent's
 * task, then the invite; plus, once per container when TASKROUTER_WORKSPACE_SID is empty, the
 * workspace list. Nothing is created before all of that is decided.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { TransferChannelParams } from '../contract/transfer-params';
import type { TransferChannelResponse } from '../contract/transfer-answers';
import type { ParticipantScope } from '../credentials/policy';
import type { ListedParticipant } from '../adapters/participants';

import { randomUUID } from 'node:crypto';
import * as errors from '../edge/errors';
import * as policy from '../credentials/policy';
import * as channels from '../adapters/channels';
import * as participants from '../adapters/participants';
import * as tasks from '../adapters/tasks';
import * as workspaces from '../adapters/workspace';

const OPEN = new Set(['setup', 'active']);

/** What the new task's attributes carry for the finisher (and what a Flex plugin may read). */
export interface TransferMarker {
  id: string;
  state: 'pending' | 'completing' | 'completed';
  mode: 'cold' | 'warm';
  from: { participantSid: string; workerSid: string | null; taskSid: string };
  to: { queueSid: string | null; workerSid: string | null };
  /** Cold: the status the transferring participant gets once someone accepted; warm: `stay`. */
  then: 'wrapup' | 'closed' | 'stay';
}

/**
 * The transferring participant: named, it must be an agent of this channel not yet finished and
 * the caller's (403 otherwise); left out, a Flex agent's own unfinished one, or the one agent on
 * the channel for the account and supervisors (several: 400 asking for participantSid).
 */
export function transferring(scope: ParticipantScope, listed: readonly ListedParticipant[], participantSid: string | undefined): ListedParticipant {
  const agents = listed.filter((p) => p.type === 'agent' && !p.finished);
  if (participantSid !== undefined) {
    const found = listed.find((p) => p.sid === participantSid);
    if (found === undefined) throw errors.InvalidRequestError.field('participantSid', 'is not a participant of this channel');
    if (found.type !== 'agent')
      throw errors.InvalidRequestError.field('participantSid', `is a ${found.type ?? 'typeless'} participant, not an agent`);
    if (found.finished) throw errors.InvalidRequestError.field('participantSid', 'has already left the conversation (wrapped up or closed)');
    policy.authorizeParticipantChange(scope, found);
    return found;
  }
  const mine = scope.kind === 'own' ? agents.filter((p) => p.workerSid === scope.workerSid) : agents;
  if (mine.length === 0) {
    if (scope.kind === 'own')
      throw new errors.ForbiddenError('you are not an agent participant of this channel: only its agents or a supervisor may transfer it');
    throw errors.InvalidRequestError.field('participantSid', 'no agent is on this channel to transfer from');
  }
  if (mine.length > 1) {
    throw errors.InvalidRequestError.field(
      'participantSid',
      `must name one: ${mine.length} agent participants are on this channel (${mine.map((p) => p.sid).join(', ')})`,
    );
  }
  return mine[0]!;
}

/** Decide (scope, channel, participants, task), then invite: the answer names the invite and the new task. */
export async function transfer(
  client: TwilioClient,
  scope: ParticipantScope,
  config: Pick<Config, 'accountSid' | 'taskRouterWorkspaceSid' | 'transferLeaveStatus'>,
  p: TransferChannelParams,
): Promise<TransferChannelResponse> {
  const ids = { interactionSid: p.interactionSid, channelSid: p.channelSid };
  const channel = await channels.getChannel(client, ids);
  if (!OPEN.has(channel.status ?? ''))
    throw errors.InvalidRequestError.field('channelSid', `is ${channel.status ?? 'in no known status'}: only an open channel can be transferred`);
  const from = transferring(scope, await participants.readParticipants(client, ids), p.participantSid);
  if (from.taskSid === null)
    throw errors.InvalidRequestError.field(
      'participantSid',
      'names an agent whose routing properties carry no task: its attributes cannot be carried over',
    );
  if (p.workerSid !== undefined && p.workerSid === from.workerSid)
    throw errors.InvalidRequestError.field('workerSid', 'is the transferring agent themselves');
  const workspaceSid = await workspaces.workspaceSid(client, config);
  const task = await tasks.fetchTask(client, workspaceSid, from.taskSid);
  if (task === undefined) throw new errors.NotFoundError("the transferring agent's task was not found in TaskRouter");
  const queueSid = p.queueSid ?? task.queueSid;
  if (queueSid === null)
    throw errors.InvalidRequestError.field('queueSid', "is required: the transferring agent's task names no queue to route the worker through");
  const workflowSid = p.workflowSid ?? task.workflowSid;
  const marker: TransferMarker = {
    id: randomUUID(),
    state: 'pending',
    mode: p.mode,
    from: { participantSid: from.sid, workerSid: from.workerSid, taskSid: from.taskSid },
    to: { queueSid: p.queueSid ?? null, workerSid: p.workerSid ?? null },
    then: p.mode === 'warm' ? 'stay' : config.transferLeaveStatus,
  };
  // The original attributes, less what a previous transfer left on them.
  const { transfer: _previous, transferFailed: _failed, ...original } = task.attributes;
  const properties = {
    workspace_sid: workspaceSid,
    ...(workflowSid === null ? {} : { workflow_sid: workflowSid }),
    queue_sid: queueSid,
    ...(p.workerSid === undefined ? {} : { worker_sid: p.workerSid }),
    ...(task.taskChannelUniqueName === null ? {} : { task_channel_unique_name: task.taskChannelUniqueName }),
    attributes: { ...original, transfer: marker },
  };
  let invite;
  try {
    invite = await client.flexApi.v1.interaction(p.interactionSid).channels(p.channelSid).invites.create({ routing: { properties } });
  } catch (err) {
    throw errors.fromTwilioError(err, 'the invite');
  }
  const newTask = (invite.routing as { properties?: { sid?: unknown } } | null)?.properties?.sid;
  return {
    transferId: marker.id,
    mode: p.mode,
    invite: { sid: invite.sid },
    task: { sid: typeof newTask === 'string' ? newTask : null },
    from: marker.from,
    to: { queueSid, workerSid: p.workerSid ?? null, workflowSid },
    workspaceSid,
  };
}
