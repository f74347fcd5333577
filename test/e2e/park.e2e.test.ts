/**
 * Park and resume through the local gateway and the real twilio-run (two server processes, as
 * two containers), against the fake of Twilio: its conversations post signed onMessageAdded
 * deliveries to the webhook park made, and TaskRouter events go to /webhooks/taskrouter. After
 * every step the customer is not alone, or the park can bring them back (its record and webhook).
 */
import { startSeededFake, type Seeded } from '../support/fake';
import { expectDeclared } from '../support/openapi-responses';
import { startFunctions, type Running } from '../support/processes';
import { assertCustomerNotAlone } from '../support/transfer';
import * as f from '../support/fixtures';

jest.setTimeout(90_000);

let s: Seeded;
let server: Running;
let second: Running;
let syncService: string;

beforeAll(async () => {
  s = await startSeededFake();
  syncService = s.fake.sync.addService();
  const settings = {
    ACCOUNT_SID: f.ACCOUNT_SID,
    AUTH_TOKEN: f.AUTH_TOKEN,
    TWILIO_API_BASE_URL: s.baseUrl,
    TWILIO_IAM_BASE_URL: s.baseUrl,
    SYNC_SERVICE_SID: syncService,
  };
  [server, second] = await Promise.all([startFunctions(settings), startFunctions(settings)]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), second?.stop()]);
  await s?.fake.stop();
  const everything = [...(server?.output ?? []), ...(second?.output ?? [])].join('\n');
  for (const secret of f.SECRETS) expect(everything).not.toContain(secret);
});

async function post(path: string, params: Record<string, string>, token = f.AGENT_TOKEN, to: Running = server) {
  const r = await fetch(`${to.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, Token: token }).toString(),
  });
  return { status: r.status, body: (await r.json()) as any };
}

const records = () => s.fake.sync.items(syncService, 'flex-parked-channels') as Array<{ key: string; data: any }>;

/** A conversation with an agent on it and the agent's task, parked through the functions. */
async function parked(worker = f.AGENT_WORKER, token = f.AGENT_TOKEN) {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [worker] }]);
  const channelSid = channelSids[0]!;
  const agent = s.fake.participants.get(channelSid)!.find((p) => p.workerSid === worker)!;
  s.fake.addAgentTask(channelSid, agent, { customerName: 'Ada', orderId: 'R-1234' });
  const conversationSid = s.fake.conversationOf(channelSid)!;
  const conversation = s.fake.conversations.get(conversationSid)!;
  const ids = { interactionSid, channelSid };
  const check = (step: string) => {
    if (records().some((r) => r.key === channelSid) && conversation.webhooks.length > 0) return; // parked: the next message routes them
    assertCustomerNotAlone(s.fake, channelSid, step);
  };
  check('the conversation starts');
  const r = await post('/park-channel', ids, token);
  expect(r.status).toBe(200);
  expectDeclared('/park-channel', 'post', 200, r.body);
  check('parked');
  const invites = () => s.fake.invites.filter((i) => i.channelSid === channelSid);
  const record = () => records().find((x) => x.key === channelSid);
  /** A message stored without being delivered (the test delivers it itself). */
  const stored = (body: string) => {
    const m = { sid: s.fake.nextSid('IM'), index: conversation.messages.length, author: 'customer-ada', body, dateCreated: new Date().toISOString() };
    conversation.messages.push(m);
    return m;
  };
  const hook = (to: Running) => `${to.url}/webhooks/conversations?interactionSid=${interactionSid}&channelSid=${channelSid}`;
  return { ...ids, agent, conversationSid, conversation, check, park: r.body, invites, record, stored, hook };
}

it("park: the agent's task completed, the channel open, one webhook and one record", async () => {
  const p = await parked();
  expect(p.agent).toMatchObject({ status: 'closed', taskStatus: 'completed' });
  expect(s.fake.channels.get(p.channelSid)!.status).toBe('active');
  expect(p.conversation.webhooks).toHaveLength(1);
  expect(p.conversation.webhooks[0]!.url).toBe(p.hook(server).replace(/^http:/, 'https:'));
  expect(p.record()!.data).toMatchObject({
    state: 'parked',
    parkedBy: { workerSid: f.AGENT_WORKER, identity: 'alice' },
    webhookSid: p.park.webhookSid,
  });
  const again = await post('/park-channel', { interactionSid: p.interactionSid, channelSid: p.channelSid }, f.SUPERVISOR_TOKEN);
  expect(again.status).toBe(400);
});

it('a customer message: exactly one invite with the original attributes, the webhook and record gone', async () => {
  const p = await parked();
  const deliveries = await s.fake.addMessage(p.conversationSid, { author: 'customer-ada', body: 'found the receipt' });
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]).toMatchObject({ status: 200, body: { action: 'resumed' } });
  expectDeclared('/webhooks/conversations', 'post', 200, deliveries[0]!.body);
  expect(p.invites()).toHaveLength(1);
  const attributes = JSON.parse(s.fake.taskRouter.tasks.get(p.invites()[0]!.taskSid)!.attributes);
  expect(attributes).toMatchObject({ customerName: 'Ada', orderId: 'R-1234', resumedFrom: { parkedBy: { workerSid: f.AGENT_WORKER } } });
  expect(p.conversation.webhooks).toHaveLength(0);
  expect(p.record()).toBeUndefined();
  p.check('resumed');
});

it('ten messages delivered at once to two server processes: one invite', async () => {
  const p = await parked();
  const messages = Array.from({ length: 5 }, (_, i) => p.stored(`burst ${i}`));
  // Every delivery reads the record before any claims it: a race made certain.
  s.fake.inject({ kind: 'together', count: 10 }, (q) => q.method === 'GET' && q.path.endsWith(`/Items/${p.channelSid}`), 10);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      s.fake.deliverEvent(p.hook(i % 2 === 0 ? server : second), s.fake.messageEvent(p.conversationSid, messages[i % 5]!)),
    ),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
  expect(answers.filter((a) => a.body.action === 'resumed')).toHaveLength(1);
  expect(p.invites()).toHaveLength(1);
  expect(p.record()).toBeUndefined();
  p.check('burst');
});

it('a click on resume and a message at the same moment: one invite', async () => {
  const p = await parked();
  const m = p.stored('hello?');
  s.fake.inject({ kind: 'together', count: 2 }, (q) => q.method === 'GET' && q.path.endsWith(`/Items/${p.channelSid}`), 2);
  const [click, message] = await Promise.all([
    post('/resume-channel', { interactionSid: p.interactionSid, channelSid: p.channelSid }, f.AGENT_TOKEN, second),
    s.fake.deliverEvent(p.hook(server), s.fake.messageEvent(p.conversationSid, m)),
  ]);
  expect([click.status, message.status]).toEqual([200, 200]);
  expectDeclared('/resume-channel', 'post', 200, click.body);
  expect([click.body.action, message.body.action].sort()).toEqual(['ignored', 'resumed']);
  expect(p.invites()).toHaveLength(1);
});

it('a resumed task that times out: the conversation stays open and parked, the next message resumes it', async () => {
  const p = await parked();
  await s.fake.addMessage(p.conversationSid, { author: 'customer-ada', body: 'back' });
  expect(p.invites()).toHaveLength(1);
  const [timeout] = s.fake.router.end(p.invites()[0]!.taskSid, 'workflow.timeout');
  const answer = await s.fake.deliverEvent(`${second.url}/webhooks/taskrouter`, timeout!);
  expect(answer).toMatchObject({ status: 200, body: { action: 'reparked' } });
  expectDeclared('/webhooks/taskrouter', 'post', 200, answer.body);
  expect(s.fake.channels.get(p.channelSid)!.status).toBe('active');
  expect(p.record()!.data.state).toBe('parked');
  expect(p.conversation.webhooks).toHaveLength(1);
  p.check('timed out, parked again');
  const deliveries = await s.fake.addMessage(p.conversationSid, { author: 'customer-ada', body: 'still here' });
  expect(deliveries[0]!.body).toMatchObject({ action: 'resumed' });
  expect(p.invites()).toHaveLength(2);
  p.check('resumed again');
});

it('a channel closed meanwhile: the park is cleaned up, no invite', async () => {
  const p = await parked();
  s.fake.channels.get(p.channelSid)!.status = 'closed';
  const deliveries = await s.fake.addMessage(p.conversationSid, { author: 'customer-ada', body: 'hello?' });
  expect(deliveries[0]!.body).toMatchObject({ action: 'cleaned' });
  expect(p.invites()).toHaveLength(0);
  expect(p.record()).toBeUndefined();
  expect(p.conversation.webhooks).toHaveLength(0);
});

it('a supervisor lists every parked conversation, an agent only their own', async () => {
  const mine = await parked(f.AGENT_WORKER, f.AGENT_TOKEN);
  const theirs = await parked(f.OUTSIDER_WORKER, f.OUTSIDER_TOKEN);
  const all = await post('/list-parked', { pageSize: '100' }, f.SUPERVISOR_TOKEN);
  expect(all.status).toBe(200);
  expectDeclared('/list-parked', 'post', 200, all.body);
  const channels = all.body.parked.map((x: any) => x.channelSid);
  expect(channels).toEqual(expect.arrayContaining([mine.channelSid, theirs.channelSid]));
  expect(all.body.count).toBe(records().length);
  const own = await fetch(`${second.url}/list-parked?pageSize=100`, { headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` } });
  const ownBody = (await own.json()) as any;
  expect(own.status).toBe(200);
  expect(ownBody.parked.every((x: any) => x.parkedBy.workerSid === f.AGENT_WORKER)).toBe(true);
  expect(ownBody.parked.map((x: any) => x.channelSid)).toContain(mine.channelSid);
  expect(ownBody.parked.map((x: any) => x.channelSid)).not.toContain(theirs.channelSid);
});
