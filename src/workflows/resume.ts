/**
 * Resume a park, exactly once, whoever asks: the customer's next message (the conversation's
 * webhook, /webhooks/conversations), a click (/resume-channel), or park itself when it could
 * not watch the conversation.
 *
 * Once: the park record (park-record.ts) is claimed by updating it to `state: 'resuming',
 * claim: { id, at }` with If-Match on the revision just read. Of deliveries or clicks that read
 * the same revision, Sync applies one update and refuses the others with 412 (Sync Map Item
 * update, If-Match: Twilio's OpenAPI and "API mutation and conflict resolution"); only the
 * winner creates the invite. A claim older than STALE_CLAIM_MS (three times a Function's 10 s
 * lifetime) is taken to be a crash between claim and invite and may be claimed again, so a park
 * is never stranded; should that claimant still be alive (a Function cannot outlive 10 s), the
 * cost is a second invite, never a lost conversation.
 *
 * The invite (`POST …/Channels/{UO}/Invites`, as transfer.ts) carries the original task's
 * attributes (Twilio does not carry them over: "Park an Interaction") plus `resumedFrom` (signed:
 * markers.ts), which
 * marks the task as a resumed park for the TaskRouter webhook (repark.ts). RESUME_TO=agent
 * routes through the original workflow with the parking agent's worker SID in
 * `resumeWorkerSid`: TaskRouter's "Known Agent Routing" has a workflow target name the worker
 * with `"known_worker_sid": "task.resumeWorkerSid"` (README gives the filter), so a decline falls
 * through the workflow instead of leaving a bare `worker_sid` task to be canceled. Without a
 * workflow or a worker it goes to the original queue, as RESUME_TO=queue does.
 *
 * Before the invite, the channel's state is read (channel-state.ts): a channel closed or deleted
 * meanwhile (Twilio deletes a channel 180 days after its last update), or one an agent is on
 * (someone took the conversation some other way), is cleaned up instead: nobody is invited, the
 * park is cleared. Then the webhook and the record are deleted.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { ResumeDecision } from '../contract/park-answers';
import type { ParkRecord, RecordData } from '../adapters/park-records';

import { randomUUID } from 'node:crypto';
import * as errors from '../edge/errors';
import * as log from '../edge/log';
import * as invites from '../adapters/invites';
import * as records from '../adapters/park-records';
import * as webhooks from '../adapters/conversation-webhooks';
import * as channelState from './channel-state';
import * as markers from './markers';

/** How a resume answers a channel with no park record (the Conversations webhook then cleans up: webhooks/conversations.ts). */
export const NOT_PARKED = 'the channel is not parked (no park record)';

/** A claim older than this may be taken over (10 s, a Function's longest life, three times). */
export const STALE_CLAIM_MS = 30_000;

export type Trigger =
  | { kind: 'message'; author?: string; conversationSid?: string }
  /** `authorize` is given the record, or undefined when the channel is not parked (an agent is refused both alike). */
  | { kind: 'click'; authorize: (data: RecordData | undefined) => void }
  | { kind: 'unwatched'; record: ParkRecord };

/** Where the invite goes, and what its task carries. */
export function inviteOf(config: Config, data: RecordData, claimId: string, now: number) {
  const toAgent = config.resumeTo === 'agent' && data.workflowSid !== null && data.parkedBy.workerSid !== null;
  const resumedFrom = markers.signResumedFrom(config, {
    interactionSid: data.interactionSid,
    channelSid: data.channelSid,
    conversationSid: data.conversationSid,
    parkedBy: data.parkedBy,
    parkedAt: data.parkedAt,
    resumedAt: new Date(now).toISOString(),
    claimId,
    resumeTo: toAgent ? 'agent' : 'queue',
    taskSid: data.taskSid,
    workspaceSid: data.workspaceSid,
    queueSid: data.queueSid,
    workflowSid: data.workflowSid,
    taskChannelUniqueName: data.taskChannelUniqueName,
  });
  const properties: invites.InviteRouting = {
    workspace_sid: data.workspaceSid,
    ...(toAgent ? { workflow_sid: data.workflowSid! } : {}),
    queue_sid: data.queueSid!,
    ...(data.taskChannelUniqueName === null ? {} : { task_channel_unique_name: data.taskChannelUniqueName }),
    attributes: { ...data.attributes, resumedFrom, ...(toAgent ? { resumeWorkerSid: data.parkedBy.workerSid } : {}) },
  };
  const to = {
    resumeTo: resumedFrom.resumeTo,
    queueSid: data.queueSid!,
    workflowSid: toAgent ? data.workflowSid : null,
    workerSid: toAgent ? data.parkedBy.workerSid : null,
  };
  return { properties, to };
}

/** May this record be claimed now? */
export function claimable(data: RecordData, now: number): boolean {
  return data.state === 'parked' || data.claim === undefined || now - data.claim.at > STALE_CLAIM_MS;
}

/** Delete the webhook, then the record; a failure is logged (the invite is made by then), not thrown. */
async function cleanUp(client: TwilioClient, where: ReturnType<typeof records.whereOf>, data: RecordData): Promise<string> {
  const problems: string[] = [];
  if (data.webhookSid !== null) {
    try {
      await webhooks.remove(client, data.conversationSid, data.webhookSid);
    } catch (err) {
      problems.push(`the webhook ${data.webhookSid} could not be deleted (${(err as Error).message})`);
    }
  }
  try {
    await records.remove(client, where, data.channelSid);
  } catch (err) {
    problems.push(`the park record could not be deleted (${(err as Error).message})`);
  }
  if (problems.length > 0) log.warn('park clean-up', { channelSid: data.channelSid, problems: problems.join('; ') });
  return problems.length > 0 ? `; ${problems.join('; ')}` : '';
}

/** Claim, check the channel, invite, clean up: see the module's comment. */
export async function resume(
  client: TwilioClient,
  config: Config,
  ids: { interactionSid: string; channelSid: string },
  trigger: Trigger,
  now = Date.now(),
): Promise<ResumeDecision> {
  const where = records.whereOf(config);
  const ignored = (reason: string): ResumeDecision => ({ action: 'ignored', reason });
  const record = trigger.kind === 'unwatched' ? trigger.record : await records.fetch(client, where, ids.channelSid);
  if (trigger.kind === 'click') trigger.authorize(record?.data.interactionSid === ids.interactionSid ? record.data : undefined);
  if (record === undefined) return ignored(`${NOT_PARKED}: resumed already, or never parked`);
  const data = record.data;
  if (data.interactionSid !== ids.interactionSid) return ignored('the park record of this channel names another interaction');
  if (trigger.kind === 'message') {
    if (trigger.conversationSid !== undefined && trigger.conversationSid !== data.conversationSid)
      return ignored('the message is from another conversation than the parked one');
    // Assumption (README): the parking agent's own messages carry their Flex identity as Author.
    if (data.parkedBy.identity !== null && trigger.author === data.parkedBy.identity)
      return ignored("the message is the parking agent's own: only the customer's resumes");
  }
  if (!claimable(data, now)) return ignored(`another delivery or click is resuming it (claimed ${Math.round((now - data.claim!.at) / 1000)} s ago)`);

  const claim = { id: randomUUID(), at: now };
  const won = await records.update(client, where, record, { ...data, state: 'resuming', claim });
  if (!won.ok) return ignored(won.gone ? 'the park was resumed meanwhile (its record is gone)' : 'another delivery or click claimed it first');

  let state: channelState.ChannelState | undefined;
  try {
    state = await channelState.read(client, config, ids, { park: false });
  } catch (err) {
    if (!(err instanceof errors.NotFoundError)) throw await released(client, where, won.record, err);
  }
  const why =
    state === undefined
      ? 'the channel no longer exists'
      : !state.open
        ? `the channel is ${state.channel.status ?? 'in no known status'}`
        : state.onChannel.length > 0
          ? 'an agent is on the channel: nobody is routed'
          : undefined;
  if (why !== undefined) {
    const problems = await cleanUp(client, where, won.record.data);
    return { action: 'cleaned', reason: `${why}: the park was cleaned up, nothing invited${problems}` };
  }

  const { properties, to } = inviteOf(config, data, claim.id, now);
  let invite;
  try {
    invite = await invites.createInvite(client, ids, properties);
  } catch (err) {
    const translated = await released(client, where, won.record, err);
    if (trigger.kind === 'click') throw translated;
    return { action: 'failed', reason: `the invite failed (${(translated as Error).message}): still parked, the next message tries again` };
  }
  const problems = await cleanUp(client, where, won.record.data);
  return {
    action: 'resumed',
    reason: `resumed to ${to.resumeTo === 'agent' ? 'the parking agent, through the workflow' : 'the original queue'}${problems}`,
    invite: { sid: invite.sid },
    task: { sid: invite.taskSid },
    to,
  };
}

/** Give the claim back (the record as it was, If-Match on the claimed revision) so the next message tries again; answers `err`. */
async function released(client: TwilioClient, where: ReturnType<typeof records.whereOf>, claimed: ParkRecord, err: unknown): Promise<unknown> {
  const { claim: _claim, ...rest } = claimed.data;
  try {
    await records.update(client, where, claimed, { ...rest, state: 'parked' });
  } catch (releaseErr) {
    log.warn('park claim not released', { channelSid: claimed.data.channelSid, reason: (releaseErr as Error).message });
  }
  return err;
}
