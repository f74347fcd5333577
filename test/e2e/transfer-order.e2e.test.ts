/**
 * Transfers through the local gateway and the real twilio-run, when events and people do not
 * come in the expected order: a TaskRouter event delivered after a later one (what the task is
 * now decides), and a warm transfer's two agents leaving at the same moment. After every step
 * the customer must not be alone (test/support/transfer.ts).
 */
import { startSeededFake, type Seeded } from '../support/fake';
import { startFunctions, type Running } from '../support/processes';
import { NEW_AGENT, QUEUE, transferSteps } from '../support/transfer-steps';
import * as f from '../support/fixtures';

jest.setTimeout(90_000);

let s: Seeded;
let server: Running;

beforeAll(async () => {
  s = await startSeededFake();
  server = await startFunctions({
    ACCOUNT_SID: f.ACCOUNT_SID,
    AUTH_TOKEN: f.AUTH_TOKEN,
    TWILIO_API_BASE_URL: s.baseUrl,
    TWILIO_IAM_BASE_URL: s.baseUrl,
  });
});
afterAll(async () => {
  await server?.stop();
  await s?.fake.stop();
  for (const secret of f.SECRETS) expect((server?.output ?? []).join('\n')).not.toContain(secret);
});
beforeEach(() => s.fake.clearRequests());

const { post, conversation, transfer, deliver, transferState } = transferSteps(() => ({ fake: s.fake, url: server.url }));

describe('events out of order: what the task is now decides, not what the event says', () => {
  it('a reservation.accepted delivered after the task timed out changes nothing; the transferring agent keeps the conversation', async () => {
    const c = conversation();
    const t = await transfer(c, { queueSid: QUEUE });
    const { events: offered } = s.fake.router.reserve(t.task.sid, NEW_AGENT);
    // The acceptance TaskRouter took back (its event sent earlier, delivered late).
    const lateAccepted = { ...offered[0]!, EventType: 'reservation.accepted', ReservationStatus: 'accepted', TimestampMs: String(Date.now() - 2000) };
    const [timedOut] = await deliver(c, s.fake.router.end(t.task.sid, 'workflow.timeout'));
    expect(timedOut).toMatchObject({ action: 'failed' });
    const [late] = await deliver(c, [lateAccepted]);
    expect(late).toMatchObject({ action: 'ignored', transfer: { reason: expect.stringContaining('canceled in TaskRouter now') } });
    expect(s.fake.participantUpdates()).toHaveLength(0);
    expect(c.agent(f.AGENT_WORKER)!.status).toBeUndefined();
    expect(transferState(t.task.sid)).toBe('pending');
  });

  it('a failure event delivered after the acceptance records nothing on the transferring agent', async () => {
    const c = conversation();
    const t = await transfer(c, { workerSid: NEW_AGENT });
    const { reservation, events: offered } = s.fake.router.reserve(t.task.sid);
    const lateTimeout = { ...offered[0]!, EventType: 'reservation.timeout', ReservationStatus: 'timeout', TimestampMs: String(Date.now() - 2000) };
    const [accepted] = await deliver(c, s.fake.router.accept(reservation.sid));
    expect(accepted).toMatchObject({ action: 'finished', transfer: { participantStatus: 'wrapup' } });
    const [late] = await deliver(c, [lateTimeout, { ...lateTimeout, EventType: 'task.canceled' }]);
    expect(late).toMatchObject({ action: 'ignored', transfer: { reason: expect.stringContaining('already completed') } });
    expect(c.agentTask().transferFailed).toBeUndefined();
    expect(s.fake.participantUpdates()).toHaveLength(1);
  });
});

it('warm: both agents leaving at the same moment: at least one is told nobody remains; having left, they may not close it, a supervisor may', async () => {
  const c = conversation();
  const t = await transfer(c, { queueSid: QUEUE }, 'warm');
  await deliver(c, s.fake.router.accept(s.fake.router.reserve(t.task.sid, NEW_AGENT).reservation.sid));
  // Both read the participants before either updates: each sees the other still there.
  s.fake.inject({ kind: 'together', count: 2 }, (q) => q.method === 'GET' && q.path.endsWith('/Participants'), 2);
  const ids = { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'wrapup' };
  const left = await Promise.all([post('/update-participant', ids), post('/update-participant', ids, f.OUTSIDER_TOKEN)]);
  expect(left.map((r) => r.status)).toEqual([200, 200]);
  expect(c.agent(f.AGENT_WORKER)!.status).toBe('wrapup');
  expect(c.agent(NEW_AGENT)!.status).toBe('wrapup');
  const told = left.findIndex((r) => r.body.agentsRemaining === 0);
  expect(told).toBeGreaterThanOrEqual(0);
  // An agent who left may no longer close the channel (CONTRACT.md, "On the channel"): 403. Until the last one out
  // covers the customer itself (the issue "The last one out covers the customer"), a supervisor closes it.
  const refused = await post(
    '/close-channel',
    { interactionSid: c.interactionSid, channelSid: c.channelSid },
    [f.AGENT_TOKEN, f.OUTSIDER_TOKEN][told],
  );
  expect(refused.status).toBe(403);
  c.closing.asked = true;
  const closed = await post('/close-channel', { interactionSid: c.interactionSid, channelSid: c.channelSid }, f.SUPERVISOR_TOKEN);
  expect(closed.status).toBe(200);
  c.check('a supervisor closed the conversation');
});
