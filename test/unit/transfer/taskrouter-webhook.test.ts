/**
 * /webhooks/taskrouter (src/interactions/taskrouter-webhook.ts, transfer-finish.ts) through the
 * fake Runtime and the fake of Twilio: each decision of the transfer finisher, what it asks
 * Twilio, its answer and its log line. A transfer is started with /transfer-channel, then the
 * fake's router drives the new task and its events are handed to the webhook. The e2e suite
 * (test/e2e/transfer.e2e.test.ts) covers the same through the gateway, signed.
 */
import { handler as webhook } from '../../../functions/webhooks/taskrouter.protected';
import { handler as transferChannel } from '../../../functions/transfer-channel';
import { TaskRouterWebhookResponse } from '../../../src/contract/transfer-answers';
import { forgetWorkspace } from '../../../src/interactions/workspace';
import { DEFAULT_WORKSPACE } from '../../../sandbox/fake-taskrouter';
import type { Seeded } from '../../support/fake';
import { invoke, seededPerTest, settings } from '../../support/invoke';
import { captured } from '../../support/capture-logs';
import * as f from '../../support/fixtures';

let s: Seeded;
let env: Record<string, string>;
seededPerTest((seeded, e) => {
  forgetWorkspace();
  s = seeded;
  env = e;
  s.fake.addAgentTask(s.channelSid, agent(f.AGENT_WORKER)!, { customerName: 'Ada' });
});

const QUEUE = `WQ${'9'.repeat(32)}`;
const NEW_AGENT = f.OUTSIDER_WORKER;
const agent = (worker: string) => s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === worker);
const agentTask = () => JSON.parse(s.fake.taskRouter.tasks.get(agent(f.AGENT_WORKER)!.taskSid!)!.attributes);
const marker = (taskSid: string) => JSON.parse(s.fake.taskRouter.tasks.get(taskSid)!.attributes).transfer;
const twilioRequests = () => s.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate'));
const sent = () => twilioRequests().map((q) => `${q.method} ${q.path.split('/').slice(-2).join('/')}`);

async function transfer(target: Record<string, string>, mode = 'cold', e = env): Promise<string> {
  const r = await invoke(transferChannel, e, {
    path: '/transfer-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid, mode, ...target },
    headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` },
  });
  expect(r.statusCode).toBe(200);
  s.fake.clearRequests();
  return r.json.task.sid as string;
}

async function hook(event: Record<string, string>, e = env) {
  const r = await invoke(webhook as never, e, { path: '/webhooks/taskrouter', params: event });
  expect(r.statusCode).toBe(200);
  expect(TaskRouterWebhookResponse.parse(r.json)).toEqual(r.json);
  return r.json;
}

const accepted = (taskSid: string) => s.fake.router.accept(s.fake.router.reserve(taskSid, NEW_AGENT).reservation.sid)[0]!;

describe('reservation.accepted', () => {
  it('cold: claim, channel, participants, update, completed; the answer and the log line say so', async () => {
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
    expect(sent()).toEqual([
      `GET Tasks/${task}`,
      `POST Tasks/${task}`,
      `GET Channels/${s.channelSid}`,
      `GET ${s.channelSid}/Participants`,
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
    const line = captured.find((l) => l.includes('"transfer"') || l.includes('transfer'));
    expect(line).toContain('finished');
    expect(captured.join('\n')).toContain(marker(task).id);
    expect(captured.join('\n')).toContain('reservation.accepted');
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
    expect(sent()).toEqual([`GET Tasks/${task}`, `POST Tasks/${task}`, `POST Tasks/${task}`]);
    expect(marker(task).state).toBe('completed');
  });

  it('the claim refused (412: another delivery changed the task first): nothing else is sent', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    s.fake.inject({ kind: 'status', status: 412, code: 20001, message: 'Precondition failed' }, (q) => q.method === 'POST');
    const answer = await hook(event);
    expect(answer).toMatchObject({ action: 'ignored', transfer: { reason: 'another delivery claimed this transfer first (412 on If-Match)' } });
    expect(sent()).toEqual([`GET Tasks/${task}`, `POST Tasks/${task}`]);
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
      "the new task's current attributes carry another transfer",
    ],
    [
      'its attributes carry no transfer any more',
      (task: string) => {
        const t = s.fake.taskRouter.tasks.get(task)!;
        t.attributes = JSON.stringify({ ...JSON.parse(t.attributes), transfer: undefined });
      },
      "the new task's current attributes carry another transfer",
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
  ])('%s: ignored after one fetch, nothing changed', async (_name, change, reason) => {
    const task = await transfer({ queueSid: QUEUE });
    const event = accepted(task);
    change(task);
    expect(await hook(event)).toMatchObject({ action: 'ignored', transfer: { action: 'ignored', reason } });
    expect(sent()).toEqual([`GET Tasks/${task}`]);
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
      () => Object.assign(agent(f.AGENT_WORKER)!, { status: 'wrapup', taskStatus: 'wrapping' }),
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
    const r = await invoke(webhook as never, env, { path: '/webhooks/taskrouter', params: event });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(marker(task).state).toBe('completing');
    expect(agent(f.AGENT_WORKER)!.status).toBeUndefined();
  });

  it('an event naming no WorkspaceSid: ignored, nothing asked', async () => {
    const task = await transfer({ queueSid: QUEUE });
    const { WorkspaceSid: _w, ...event } = accepted(task);
    expect(await hook(event)).toMatchObject({ action: 'ignored', transfer: { reason: 'the event names no WorkspaceSid and TaskSid' } });
    expect(sent()).toEqual([]);
  });
});

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
    expect(sent().slice(0, 3)).toEqual([`GET Tasks/${task}`, `GET Tasks/${mine}`, `POST Tasks/${mine}`]);
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
    expect(sent().slice(0, 5)).toEqual([`GET Tasks/${task}`, `GET Tasks/${mine}`, `POST Tasks/${mine}`, `GET Tasks/${mine}`, `POST Tasks/${mine}`]);
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
    expect(captured.join('\n')).toContain('neither a transfer');
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
