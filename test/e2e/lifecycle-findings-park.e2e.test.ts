/**
 * Findings on the channel's lifecycle (park and resume, and how they meet transfers), as
 * end-to-end tests of the contract's "Rules that hold across operations" (docs/channel-state.md):
 * through the local gateway and the real twilio-run, parking set up (SYNC_SERVICE_SID), against
 * the fake of Twilio, asserting what the fake holds afterwards (tasks, participants, invites,
 * the conversation's webhooks, the Sync records). The transfer findings are in
 * lifecycle-findings.e2e.test.ts.
 */
import { startSeededFake, type Seeded } from '../support/fake';
import { expectDeclared } from '../support/openapi-responses';
import { startFunctions, type Running } from '../support/processes';
import { QUEUE, SECOND_AGENT, lifecycleSteps, type Conversation } from '../support/lifecycle-steps';
import * as f from '../support/fixtures';

jest.setTimeout(90_000);

let s: Seeded;
let server: Running;
let syncService: string;

beforeAll(async () => {
  s = await startSeededFake();
  syncService = s.fake.sync.addService();
  server = await startFunctions({
    ACCOUNT_SID: f.ACCOUNT_SID,
    AUTH_TOKEN: f.AUTH_TOKEN,
    TWILIO_API_BASE_URL: s.baseUrl,
    TWILIO_IAM_BASE_URL: s.baseUrl,
    SYNC_SERVICE_SID: syncService,
  });
});
afterAll(async () => {
  await server?.stop();
  await s?.fake.stop();
  for (const secret of f.SECRETS) expect((server?.output ?? []).join('\n')).not.toContain(secret);
});
beforeEach(() => {
  s.fake.clearRequests();
  s.fake.clearFaults();
});

const { post, signed, attributes, deliver, conversation, customerWrites, accepted } = lifecycleSteps(() => ({ fake: s.fake, server, syncService }));

/** Park as the agent (their Flex token): a declared 200, the conversation watched. */
async function park(c: Conversation, token = f.AGENT_TOKEN) {
  const r = await post('/park-channel', c.ids, token);
  expect(r.status).toBe(200);
  expectDeclared('/park-channel', 'post', 200, r.body);
  expect(c.record()).toBeDefined();
  expect(c.ourWebhooks()).toHaveLength(1);
  return r.body;
}

/** The customer writes to a parked conversation: one invite, its task pending. */
async function resumed(c: Conversation): Promise<string> {
  const [answer] = await customerWrites(c.conversationSid, 'back again');
  expect(answer).toMatchObject({ action: 'resumed' });
  expect(c.invites()).toHaveLength(1);
  return c.invites()[0]!.taskSid;
}

const nonReads = () => s.fake.requests.filter((q) => q.method !== 'GET');

describe('finding 1: a signed request sent again does nothing a second time (park)', () => {
  it('c) a signed /studio/park-channel without participantSid: 400 naming participantSid, nothing sent to Twilio but reads', async () => {
    const c = conversation();
    const r = await signed('/studio/park-channel', c.ids);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid_request');
    expect(r.body.error.details.map((d: { field: string }) => d.field)).toContain('participantSid');
    expectDeclared('/park-channel', 'post', 400, r.body);
    expect(nonReads().map((q) => `${q.method} ${q.path}`)).toEqual([]);
    expect(c.updates()).toHaveLength(0);
    expect(c.record()).toBeUndefined();
    expect(c.ourWebhooks()).toHaveLength(0);
  });

  it('d) a signed park replayed after the resumed conversation was taken by a second agent: 409 conflict, the second agent untouched, no new park', async () => {
    const c = conversation();
    const params = { ...c.ids, participantSid: c.agent().sid };
    const first = await signed('/studio/park-channel', params);
    expect(first.status).toBe(200);
    expectDeclared('/park-channel', 'post', 200, first.body);
    const taskSid = await resumed(c);
    await accepted(taskSid);
    const second = c.agent(SECOND_AGENT);
    expect(second.taskSid).toBe(taskSid);
    expect(c.record()).toBeUndefined();
    s.fake.clearRequests();
    const replay = await signed('/studio/park-channel', params);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('conflict');
    // Refused because the participant it names has left (not because someone else is on the channel: that one is the second agent).
    expect(replay.body.error.message).toMatch(/left/i);
    expectDeclared('/park-channel', 'post', 409, replay.body);
    expect(c.updates()).toHaveLength(0);
    expect(second.status).toBeUndefined();
    expect(s.fake.taskRouter.tasks.get(taskSid)!.assignmentStatus).toBe('assigned');
    expect(c.record()).toBeUndefined();
    expect(c.ourWebhooks()).toHaveLength(0);
  });
});

it('finding 5: park while a cold transfer is pending: 409 conflict naming the transfer; no record, no webhook, the agent stays', async () => {
  const c = conversation();
  const t = await post('/transfer-channel', { ...c.ids, queueSid: QUEUE });
  expect(t.status).toBe(200);
  s.fake.clearRequests();
  const r = await post('/park-channel', c.ids);
  expect(r.status).toBe(409);
  expect(r.body.error.code).toBe('conflict');
  expect(r.body.error.message).toMatch(/transfer/i);
  expectDeclared('/park-channel', 'post', 409, r.body);
  expect(c.record()).toBeUndefined();
  expect(c.ourWebhooks()).toHaveLength(0);
  expect(c.updates()).toHaveLength(0);
  expect(c.agent().status).toBeUndefined();
});

it('finding 6: a transfer from a resumed conversation that times out is a transfer failure, recorded on the second agent, and parks nothing', async () => {
  const c = conversation();
  await park(c);
  const resumedTask = await resumed(c);
  await accepted(resumedTask);
  const t = await post('/transfer-channel', { ...c.ids, queueSid: QUEUE }, f.OUTSIDER_TOKEN);
  expect(t.status).toBe(200);
  expectDeclared('/transfer-channel', 'post', 200, t.body);
  const [answer] = await deliver(s.fake.router.end(t.body.task.sid, 'workflow.timeout'));
  expect(answer).toMatchObject({ action: 'failed', transfer: { action: 'failed', transferId: t.body.transferId } });
  expect(attributes(resumedTask).transferFailed).toEqual({ id: t.body.transferId, reason: 'workflow.timeout', at: expect.any(String) });
  expect(c.record()).toBeUndefined();
  expect(c.ourWebhooks()).toHaveLength(0);
  expect(c.agent(SECOND_AGENT).status).toBeUndefined();
});

it('finding 7: a park that can neither watch the conversation nor resume it at once does not say "the next message tries again": the channel is made inactive', async () => {
  const c = conversation();
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'POST' && q.path === `/v1/Conversations/${c.conversationSid}/Webhooks`);
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'POST' && q.path.endsWith(`/Channels/${c.channelSid}/Invites`));
  const r = await post('/park-channel', c.ids);
  if (r.status === 200) expectDeclared('/park-channel', 'post', 200, r.body);
  const text = JSON.stringify(r.body);
  expect(text).not.toMatch(/next message tries again/i);
  c.covered('park could not watch, and could not resume');
  const channel = s.fake.channels.get(c.channelSid)!;
  expect(channel.status).toBe('inactive');
  expect(channel.routingStatus).toBe('closed');
  expect(text).toMatch(/inactive/i);
});

describe('finding 8: nothing left behind, no webhook of ours once the park record is gone', () => {
  it('a) a resume whose webhook delete failed: the next delivery, finding no record, deletes our webhook', async () => {
    const c = conversation();
    const parked = await park(c);
    s.fake.inject(
      { kind: 'status', status: 500 },
      (q) => q.method === 'DELETE' && q.path === `/v1/Conversations/${c.conversationSid}/Webhooks/${parked.webhookSid}`,
    );
    await resumed(c);
    expect(c.record()).toBeUndefined();
    c.covered('resumed, the webhook left');
    await customerWrites(c.conversationSid, 'hello? anyone?');
    expect(c.ourWebhooks()).toEqual([]);
    expect(c.invites()).toHaveLength(1);
    c.covered('the customer wrote again');
  });

  it.each([
    [500, 'fails'],
    [412, 'is refused (If-Match)'],
  ])(
    'b) park whose write of the webhook SID into its record %s: the customer stays covered, and no webhook of ours outlives the record',
    async (status) => {
      const c = conversation();
      s.fake.inject({ kind: 'status', status }, (q) => q.method === 'POST' && q.path.endsWith(`/Items/${c.channelSid}`));
      const r = await post('/park-channel', c.ids);
      if (r.status === 200) expectDeclared('/park-channel', 'post', 200, r.body);
      c.covered(`park, the record's update answered ${status}`);
      await customerWrites(c.conversationSid, 'back again');
      c.covered('the customer wrote');
      await customerWrites(c.conversationSid, 'still there?');
      c.covered('the customer wrote again');
      expect(c.invites().length).toBeLessThanOrEqual(1);
      if (c.record() === undefined) expect(c.ourWebhooks()).toEqual([]);
      else expect(c.ourWebhooks()).toHaveLength(1);
    },
  );
});

it('finding 9: /resume-channel by an agent who did not park it answers the same for a channel not parked and one parked by another: 403 forbidden', async () => {
  const notParked = conversation();
  const parkedByOther = conversation();
  await park(parkedByOther);
  s.fake.clearRequests();
  const a = await post('/resume-channel', notParked.ids, f.OUTSIDER_TOKEN);
  const b = await post('/resume-channel', parkedByOther.ids, f.OUTSIDER_TOKEN);
  expect([a.status, a.body.error?.code]).toEqual([403, 'forbidden']);
  expect([b.status, b.body.error?.code]).toEqual([403, 'forbidden']);
  expectDeclared('/resume-channel', 'post', 403, a.body);
  expect(parkedByOther.record()!.data.state).toBe('parked');
  expect(parkedByOther.invites()).toHaveLength(0);
  expect(nonReads().filter((q) => !q.path.endsWith('/Tokens/validate'))).toEqual([]);
});
