/**
 * Transfers through the local gateway and the real twilio-run, against the fake of Twilio, which
 * routes the invite's task and posts signed TaskRouter events to /webhooks/taskrouter. After
 * every step the customer must not be alone (test/support/transfer.ts).
 */
import twilio from 'twilio';
import { startSeededFake, type Seeded } from '../support/fake';
import { expectDeclared } from '../support/openapi-responses';
import { startFunctions, type Running } from '../support/processes';
import { NEW_AGENT, QUEUE, transferSteps } from '../support/transfer-steps';
import * as f from '../support/fixtures';

jest.setTimeout(90_000);

let s: Seeded;
let server: Running;
let second: Running;

beforeAll(async () => {
  s = await startSeededFake();
  const settings = { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, TWILIO_API_BASE_URL: s.baseUrl, TWILIO_IAM_BASE_URL: s.baseUrl };
  [server, second] = await Promise.all([startFunctions(settings), startFunctions(settings)]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), second?.stop()]);
  await s?.fake.stop();
  const everything = [...(server?.output ?? []), ...(second?.output ?? [])].join('\n');
  for (const secret of f.SECRETS) expect(everything).not.toContain(secret);
});
beforeEach(() => s.fake.clearRequests());

const { hook: hookOf, post, conversation, transfer, deliver, transferState } = transferSteps(() => ({ fake: s.fake, url: server.url }));
const hook = (r: Running = server) => hookOf(r.url);

describe('cold: the transferring agent leaves only after acceptance', () => {
  it.each([
    ['a queue', { queueSid: QUEUE }],
    ['a worker', { workerSid: NEW_AGENT }],
  ])('to %s', async (_name, target) => {
    const c = conversation();
    const t = await transfer(c, target);
    const { reservation, events: offered } = s.fake.router.reserve(t.task.sid, NEW_AGENT);
    expect((await deliver(c, offered))[0]).toMatchObject({ action: 'ignored' });
    expect(s.fake.participantUpdates()).toHaveLength(0);
    const accepted = s.fake.router.accept(reservation.sid);
    c.check('the new agent accepted');
    expect(c.agent(f.AGENT_WORKER)!.status).toBeUndefined();
    const [answer] = await deliver(c, accepted);
    expect(answer).toMatchObject({ action: 'finished', transfer: { action: 'finished', transferId: t.transferId, participantStatus: 'wrapup' } });
    expect(s.fake.participantUpdates().map((q) => [q.path.split('/').pop(), q.body])).toEqual([[c.agent(f.AGENT_WORKER)!.sid, { Status: 'wrapup' }]]);
    expect(c.agent(NEW_AGENT)!.status).toBeUndefined();
    expect(transferState(t.task.sid)).toBe('completed');
    expect(s.fake.channels.get(c.channelSid)!.status).toBe('active');
  });
});

describe('failed: the transferring agent keeps the conversation, nothing closed, the failure on their task', () => {
  it.each([
    [
      'declined (a worker)',
      { workerSid: NEW_AGENT },
      (sid: string) => s.fake.router.decline(s.fake.router.reserve(sid).reservation.sid),
      'reservation.rejected',
    ],
    ['timed out', { queueSid: QUEUE }, (sid: string) => s.fake.router.end(sid, 'workflow.timeout'), 'workflow.timeout'],
    ['canceled', { queueSid: QUEUE }, (sid: string) => s.fake.router.end(sid, 'task.canceled'), 'task.canceled'],
  ])('%s', async (_name, target, fail, reason) => {
    const c = conversation();
    const t = await transfer(c, target);
    const answers = await deliver(c, fail(t.task.sid));
    expect(answers[0]).toMatchObject({ action: 'failed', transfer: { transferId: t.transferId } });
    for (const later of answers.slice(1))
      expect(later).toMatchObject({ action: 'ignored', orphanGuard: { reason: 'an agent is still on the channel' } });
    expect(c.agentTask().transferFailed).toEqual({ id: t.transferId, reason, at: expect.any(String) });
    expect(s.fake.participantUpdates()).toHaveLength(0);
    expect(c.agent(f.AGENT_WORKER)!.status).toBeUndefined();
    expect(s.fake.channels.get(c.channelSid)!.status).toBe('active');
  });

  it("a queue's declined reservation is not a failure: the task is offered again", async () => {
    const c = conversation();
    const t = await transfer(c, { queueSid: QUEUE });
    const [answer] = await deliver(c, s.fake.router.decline(s.fake.router.reserve(t.task.sid, NEW_AGENT).reservation.sid));
    expect(answer).toMatchObject({ action: 'ignored' });
    expect(c.agentTask().transferFailed).toBeUndefined();
  });
});

describe('the races users reported', () => {
  it('"End" while the invite is in flight: the customer is routed meanwhile, and the later acceptance changes nothing', async () => {
    const c = conversation();
    const t = await transfer(c, { queueSid: QUEUE });
    const ended = await post('/update-participant', { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'wrapup' });
    expect(ended.status).toBe(200);
    c.check('the transferring agent clicked End');
    const { reservation } = s.fake.router.reserve(t.task.sid, NEW_AGENT);
    c.check('the task is offered');
    const [answer] = await deliver(c, s.fake.router.accept(reservation.sid));
    expect(answer).toMatchObject({ action: 'finished', transfer: { participantStatus: null, reason: expect.stringContaining('already left') } });
    expect(s.fake.participantUpdates()).toHaveLength(1);
  });

  it('End and the acceptance at the same moment: the transferring agent is changed once, the new agent stays', async () => {
    const c = conversation();
    const t = await transfer(c, { queueSid: QUEUE });
    const accepted = s.fake.router.accept(s.fake.router.reserve(t.task.sid, NEW_AGENT).reservation.sid);
    const [ended, [answer]] = await Promise.all([
      post('/update-participant', { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'wrapup' }),
      deliver(c, accepted),
    ]);
    c.check('both happened');
    expect(answer.action).toBe('finished');
    const successes = [ended.status === 200, answer.transfer.participantStatus === 'wrapup'].filter(Boolean);
    expect(successes).toHaveLength(1);
    expect(c.agent(NEW_AGENT)!.status).toBeUndefined();
    expect(c.agent(f.AGENT_WORKER)!.status).toBe('wrapup');
  });

  it('reservation.accepted delivered twice at the same moment to two server processes: exactly one participant update', async () => {
    const c = conversation();
    const t = await transfer(c, { queueSid: QUEUE });
    const [accepted] = s.fake.router.accept(s.fake.router.reserve(t.task.sid, NEW_AGENT).reservation.sid);
    // Both deliveries read the task before either writes: the claim must be decided by If-Match.
    s.fake.inject({ kind: 'together', count: 2 }, (q) => q.method === 'GET' && q.path.endsWith(`/Tasks/${t.task.sid}`), 2);
    const answers = await Promise.all([s.fake.deliverEvent(hook(server), accepted!), s.fake.deliverEvent(hook(second), accepted!)]);
    c.check('both deliveries are answered');
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.action).sort()).toEqual(['finished', 'ignored']);
    expect(answers.find((a) => a.body.action === 'ignored')!.body.reason).toContain('412');
    expect(s.fake.participantUpdates()).toHaveLength(1);
    expect(transferState(t.task.sid)).toBe('completed');
  });

  it('an acceptance delivered again later (a replay): no change', async () => {
    const c = conversation();
    const t = await transfer(c, { queueSid: QUEUE });
    const accepted = s.fake.router.accept(s.fake.router.reserve(t.task.sid, NEW_AGENT).reservation.sid);
    await deliver(c, accepted);
    const [again] = await deliver(c, accepted);
    expect(again).toMatchObject({ action: 'ignored', transfer: { reason: 'the transfer is already completed' } });
    expect(s.fake.participantUpdates()).toHaveLength(1);
  });
});

it('warm: both agents stay; the transferring agent leaves later with /update-participant', async () => {
  const c = conversation();
  const t = await transfer(c, { queueSid: QUEUE }, 'warm');
  const [answer] = await deliver(c, s.fake.router.accept(s.fake.router.reserve(t.task.sid, NEW_AGENT).reservation.sid));
  expect(answer).toMatchObject({ action: 'finished', transfer: { participantStatus: null } });
  expect(s.fake.participantUpdates()).toHaveLength(0);
  expect(transferState(t.task.sid)).toBe('completed');
  const left = await post('/update-participant', { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'wrapup' });
  expect(left.body.agentsRemaining).toBe(1);
  c.check('the transferring agent left');
});

it('bad input through the gateway: 400 naming the field, nothing sent to Twilio', async () => {
  const c = conversation();
  const r = await post('/transfer-channel', { interactionSid: c.interactionSid, channelSid: c.channelSid, workerSid: QUEUE });
  expect(r).toMatchObject({ status: 400, body: { error: { details: [{ field: 'workerSid' }] } } });
  expectDeclared('/transfer-channel', 'post', 400, r.body);
  expect(s.fake.requests).toHaveLength(0);
});

it('unsigned TaskRouter events are refused by the gateway; /webhooks/orphan-guard keeps working', async () => {
  const r = await fetch(hook(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'EventType=task.canceled',
  });
  expect(r.status).toBe(400);
  const params = { EventType: 'task.created', TimestampMs: String(Date.now()) };
  const url = `${server.url}/webhooks/orphan-guard`;
  const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url.replace('http:', 'https:'), params);
  const guard = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params),
  });
  expect(guard.status).toBe(200);
  expect(s.fake.requests).toHaveLength(0);
});
