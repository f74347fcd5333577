/**
 * After the resume: a resumed task nobody takes is parked again (not closed by the orphan guard)
 * and the next message resumes it; who may resume on demand; who sees which parks, paged.
 */
import { ListParkedResponse } from '../../../../src/contract/park-answers';
import { assertCustomerNotAlone } from '../../../support/transfer';
import { parkWorld, type ParkWorld } from './support';
import * as f from '../../../support/fixtures';

let w: ParkWorld;
beforeEach(async () => {
  w = await parkWorld();
});
afterEach(async () => {
  await w.fake.stop();
});

const invites = () => w.fake.invites;

describe('a resumed task nobody takes', () => {
  it.each(['workflow.timeout', 'task.canceled'] as const)('%s: parked again, the channel stays open; the next message resumes it', async (how) => {
    expect((await w.park()).statusCode).toBe(200);
    expect((await w.deliver(w.write('1').index)).json.action).toBe('resumed');
    const task = invites()[0]!.taskSid;
    const [event] = w.fake.router.end(task, how);
    const r = await w.taskRouter(event!);
    expect(r.statusCode).toBe(200);
    expect(r.json).toMatchObject({ action: 'reparked', park: { action: 'reparked' } });
    expect(r.json).not.toHaveProperty('orphanGuard');
    expect(w.fake.channels.get(w.channelSid)!.status).toBe('active');
    expect(w.records()).toHaveLength(1);
    expect(w.records()[0]!.data).toMatchObject({ state: 'parked', parkedBy: { workerSid: f.AGENT_WORKER }, taskSid: w.agentTaskSid });
    expect(w.records()[0]!.data.attributes).not.toHaveProperty('resumedFrom');
    expect(w.webhooks()).toHaveLength(1);
    expect(w.webhooks()[0]!.replayAfter).toBe(1);
    // The same event again (TaskRouter delivers twice): nothing more.
    expect((await w.taskRouter(event!)).json.action).toBe('reparked');
    expect(w.webhooks()).toHaveLength(1);

    const again = await w.deliver(w.write('2').index);
    expect(again.json.action).toBe('resumed');
    expect(invites()).toHaveLength(2);
    const attributes = JSON.parse(String(w.fake.requests.filter((q) => q.path.endsWith('/Invites'))[1]!.body.Routing)).properties.attributes;
    expect(attributes).toMatchObject({ customerName: 'Ada', resumedFrom: { taskSid: w.agentTaskSid } });
    assertCustomerNotAlone(w.fake, w.channelSid, 'resumed again');
  });

  it('a replayed (stale) event: not parked again, and not closed either', async () => {
    await w.park();
    await w.deliver(w.write('1').index);
    const [event] = w.fake.router.end(invites()[0]!.taskSid, 'workflow.timeout');
    const r = await w.taskRouter({ ...event!, TimestampMs: String(Date.now() - 10 * 60_000) });
    expect(r.json.action).toBe('ignored');
    expect(w.records()).toHaveLength(0);
    expect(w.fake.channels.get(w.channelSid)!.status).toBe('active');
  });

  it('parking again fails (Sync down): no half park is left, and the event goes to the orphan guard', async () => {
    await w.park();
    await w.deliver(w.write('1').index);
    const [event] = w.fake.router.end(invites()[0]!.taskSid, 'workflow.timeout');
    w.fake.inject({ kind: 'status', status: 503 }, (q) => q.path.includes('/Maps/'), 10);
    const r = await w.taskRouter(event!);
    expect(r.statusCode).toBe(200);
    expect(r.json).not.toHaveProperty('park');
    expect(r.json.orphanGuard).toBeDefined();
    expect(w.webhooks()).toHaveLength(0);
  });

  it('a task without resumedFrom is not a park’s: the orphan guard has it', async () => {
    const [event] = w.fake.router.end(w.agentTaskSid, 'task.canceled');
    const r = await w.taskRouter(event!);
    expect(r.json).not.toHaveProperty('park');
    expect(r.json.orphanGuard).toBeDefined();
  });
});

describe('resume on demand', () => {
  beforeEach(async () => {
    expect((await w.park()).statusCode).toBe(200);
  });
  it('another agent: 403, nothing invited; the parking agent: resumed', async () => {
    const other = await w.resume({}, f.OUTSIDER_TOKEN);
    expect(other.statusCode).toBe(403);
    expect(invites()).toHaveLength(0);
    expect(w.records()[0]!.data.state).toBe('parked');
    const own = await w.resume();
    expect(own.statusCode).toBe(200);
    expect(own.json.action).toBe('resumed');
    expect(invites()).toHaveLength(1);
  });
  it('a supervisor resumes anyone’s; a second click is ignored', async () => {
    expect((await w.resume({}, f.SUPERVISOR_TOKEN)).json.action).toBe('resumed');
    expect((await w.resume({}, f.SUPERVISOR_TOKEN)).json.action).toBe('ignored');
    expect(invites()).toHaveLength(1);
  });
  it('the invite fails on a click: the error is answered, the park stays', async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/Invites'), 1);
    const r = await w.resume();
    expect(r.statusCode).toBe(502);
    expect(w.records()[0]!.data.state).toBe('parked');
  });
  it('bad input: 400 naming the field, nothing sent', async () => {
    w.fake.clearRequests();
    const r = await w.resume({ interactionSid: 'KD1' });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe('interactionSid');
    expect(w.sent()).toEqual([]);
  });
});

describe('list-parked', () => {
  it('a supervisor sees every park, an agent only their own, with who parked and since when; paged', async () => {
    await w.park();
    const second = w.fake.addInteraction([{ type: 'chat', workers: [f.OUTSIDER_WORKER] }]);
    const channelSid = second.channelSids[0]!;
    w.fake.addAgentTask(
      channelSid,
      w.fake.participants.get(channelSid)!.find((p) => p.type === 'agent')!,
    );
    expect((await w.park({ interactionSid: second.interactionSid, channelSid }, f.OUTSIDER_TOKEN)).statusCode).toBe(200);

    const all = await w.list();
    expect(all.statusCode).toBe(200);
    expect(ListParkedResponse.parse(all.json)).toEqual(all.json);
    expect(all.json.count).toBe(2);
    expect(all.json.parked.map((p: any) => p.parkedBy.identity).sort()).toEqual(['alice', 'oscar']);
    expect(all.json.parked[0].parkedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const own = await w.list({}, f.AGENT_TOKEN);
    expect(own.json.parked.map((p: any) => p.channelSid)).toEqual([w.channelSid]);

    const first = await w.list({ pageSize: 1 });
    expect(first.json.count).toBe(1);
    expect(first.json.nextPageToken).toEqual(expect.any(String));
    const next = await w.list({ pageSize: 1, pageToken: first.json.nextPageToken });
    expect(next.json.count).toBe(1);
    expect(next.json.parked[0].channelSid).not.toBe(first.json.parked[0].channelSid);
  });
  it('nothing parked yet (no map): an empty list', async () => {
    const r = await w.list();
    expect(r.json).toEqual({ parked: [], count: 0, nextPageToken: null });
  });
  it('bad input: 400 naming the field, nothing sent', async () => {
    const r = await w.list({ pageSize: '1000' });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe('pageSize');
    expect(w.sent()).toEqual([]);
  });
});
