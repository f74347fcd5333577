/**
 * One reading of a channel's state (src/workflows/channel-state.ts), against the fake of Twilio:
 * who is on the channel (their own task assigned in TaskRouter), which routing of ours is live
 * (a verified marker on a task still waiting, the park record), read with independent calls at
 * the same time.
 */
import * as channelState from '../../../src/workflows/channel-state';
import * as markers from '../../../src/workflows/markers';
import { loadConfig } from '../../../src/config';
import { forgetWorkspace } from '../../../src/adapters/workspace';
import { twilioClient } from '../../../src/twilio/client';
import { DEFAULT_WORKSPACE, type TaskState } from '../../../sandbox/fake-taskrouter';
import { NotFoundError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import { settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
let syncService: string;
beforeEach(async () => {
  forgetWorkspace();
  s = await startSeededFake();
  syncService = s.fake.sync.addService();
});
afterEach(async () => {
  await s.fake.stop();
});

const config = () => loadConfig(settings(s.baseUrl, { SYNC_SERVICE_SID: syncService }) as never);
const read = (options?: { park?: boolean }) => channelState.read(twilioClient(config()), config(), ids(), options);
const ids = () => ({ interactionSid: s.interactionSid, channelSid: s.channelSid });
const agent = (worker = f.AGENT_WORKER) => s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === worker)!;
const taskOf = (sid: string) => s.fake.taskRouter.tasks.get(sid)!;
/** A task naming the channel, as an invite makes one. */
function waiting(attributes: Record<string, unknown>, status: TaskState['assignmentStatus'] = 'pending'): string {
  const sid = s.fake.nextSid('WT');
  const all = { flexInteractionSid: s.interactionSid, flexInteractionChannelSid: s.channelSid, ...attributes };
  s.fake.taskRouter.tasks.set(sid, {
    sid,
    workspaceSid: DEFAULT_WORKSPACE,
    assignmentStatus: status,
    attributes: JSON.stringify(all),
    channelSid: s.channelSid,
  });
  return sid;
}
const transferMarker = () =>
  markers.signTransfer(config(), ids(), {
    id: 't-1',
    state: 'pending',
    mode: 'cold',
    from: { participantSid: agent().sid, workerSid: f.AGENT_WORKER, taskSid: agent().taskSid! },
    to: { queueSid: `WQ${'9'.repeat(32)}`, workerSid: null },
    then: 'wrapup',
  });

describe('who is on the channel', () => {
  it('an agent whose task is assigned; the channel open; its reads at the same time, the agent’s task from the channel’s tasks', async () => {
    s.fake.inject({ kind: 'together', count: 4 }, (q) => q.method === 'GET', 4);
    const state = await read();
    expect(state.open).toBe(true);
    expect(state.onChannel.map((a) => a.participant.sid)).toEqual([agent().sid]);
    expect(state.agents).toHaveLength(1);
    expect(state.routings).toEqual([]);
    expect(state.workspaceSid).toBe(DEFAULT_WORKSPACE);
    expect(s.fake.requests.some((q) => q.path.endsWith(`/Tasks/${agent().taskSid}`))).toBe(false);
  });

  it.each([
    ['wrapup', 'wrapping', false],
    ['closed', 'completed', true],
  ] as const)(
    'an agent who left (%s: task %s) is listed but not on; their task fetched: %s (a wrapping task is among the channel’s)',
    async (status, taskStatus, fetched) => {
      s.fake.agentLeft(agent(), status);
      const state = await read();
      expect(state.agents[0]).toMatchObject({ on: false, task: { assignmentStatus: taskStatus } });
      expect(state.onChannel).toEqual([]);
      expect(s.fake.requests.some((q) => q.path.endsWith(`/Tasks/${agent().taskSid}`))).toBe(fetched);
    },
  );

  it('an agent whose task TaskRouter does not have is not on the channel', async () => {
    s.fake.taskRouter.tasks.delete(agent().taskSid!);
    const state = await read();
    expect(state.agents[0]).toMatchObject({ on: false, task: undefined });
  });

  it('a closed channel is not open; an unknown channel is a 404 once every read has answered', async () => {
    s.fake.channels.get(s.channelSid)!.status = 'closed';
    expect((await read()).open).toBe(false);
    s.fake.channels.get(s.channelSid)!.status = 'setup';
    expect((await read()).open).toBe(true);
    s.fake.channels.delete(s.channelSid);
    await expect(read()).rejects.toBeInstanceOf(NotFoundError);
  });

  it('workersOn and othersOn count only agents on the channel', async () => {
    s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
    s.fake.agentLeft(agent(), 'wrapup');
    const state = await read();
    expect(channelState.workersOn(state)).toEqual({ workerSids: [f.OUTSIDER_WORKER], agentsWithoutWorker: 0 });
    expect(channelState.othersOn(state, agent(f.OUTSIDER_WORKER).sid)).toEqual([]);
    expect(channelState.othersOn(state, agent().sid)).toHaveLength(1);
  });
});

describe('which routing of ours is live', () => {
  it('a waiting task with a transfer of ours; not once someone took it, not once completed, not a forged one', async () => {
    const marker = transferMarker();
    const sid = waiting({ transfer: marker });
    expect((await read()).routings).toEqual([{ kind: 'transfer', taskSid: sid, marker }]);
    s.fake.taskRouter.change(taskOf(sid), { assignmentStatus: 'reserved' });
    expect((await read()).routings).toHaveLength(1);
    s.fake.taskRouter.change(taskOf(sid), { assignmentStatus: 'assigned' });
    expect((await read()).routings).toEqual([]);
    s.fake.taskRouter.change(taskOf(sid), {
      assignmentStatus: 'pending',
      attributes: JSON.stringify({ ...JSON.parse(taskOf(sid).attributes), transfer: { ...marker, state: 'completed' } }),
    });
    expect((await read()).routings).toEqual([]);
    waiting({ transfer: { ...marker, then: 'closed' } });
    expect((await read()).routings).toEqual([]);
  });

  it('a waiting task with a resume of ours; the park record, and an item that is not one of ours still blocks', async () => {
    const resumedFrom = markers.signResumedFrom(config(), {
      ...ids(),
      conversationSid: s.fake.conversationOf(s.channelSid)!,
      parkedBy: { workerSid: f.AGENT_WORKER, identity: 'alice' },
      parkedAt: 'then',
      resumedAt: 'now',
      claimId: 'c',
      resumeTo: 'queue',
      taskSid: agent().taskSid!,
      workspaceSid: DEFAULT_WORKSPACE,
      queueSid: null,
      workflowSid: null,
      taskChannelUniqueName: null,
    });
    const sid = waiting({ resumedFrom });
    expect((await read()).routings).toEqual([{ kind: 'resume', taskSid: sid, resumedFrom }]);
    s.fake.taskRouter.tasks.delete(sid);
    const url = `${s.baseUrl}/v1/Services/${syncService}/Maps`;
    const auth = { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN), 'Content-Type': 'application/x-www-form-urlencoded' };
    await fetch(url, { method: 'POST', headers: auth, body: new URLSearchParams({ UniqueName: 'flex-parked-channels' }) });
    await fetch(`${url}/flex-parked-channels/Items`, { method: 'POST', headers: auth, body: new URLSearchParams({ Key: s.channelSid, Data: '{}' }) });
    const parked = await read();
    expect(parked.routings).toEqual([{ kind: 'park', record: undefined }]);
    expect(channelState.describe(parked.routings[0]!)).toBe('this channel is parked (its record exists)');
    expect((await read({ park: false })).routings).toEqual([]);
  });

  it('describes a transfer and a resume for a 409', () => {
    expect(channelState.describe({ kind: 'transfer', taskSid: 'WT1', marker: { ...transferMarkerShape, mode: 'warm' } })).toBe(
      'a warm transfer is pending on this channel (transfer t-1, task WT1)',
    );
    expect(channelState.describe({ kind: 'resume', taskSid: 'WT2', resumedFrom: {} as never })).toBe(
      'a resumed park is waiting for an agent on this channel (task WT2)',
    );
  });
});

const transferMarkerShape = {
  id: 't-1',
  state: 'pending' as const,
  mode: 'cold' as const,
  from: { participantSid: 'UT', workerSid: null, taskSid: 'WT' },
  to: { queueSid: null, workerSid: null },
  then: 'stay' as const,
  mac: '',
};
