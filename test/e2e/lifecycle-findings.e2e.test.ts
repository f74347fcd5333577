/**
 * Findings on the channel's lifecycle (transfers), as end-to-end tests of the contract's "Rules
 * that hold across operations" (docs/channel-state.md): through the local gateway and the real
 * twilio-run, against the fake of Twilio, asserting what the fake holds afterwards. Parking is
 * not set up here (no SYNC_SERVICE_SID), so a customer left with nobody is covered by closing.
 * The park findings are in lifecycle-findings-park.e2e.test.ts.
 */
import type { ReservationState } from '../../sandbox/fake-taskrouter';
import { eventParams } from '../../sandbox/fake-twilio/transfers';
import { startSeededFake, type Seeded } from '../support/fake';
import { expectDeclared } from '../support/openapi-responses';
import { startFunctions, type Running } from '../support/processes';
import { QUEUE, SECOND_AGENT, lifecycleSteps, type Conversation } from '../support/lifecycle-steps';
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

const { post, signed, deliver, conversation, accepted } = lifecycleSteps(() => ({ fake: s.fake, server }));

async function transfer(c: Conversation, target: Record<string, string>, token = f.AGENT_TOKEN) {
  const r = await post('/transfer-channel', { ...c.ids, ...target }, token);
  expect(r.status).toBe(200);
  expectDeclared('/transfer-channel', 'post', 200, r.body);
  return r.body as { transferId: string; task: { sid: string } };
}

describe('finding 1: one routing at a time, a replayed transfer does nothing a second time', () => {
  it('a) a Twilio-signed /studio/transfer-channel sent twice, byte-identical: one invite; the replay is 409 conflict naming the pending transfer', async () => {
    const c = conversation();
    const params = { ...c.ids, queueSid: QUEUE, participantSid: c.agent().sid };
    const first = await signed('/studio/transfer-channel', params);
    expect(first.status).toBe(200);
    expectDeclared('/transfer-channel', 'post', 200, first.body);
    const replay = await signed('/studio/transfer-channel', params);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('conflict');
    expect(replay.body.error.message).toMatch(/transfer/i);
    expectDeclared('/transfer-channel', 'post', 409, replay.body);
    expect(c.invites()).toHaveLength(1);
    expect(c.updates()).toHaveLength(0);
  });

  it('b) an agent starting a second transfer while the first is pending: 409 conflict, one invite', async () => {
    const c = conversation();
    await transfer(c, { queueSid: QUEUE });
    const second = await post('/transfer-channel', { ...c.ids, workerSid: SECOND_AGENT });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('conflict');
    expect(second.body.error.message).toMatch(/transfer/i);
    expect(c.invites()).toHaveLength(1);
    expect(c.updates()).toHaveLength(0);
  });
});

it('finding 2: an agent whose conversation was transferred away (wrapped up) may no longer close it: 403, the channel stays active', async () => {
  const c = conversation();
  const t = await transfer(c, { queueSid: QUEUE });
  const [, finished] = await accepted(t.task.sid);
  expect(finished).toMatchObject({ action: 'finished' });
  // The first agent has left: their participant wrapped up (their task wrapping, where the fake moves it).
  expect(c.agent().status).toBe('wrapup');
  expect(c.agent().taskStatus).toBe('wrapping');
  expect(['assigned', 'wrapping']).toContain(s.fake.taskRouter.tasks.get(c.agent().taskSid!)!.assignmentStatus);
  s.fake.clearRequests();
  const r = await post('/close-channel', c.ids);
  expect(r.status).toBe(403);
  expect(r.body.error.code).toBe('forbidden');
  expectDeclared('/close-channel', 'post', 403, r.body);
  expect(s.fake.channels.get(c.channelSid)!.status).toBe('active');
  expect(s.fake.requests.filter((q) => q.method === 'POST' && q.path.endsWith(`/Channels/${c.channelSid}`))).toHaveLength(0);
});

it('finding 3: a worker transfer declined after the transferring agent left (closed): the customer is covered, never an open channel with nobody', async () => {
  const c = conversation();
  const t = await transfer(c, { workerSid: SECOND_AGENT });
  const left = await post('/update-participant', { ...c.ids, status: 'closed' });
  expect(left.status).toBe(200);
  expectDeclared('/update-participant', 'post', 200, left.body);
  expect(left.body.agentsRemaining).toBe(0);
  c.covered('the transferring agent left while the invite is pending');
  const events = s.fake.router.decline(s.fake.router.reserve(t.task.sid).reservation.sid);
  expect(events.map((e) => e.EventType)).toEqual(['reservation.rejected', 'task.canceled']);
  await deliver(events);
  // Without parking set up, covering is closing (WHEN_LAST's default): closed or inactive.
  c.covered('the worker declined: reservation.rejected and task.canceled delivered');
  expect(['closed', 'inactive']).toContain(s.fake.channels.get(c.channelSid)!.status);
});

describe('finding 4: what a worker can write on a task cannot steer the finisher', () => {
  /** The signed reservation.accepted of a task (the form the fake's eventParams makes, with the task's attributes now). */
  function acceptedEvent(p: { taskSid?: string; reservationSid?: string; workerSid?: string }) {
    const task = s.fake.taskRouter.tasks.get(p.taskSid!)!;
    const reservation: ReservationState = { sid: p.reservationSid!, taskSid: task.sid, workerSid: p.workerSid!, status: 'accepted' };
    return eventParams(s.fake, 'reservation.accepted', task, reservation);
  }
  const snapshot = (taskSid: string) => {
    const t = s.fake.taskRouter.tasks.get(taskSid)!;
    return { assignmentStatus: t.assignmentStatus, attributes: t.attributes, revision: t.revision };
  };

  it("a pending transfer's marker copied (with channel A's ids) into another channel's task: its acceptance changes nothing on channel A", async () => {
    const a = conversation();
    const t = await transfer(a, { queueSid: QUEUE });
    const marker = JSON.parse(s.fake.taskRouter.tasks.get(t.task.sid)!.attributes);
    expect(marker.transfer).toMatchObject({ state: 'pending' });
    const b = conversation([SECOND_AGENT]);
    const x = s.fake.taskRouter.tasks.get(b.agent(SECOND_AGENT).taskSid!)!;
    // What the worker holding X can do with task.setAttributes.
    s.fake.taskRouter.change(x, {
      attributes: JSON.stringify({
        ...JSON.parse(x.attributes),
        transfer: marker.transfer,
        flexInteractionSid: marker.flexInteractionSid,
        flexInteractionChannelSid: marker.flexInteractionChannelSid,
      }),
    });
    const before = snapshot(t.task.sid);
    s.fake.clearRequests();
    const [answer] = await deliver([acceptedEvent(b.agent(SECOND_AGENT))]);
    expect(a.updates()).toHaveLength(0);
    expect(a.agent().status).toBeUndefined();
    expect(answer.action).not.toBe('finished');
    expect(snapshot(t.task.sid)).toEqual(before);
    expect(a.invites()).toHaveLength(1);
  });

  it('a forged marker (written by hand, no valid mac) on a task of an agent on the same channel: ignored, nobody changed', async () => {
    const d = conversation([f.AGENT_WORKER, SECOND_AGENT]);
    const victim = d.agent();
    const y = s.fake.taskRouter.tasks.get(d.agent(SECOND_AGENT).taskSid!)!;
    const forged = {
      id: 'forged-transfer-1',
      state: 'pending',
      mode: 'cold',
      from: { participantSid: victim.sid, workerSid: f.AGENT_WORKER, taskSid: victim.taskSid },
      to: { queueSid: QUEUE, workerSid: null },
      then: 'closed',
    };
    s.fake.taskRouter.change(y, { attributes: JSON.stringify({ ...JSON.parse(y.attributes), transfer: forged }) });
    const before = snapshot(y.sid);
    s.fake.clearRequests();
    const [answer] = await deliver([acceptedEvent(d.agent(SECOND_AGENT))]);
    expect(d.updates()).toHaveLength(0);
    expect(victim.status).toBeUndefined();
    expect(answer.action).toBe('ignored');
    expect(snapshot(y.sid)).toEqual(before);
  });
});
