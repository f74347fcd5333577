/**
 * One reading of a channel's state, from documented facts, that every operation and both
 * webhooks decide from (docs/channel-state.md says why each fact is read where it is):
 * - the channel and whether it is open (`setup`, `active`);
 * - its participants, and for each agent whether they are **on the channel**: their own task
 *   (the `task_sid` of their routing properties, as the Participants page shows for agents) is
 *   `assigned` in TaskRouter. Twilio documents no participant status; it documents that
 *   `wrapup` wraps up the agent's reservation and `closed` completes it, so the task tells;
 * - the routing of ours that is live: a task still waiting for an agent (`pending`, `reserved`)
 *   that carries a verified transfer or resume marker (markers.ts), or the park record.
 *
 * Read in one round of independent calls at the same time (the channel, its participants, the
 * tasks naming it, the park record); then, only for agents whose task that list did not show,
 * their tasks, again all at once. A task the list shows is read from it: the list answers the
 * task as TaskRouter holds it (its `assignment_status` is TaskRouter's, whatever attributes
 * brought it into the list); only its absence proves nothing, since attributes are
 * worker-writable, hence the fetch.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { Channel } from '../contract/answers';
import type { ListedParticipant } from '../adapters/participants';
import type { ListedTask } from '../adapters/tasks';
import type { ParkRecord } from '../adapters/park-records';

import * as channels from '../adapters/channels';
import * as participants from '../adapters/participants';
import * as tasks from '../adapters/tasks';
import * as workspaces from '../adapters/workspace';
import * as records from '../adapters/park-records';
import * as markers from './markers';

export interface ChannelIds {
  interactionSid: string;
  channelSid: string;
}

/** An agent participant and their task as TaskRouter has it (undefined: no task SID, or TaskRouter has no such task). */
export interface Agent {
  participant: ListedParticipant;
  task: ListedTask | undefined;
  /** Their task is `assigned`: they work the conversation. */
  on: boolean;
}

/** A routing of ours that is live on the channel. */
export type Routing =
  | { kind: 'transfer'; taskSid: string; marker: markers.TransferMarker }
  | { kind: 'resume'; taskSid: string; resumedFrom: markers.ResumedFrom }
  /** `record` undefined: an item under the channel's key that is not a record of ours (it still blocks a park). */
  | { kind: 'park'; record: ParkRecord | undefined };

export interface ChannelState {
  ids: ChannelIds;
  channel: Channel;
  open: boolean;
  participants: ListedParticipant[];
  /** Every agent participant, in the participants' order. */
  agents: Agent[];
  /** The agents on the channel. */
  onChannel: Agent[];
  /** The live routings of ours (by the rules, at most one; more is reported, never hidden). */
  routings: Routing[];
  /** The tasks naming the channel that are pending, reserved, assigned or wrapping (ours or not). */
  liveTasks: ListedTask[];
  workspaceSid: string;
}

/**
 * Promise.all that waits for every call before it throws the first failure: an answer (or an
 * error) never leaves reads of ours still running behind it.
 */
export async function settled<T extends readonly unknown[]>(calls: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(calls);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Task statuses in which a task of ours still routes the customer (nobody took it yet). */
const ROUTING = new Set(['pending', 'reserved']);

export type StateConfig = Config;

/** Read the state. `park: false` skips the park record (an operation that never meets one, or parking not set up). */
export async function read(client: TwilioClient, config: StateConfig, ids: ChannelIds, options: { park?: boolean } = {}): Promise<ChannelState> {
  const withPark = options.park !== false && config.syncServiceSid !== undefined;
  const workspace = workspaces.workspaceSid(client, config);
  const [channel, listed, live, record, workspaceSid] = await settled([
    channels.getChannel(client, ids),
    participants.readParticipants(client, ids),
    workspace.then((ws) => tasks.tasksOfChannel(client, ws, ids.channelSid, tasks.LIVE_STATUSES, 50)),
    withPark ? records.peek(client, records.whereOf(config), ids.channelSid) : Promise.resolve(undefined),
    workspace,
  ]);
  const byTask = new Map(live.map((t) => [t.sid, t]));
  const agents = await settled(
    listed
      .filter((p) => p.type === 'agent')
      .map(async (participant): Promise<Agent> => {
        const task =
          participant.taskSid === null
            ? undefined
            : (byTask.get(participant.taskSid) ?? (await tasks.fetchTask(client, workspaceSid, participant.taskSid)));
        return { participant, task, on: task?.assignmentStatus === 'assigned' };
      }),
  );
  const routings: Routing[] = [];
  for (const task of live) {
    if (!ROUTING.has(task.assignmentStatus)) continue;
    const transfer = markers.verifiedTransfer(config, task.attributes);
    if (transfer !== undefined && transfer.ids.channelSid === ids.channelSid && transfer.marker.state !== 'completed') {
      routings.push({ kind: 'transfer', taskSid: task.sid, marker: transfer.marker });
      continue;
    }
    const resumedFrom = markers.verifiedResumedFrom(config, task.attributes);
    if (resumedFrom !== undefined && resumedFrom.channelSid === ids.channelSid) routings.push({ kind: 'resume', taskSid: task.sid, resumedFrom });
  }
  if (record !== undefined) routings.push({ kind: 'park', record: record === 'unreadable' ? undefined : record });
  return {
    ids,
    channel,
    open: channels.isOpen(channel),
    participants: listed,
    agents,
    onChannel: agents.filter((a) => a.on),
    routings,
    liveTasks: live,
    workspaceSid,
  };
}

/** What a live routing is, in words for a 409's message. */
export function describe(routing: Routing): string {
  switch (routing.kind) {
    case 'transfer':
      return `a ${routing.marker.mode} transfer is pending on this channel (transfer ${routing.marker.id}, task ${routing.taskSid})`;
    case 'resume':
      return `a resumed park is waiting for an agent on this channel (task ${routing.taskSid})`;
    case 'park':
      return `this channel is parked (${routing.record?.data.state ?? 'its record exists'})`;
  }
}

/** The agents on the channel other than `participantSid`'s. */
export function othersOn(state: Pick<ChannelState, 'onChannel'>, participantSid: string): Agent[] {
  return state.onChannel.filter((a) => a.participant.sid !== participantSid);
}

/** The workers on the channel, for the close policy (credentials/policy.ts). */
export function workersOn(state: Pick<ChannelState, 'onChannel'>): { workerSids: string[]; agentsWithoutWorker: number } {
  const workerSids = state.onChannel.flatMap((a) => (a.participant.workerSid === null ? [] : [a.participant.workerSid]));
  return { workerSids, agentsWithoutWorker: state.onChannel.length - workerSids.length };
}
