/**
 * /webhooks/taskrouter on a transfer's failure events (recorded on the transferring agent's task,
 * once, with If-Match), and the one webhook's routing between the transfer finisher and the
 * orphan guard (src/webhooks/taskrouter.ts), through harness.ts.
 */
import { DEFAULT_WORKSPACE } from '../../../../sandbox/fake-taskrouter';
import { captured } from '../../../support/capture-logs';
import * as f from '../../../support/fixtures';
import { accepted, agent, agentTask, hook, marker, NEW_AGENT, QUEUE, s, sent, transfer, twilioRequests, useFake, sortReads } from './harness';

useFake();

describe('failure events', () => {
  it.each(['task.canceled', 'workflow.timeout'] as const)("%s: recorded on the transferring agent's task, with If-Match, once", async (type) => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, type);
    const before = Date.now();
    const answer = await hook(event!);
    expect(answer).toMatchObject({
      action: 'failed',
      reason: `${type}: the transfer failed, nothing changed on the channel; recorded on the transferring agent's task`,
      transfer: { action: 'failed', transferId: marker(task).id },
    });
    const mine = agent(f.AGENT_WORKER)!.taskSid!;
    expect(sent().slice(0, 3)).toEqual([...sortReads([`GET Tasks/${task}`, `GET Tasks/${mine}`]), `POST Tasks/${mine}`]);
    const written = agentTask();
    expect(written.transferFailed).toEqual({ id: marker(task).id, reason: type, at: expect.any(String) });
    expect(Date.parse(written.transferFailed.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(written.transferFailed.at)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(written.customerName).toBe('Ada');
    expect(s.fake.participantUpdates()).toHaveLength(0);
    s.fake.clearRequests();
    expect(await hook(event!)).toMatchObject({ transfer: { action: 'ignored', reason: `${type}: this transfer's failure is already recorded` } });
    expect(twilioRequests().filter((q) => q.method === 'POST')).toHaveLength(0);
  });

  it('task.deleted: the new task gone is a failure', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    s.fake.taskRouter.tasks.delete(task);
    expect(await hook({ ...event!, EventType: 'task.deleted' })).toMatchObject({ action: 'failed' });
    expect(agentTask().transferFailed.reason).toBe('task.deleted');
  });

  it.each(['rejected', 'timeout'] as const)('reservation.%s of an invite naming a worker is a failure', async (how) => {
    const task = await transfer({ workerSid: NEW_AGENT });
    const [event] = s.fake.router.decline(s.fake.router.reserve(task).reservation.sid, how);
    expect(await hook(event!)).toMatchObject({ action: 'failed' });
    expect(agentTask().transferFailed.reason).toBe(`reservation.${how}`);
  });

  it.each(['rejected', 'timeout'] as const)('reservation.%s of a queue transfer is not: ignored, nothing asked', async (how) => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.decline(s.fake.router.reserve(task, NEW_AGENT).reservation.sid, how);
    expect(await hook(event!)).toMatchObject({
      action: 'ignored',
      transfer: { reason: `reservation.${how} of a queue transfer: TaskRouter offers the task to another worker` },
    });
    expect(sent()).toEqual([]);
    expect(agentTask().transferFailed).toBeUndefined();
  });

  it('another event of the task (reservation.created): ignored, nothing asked', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const { events } = s.fake.router.reserve(task, NEW_AGENT);
    expect(await hook(events[0]!)).toEqual({
      action: 'ignored',
      reason: 'reservation.created does not finish a transfer',
      transfer: { action: 'ignored', reason: 'reservation.created does not finish a transfer', transferId: marker(task).id },
    });
    expect(sent()).toEqual([]);
  });

  it('the new task already carrying a finished state of this transfer: no failure recorded, said so', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    const t = s.fake.taskRouter.tasks.get(task)!;
    t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: { ...marker(task), state: 'completing' } });
    expect(await hook(event!)).toMatchObject({
      transfer: { action: 'ignored', reason: 'task.canceled: the transfer is already completing; no failure recorded' },
    });
    expect(agentTask().transferFailed).toBeUndefined();
  });

  it.each([
    ['another transfer (finished)', (m: Record<string, unknown>) => ({ ...m, id: 'another', state: 'completed' })],
    ['no transfer any more', () => undefined],
  ])("the canceled task's attributes carry %s: the event's transfer failed, recorded", async (_name, change) => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    const t = s.fake.taskRouter.tasks.get(task)!;
    t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: change(marker(task)) });
    expect(await hook(event!)).toMatchObject({ action: 'failed' });
    expect(agentTask().transferFailed.reason).toBe('task.canceled');
  });

  it('the new task not canceled now (still pending): no failure recorded', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    s.fake.taskRouter.tasks.get(task)!.assignmentStatus = 'pending';
    expect(await hook(event!)).toMatchObject({
      transfer: { action: 'ignored', reason: 'task.canceled: the new task is pending in TaskRouter now, not canceled; no failure recorded' },
    });
    expect(agentTask().transferFailed).toBeUndefined();
  });

  it("the transferring agent's task is gone: nothing to record on", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    s.fake.taskRouter.tasks.delete(agent(f.AGENT_WORKER)!.taskSid!);
    expect(await hook(event!)).toMatchObject({
      transfer: { action: 'ignored', reason: "task.canceled: the transferring agent's task no longer exists; nothing to record on" },
    });
  });

  it("the agent's task changes under us once (412): fetched again and recorded", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    s.fake.inject({ kind: 'status', status: 412, code: 20001, message: 'Precondition failed' }, (q) => q.method === 'POST');
    expect(await hook(event!)).toMatchObject({ action: 'failed' });
    const mine = agent(f.AGENT_WORKER)!.taskSid!;
    expect(sent().slice(0, 5)).toEqual([
      ...sortReads([`GET Tasks/${task}`, `GET Tasks/${mine}`]),
      `POST Tasks/${mine}`,
      `GET Tasks/${mine}`,
      `POST Tasks/${mine}`,
    ]);
    expect(agentTask().transferFailed.reason).toBe('task.canceled');
  });

  it("the agent's task keeps changing (412 twice): not recorded, said so", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    s.fake.inject({ kind: 'status', status: 412, code: 20001, message: 'Precondition failed' }, (q) => q.method === 'POST', 2);
    expect(await hook(event!)).toMatchObject({
      transfer: { action: 'ignored', reason: "task.canceled: the transferring agent's task kept changing (412); the failure was not recorded" },
    });
    expect(agentTask().transferFailed).toBeUndefined();
  });
});

describe('the one webhook: transfer finisher, then orphan guard', () => {
  it('an event of no transfer and not in ORPHAN_GUARD_EVENTS: ignored without a call, logged', async () => {
    const answer = await hook({
      EventType: 'task.created',
      TaskSid: `WT${'a'.repeat(32)}`,
      WorkspaceSid: DEFAULT_WORKSPACE,
      TimestampMs: String(Date.now()),
    });
    expect(answer).toEqual({ action: 'ignored', reason: "task.created is neither a transfer's event nor one of ORPHAN_GUARD_EVENTS" });
    expect(s.fake.requests).toHaveLength(0);
    expect(captured.map((l) => JSON.parse(l))).toEqual([
      {
        level: 'info',
        message: 'taskrouter webhook',
        action: 'ignored',
        reason: "task.created is neither a transfer's event nor one of ORPHAN_GUARD_EVENTS",
        eventType: 'task.created',
        taskSid: `WT${'a'.repeat(32)}`,
      },
    ]);
  });

  it('a failed transfer: the finisher records it, the guard leaves the channel (an agent is on it); the answer is the failure, with both parts', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    const answer = await hook(event!);
    expect(answer).toMatchObject({
      action: 'failed',
      transfer: { action: 'failed' },
      orphanGuard: { action: 'ignored', reason: 'an agent is still on the channel' },
    });
    expect(s.fake.channels.get(s.channelSid)!.status).toBe('active');
  });

  it("the finisher ignores, the guard closes: the answer is the guard's (the decision that acted)", async () => {
    const task = await transfer({ queueSid: QUEUE });
    const [event] = s.fake.router.end(task, 'task.canceled');
    // The transfer already finished, then everyone left and the agent's task completed.
    const t = s.fake.taskRouter.tasks.get(task)!;
    t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: { ...marker(task), state: 'completed' } });
    s.fake.taskRouter.tasks.get(agent(f.AGENT_WORKER)!.taskSid!)!.assignmentStatus = 'completed';
    s.fake.participants.set(
      s.channelSid,
      s.fake.participants.get(s.channelSid)!.filter((p) => p.type === 'customer'),
    );
    const answer = await hook(event!);
    expect(answer).toMatchObject({
      action: 'closed',
      reason: 'open with no agent left: closed, its tasks completed',
      transfer: { action: 'ignored' },
      orphanGuard: { action: 'closed' },
    });
  });

  it('an event of a task that is no transfer: only the guard answers', async () => {
    const attributes = JSON.stringify({ flexInteractionSid: s.interactionSid, flexInteractionChannelSid: s.channelSid });
    const answer = await hook({
      EventType: 'task.canceled',
      TaskSid: `WT${'a'.repeat(32)}`,
      WorkspaceSid: DEFAULT_WORKSPACE,
      TaskAttributes: attributes,
      TimestampMs: String(Date.now()),
    });
    expect(answer.transfer).toBeUndefined();
    expect(answer).toMatchObject({ action: 'ignored', orphanGuard: { action: 'ignored' } });
  });

  it.each([
    ['a marker without its conversation ids', (a: Record<string, unknown>) => ({ ...a, flexInteractionSid: undefined })],
    ['a marker of an unknown mode', (a: Record<string, any>) => ({ ...a, transfer: { ...a.transfer, mode: 'lukewarm' } })],
    [
      'a marker with a bad participant SID',
      (a: Record<string, any>) => ({ ...a, transfer: { ...a.transfer, from: { ...a.transfer.from, participantSid: 'UO1' } } }),
    ],
    ['attributes that are not JSON', () => '{not json' as never],
  ])('%s is not a transfer: the finisher is not involved', async (_name, change) => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    const changed = change(JSON.parse(event.TaskAttributes!));
    const answer = await hook({ ...event, TaskAttributes: typeof changed === 'string' ? changed : JSON.stringify(changed) });
    expect(answer.transfer).toBeUndefined();
    expect(agent(f.AGENT_WORKER)!.status).toBeUndefined();
  });
});
