/**
 * /webhooks/taskrouter on reservation.accepted (src/workflows/transfer-finish.ts): the claim
 * with If-Match, the transferring participant changed once or left alone, each answer, its
 * Twilio calls and its log line (harness.ts).
 */
import { captured } from '../../../support/capture-logs';
import { settings } from '../../../support/invoke';
import * as f from '../../../support/fixtures';
import {
  accepted,
  agent,
  hook,
  hookRaw,
  marker,
  NEW_AGENT,
  QUEUE,
  s,
  sent,
  transfer,
  twilioRequests,
  useFake,
  sortReads,
  stateReads,
} from './harness';

useFake();

describe('reservation.accepted', () => {
  it('cold: the task and the channel state at once, claim, update, completed; the answer and the log line say so', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const answer = await hook(accepted(task));
    expect(answer).toEqual({
      action: 'finished',
      reason: "cold transfer accepted: the transferring agent's participant set to wrapup",
      transfer: {
        action: 'finished',
        reason: "cold transfer accepted: the transferring agent's participant set to wrapup",
        transferId: marker(task).id,
        participantStatus: 'wrapup',
      },
    });
    const me = agent(f.AGENT_WORKER)!;
    // The new task and the channel's state read at the same time, then the claim, the participant, `completed`.
    expect(sent()).toEqual([
      ...sortReads([`GET Tasks/${task}`, ...stateReads()]),
      `POST Tasks/${task}`,
      `POST Participants/${me.sid}`,
      `POST Tasks/${task}`,
    ]);
    const [claim, done] = twilioRequests().filter((q) => q.method === 'POST' && q.path.endsWith(task));
    expect(JSON.parse(String(claim!.body.Attributes)).transfer.state).toBe('completing');
    expect(claim!.ifMatch).toBe('"2"');
    expect(JSON.parse(String(done!.body.Attributes)).transfer.state).toBe('completed');
    expect(done!.ifMatch).toBe('"3"');
    expect(JSON.parse(String(done!.body.Attributes)).customerName).toBe('Ada');
    expect(me.status).toBe('wrapup');
    expect(agent(NEW_AGENT)!.status).toBeUndefined();
    expect(marker(task).state).toBe('completed');
    const lines = captured.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.message === 'transfer')).toEqual([
      {
        level: 'info',
        message: 'transfer',
        action: 'finished',
        reason: "cold transfer accepted: the transferring agent's participant set to wrapup",
        eventType: 'reservation.accepted',
        taskSid: task,
        transferId: marker(task).id,
      },
    ]);
  });

  it('TRANSFER_LEAVE_STATUS=closed: the transferring participant is closed', async () => {
    const e = settings(s.baseUrl, { TRANSFER_LEAVE_STATUS: 'closed' });
    const task = await transfer({ queueSid: QUEUE }, 'cold', e);
    const answer = await hook(accepted(task), e);
    expect(answer.transfer).toMatchObject({ participantStatus: 'closed' });
    expect(agent(f.AGENT_WORKER)!.status).toBe('closed');
  });

  it('warm: claimed and completed, nobody changed', async () => {
    const task = await transfer({ queueSid: QUEUE }, 'warm');
    const answer = await hook(accepted(task));
    expect(answer).toMatchObject({ action: 'finished', transfer: { reason: 'warm transfer accepted: both agents stay', participantStatus: null } });
    expect(sent()).toEqual([...sortReads([`GET Tasks/${task}`, ...stateReads()]), `POST Tasks/${task}`, `POST Tasks/${task}`]);
    expect(marker(task).state).toBe('completed');
  });

  it('the claim refused (412: another delivery changed the task first): nothing else is sent', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.inject({ kind: 'status', status: 412, code: 20001, message: 'Precondition failed' }, (q) => q.method === 'POST');
    const answer = await hook(event);
    expect(answer).toMatchObject({ action: 'ignored', transfer: { reason: 'another delivery claimed this transfer first (412 on If-Match)' } });
    expect(sent()).toEqual([...sortReads([`GET Tasks/${task}`, ...stateReads()]), `POST Tasks/${task}`]);
    expect(agent(f.AGENT_WORKER)!.status).toBeUndefined();
  });

  it("marking it completed fails: still finished (the claim made it happen once), the marker left 'completing'", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.inject(
      { kind: 'status', status: 400, code: 20001, message: 'no' },
      (q) => q.method === 'POST' && q.path.endsWith(task) && marker(task).state === 'completing',
    );
    const answer = await hook(event);
    expect(answer).toMatchObject({ action: 'finished', transfer: { participantStatus: 'wrapup' } });
    expect(marker(task).state).toBe('completing');
  });

  it.each([
    ['the task is gone', (task: string) => s.fake.taskRouter.tasks.delete(task), 'the new task does not exist in TaskRouter'],
    [
      'its attributes carry another transfer',
      (task: string) => {
        const t = s.fake.taskRouter.tasks.get(task)!;
        t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: { ...marker(task), id: 'another' } });
      },
      "the new task's current attributes carry another transfer, or none of ours",
    ],
    [
      'its attributes carry no transfer any more',
      (task: string) => {
        const t = s.fake.taskRouter.tasks.get(task)!;
        t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: undefined });
      },
      "the new task's current attributes carry another transfer, or none of ours",
    ],
    [
      'it is already completing',
      (task: string) => {
        const t = s.fake.taskRouter.tasks.get(task)!;
        t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: { ...marker(task), state: 'completing' } });
      },
      'the transfer is already completing',
    ],
    [
      'it is wrapping (the new agent already left)',
      (task: string) => (s.fake.taskRouter.tasks.get(task)!.assignmentStatus = 'wrapping'),
      'the new task is wrapping in TaskRouter now, not assigned: nobody took over, nothing changed',
    ],
  ])('%s: ignored after the reads, nothing changed', async (_name, change, reason) => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    change(task);
    expect(await hook(event)).toMatchObject({ action: 'ignored', transfer: { action: 'ignored', reason } });
    expect(sent().every((q) => q.startsWith('GET '))).toBe(true);
    expect(agent(f.AGENT_WORKER)!.status).toBeUndefined();
  });

  it.each([
    ['the channel is gone', () => s.fake.channels.delete(s.channelSid), 'accepted, but the channel no longer exists: nothing changed'],
    ['the channel is closed', () => (s.fake.channels.get(s.channelSid)!.status = 'closed'), 'accepted, but the channel is closed: nothing changed'],
    [
      'the channel is inactive',
      () => (s.fake.channels.get(s.channelSid)!.status = 'inactive'),
      'accepted, but the channel is inactive: nothing changed',
    ],
    [
      'the transferring agent already wrapped up',
      () => s.fake.agentLeft(agent(f.AGENT_WORKER)!, 'wrapup'),
      'accepted; the transferring agent had already left: nothing changed',
    ],
    [
      'the transferring participant is no longer listed',
      () =>
        s.fake.participants.set(
          s.channelSid,
          s.fake.participants.get(s.channelSid)!.filter((p) => p.workerSid !== f.AGENT_WORKER),
        ),
      'accepted; the transferring agent had already left: nothing changed',
    ],
  ])('%s: claimed, nobody changed', async (_name, change, reason) => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    change();
    expect(await hook(event)).toMatchObject({ action: 'finished', transfer: { reason, participantStatus: null } });
    expect(s.fake.participantUpdates()).toHaveLength(0);
    expect(marker(task).state).toBe('completed');
  });

  it('a channel still in setup counts as open', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.channels.get(s.channelSid)!.status = 'setup';
    expect(await hook(event)).toMatchObject({ transfer: { participantStatus: 'wrapup' } });
  });

  it('the agent leaves between our read and our update (409): nothing changed, said so', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.inject(
      { kind: 'status', status: 409, code: 45000, message: 'already wrapping up' },
      (q) => q.method === 'POST' && q.path.includes('/Participants/'),
    );
    expect(await hook(event)).toMatchObject({
      action: 'finished',
      transfer: { reason: 'accepted; the transferring agent left meanwhile: nothing changed', participantStatus: null },
    });
  });

  it("Twilio refuses the participant update otherwise: an error answer, the marker left 'completing' (the agent stays)", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.inject({ kind: 'status', status: 403, code: 20403, message: 'no' }, (q) => q.method === 'POST' && q.path.includes('/Participants/'));
    const r = await hookRaw(event);
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(marker(task).state).toBe('completing');
    expect(agent(f.AGENT_WORKER)!.status).toBeUndefined();
  });

  it.each(['WorkspaceSid', 'TaskSid'])('an event naming no %s: ignored, nothing asked', async (field) => {
    const task = await transfer({ queueSid: QUEUE });
    const event: Record<string, string> = { ...accepted(task) };
    delete event[field];
    expect(await hook(event)).toMatchObject({ action: 'ignored', transfer: { reason: 'the event names no WorkspaceSid and TaskSid' } });
    expect(sent()).toEqual([]);
  });

  it("Twilio refusing the channel's fetch (not 404): an error answer, the agent stays", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.inject(
      { kind: 'status', status: 403, code: 20403, message: 'no' },
      (q) => q.method === 'GET' && q.path.endsWith(`/Channels/${s.channelSid}`),
    );
    const r = await hookRaw(event);
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(agent(f.AGENT_WORKER)!.status).toBeUndefined();
  });
});
