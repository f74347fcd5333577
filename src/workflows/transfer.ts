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
 * (as the channel's state read it: the task named in the agent participant's routing_properties)
 * and sent again, with `transfer: { id, state: 'pending', from, to, mode, then, mac }`
 * (markers.ts: signed, so a worker cannot forge or move it), which the finisher reads and claims.
 *
 * Calls to Twilio: the channel's state (channel-state.ts: the channel, its participants, the
 * tasks naming it and the park record at the same time; the agent's task is among those
 * tasks), then the invite; plus, once per container when TASKROUTER_WORKSPACE_SID is empty, the
 * workspace list. Nothing is created before all of that is decided.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { TransferChannelParams } from '../contract/transfer-params';
import type { TransferChannelResponse } from '../contract/transfer-answers';
import type { ParticipantScope } from '../credentials/policy';

import { randomUUID } from 'node:crypto';
import * as errors from '../edge/errors';
import * as invites from '../adapters/invites';
import * as acting from './acting-agent';
import * as channelState from './channel-state';
import * as markers from './markers';

/** Decide (scope, the channel's state: open, no routing of ours live, the agent on it and their task), then invite. */
export async function transfer(
  client: TwilioClient,
  scope: ParticipantScope,
  config: Config,
  p: TransferChannelParams,
): Promise<TransferChannelResponse> {
  acting.assertChoosable(scope, p.participantSid, 'transfer');
  const ids = { interactionSid: p.interactionSid, channelSid: p.channelSid };
  const state = await channelState.read(client, config, ids);
  if (!state.open)
    throw errors.InvalidRequestError.field(
      'channelSid',
      `is ${state.channel.status ?? 'in no known status'}: only an open channel can be transferred`,
    );
  const from = acting.choose(scope, state, p.participantSid, 'transfer');
  // One routing at a time (CONTRACT.md): a second transfer, a replayed one, or a transfer of a parked conversation.
  const live = state.routings[0];
  if (live !== undefined) throw new errors.ConflictError(`${channelState.describe(live)}: one routing at a time, nothing was sent`);
  if (p.workerSid !== undefined && p.workerSid === from.participant.workerSid)
    throw errors.InvalidRequestError.field('workerSid', 'is the transferring agent themselves');
  // An agent on the channel has their task: that is what being on it means (channel-state.ts).
  const task = from.task!;
  const queueSid = p.queueSid ?? task.queueSid;
  if (queueSid === null)
    throw errors.InvalidRequestError.field('queueSid', "is required: the transferring agent's task names no queue to route the worker through");
  const workflowSid = p.workflowSid ?? task.workflowSid;
  const marker = markers.signTransfer(config, ids, {
    id: randomUUID(),
    state: 'pending',
    mode: p.mode,
    from: { participantSid: from.participant.sid, workerSid: from.participant.workerSid, taskSid: task.sid },
    to: { queueSid: p.queueSid ?? null, workerSid: p.workerSid ?? null },
    then: p.mode === 'warm' ? 'stay' : config.transferLeaveStatus,
  });
  const invite = await invites.createInvite(client, ids, {
    workspace_sid: state.workspaceSid,
    ...(workflowSid === null ? {} : { workflow_sid: workflowSid }),
    queue_sid: queueSid,
    ...(p.workerSid === undefined ? {} : { worker_sid: p.workerSid }),
    ...(task.taskChannelUniqueName === null ? {} : { task_channel_unique_name: task.taskChannelUniqueName }),
    // The original attributes, less every marker of ours an earlier transfer or resume left on them.
    attributes: { ...markers.withoutMarkers(task.attributes), transfer: marker },
  });
  return {
    transferId: marker.id,
    mode: p.mode,
    invite: { sid: invite.sid },
    task: { sid: invite.taskSid },
    from: marker.from,
    to: { queueSid, workerSid: p.workerSid ?? null, workflowSid },
    workspaceSid: state.workspaceSid,
  };
}
