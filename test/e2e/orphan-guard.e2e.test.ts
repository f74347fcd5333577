/**
 * The TaskRouter webhook /webhooks/orphan-guard through the local gateway, called the way
 * TaskRouter calls an Event Callback URL: a signed form POST with the task's fields. It closes
 * the orphaned channel of a canceled or timed-out conversation task, and leaves everything else
 * alone with a 200 that says why; the fake of Twilio shows exactly one close.
 */
import twilio from 'twilio';
import { startSeededFake, type Seeded } from '../support/fake';
import { startFunctions, type Running } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(60_000);

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
});

let taskCounter = 0;

/** What TaskRouter posts to an Event Callback URL (a representative subset of its fields). */
function taskRouterEvent(eventType: string, attributes: object): Record<string, string> {
  taskCounter++;
  // The task as TaskRouter has it after the event (the guard asks TaskRouter before closing).
  const sid = `WT${String(taskCounter).padStart(32, '0')}`;
  const canceled = eventType === 'task.canceled' || eventType === 'workflow.timeout';
  s.fake.taskRouter.tasks.set(sid, {
    sid,
    workspaceSid: `WS${'5'.repeat(32)}`,
    assignmentStatus: canceled ? 'canceled' : 'pending',
    attributes: JSON.stringify(attributes),
  });
  return {
    AccountSid: f.ACCOUNT_SID,
    WorkspaceSid: `WS${'5'.repeat(32)}`,
    WorkspaceName: 'Flex Task Assignment',
    EventType: eventType,
    EventDescription: `Task ${eventType}`,
    ResourceType: 'task',
    ResourceSid: `WT${String(taskCounter).padStart(32, '0')}`,
    TaskSid: `WT${String(taskCounter).padStart(32, '0')}`,
    TaskAttributes: JSON.stringify(attributes),
    TaskChannelUniqueName: 'chat',
    TaskAssignmentStatus: eventType === 'task.canceled' ? 'canceled' : 'pending',
    TaskAge: '42',
    TaskPriority: '0',
    Timestamp: String(Math.floor(Date.now() / 1000)),
    TimestampMs: String(Date.now()),
    Sid: `EV${String(taskCounter).padStart(32, '0')}`,
  };
}

async function deliver(params: Record<string, string>, sign = true): Promise<{ status: number; body: any }> {
  const url = `https://${new URL(server.url).host}/webhooks/orphan-guard`;
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (sign) headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url, params);
  const r = await fetch(`${server.url}/webhooks/orphan-guard`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text) };
}

const attributesOf = (interactionSid: string, channelSid: string) => ({
  flexInteractionSid: interactionSid,
  flexInteractionChannelSid: channelSid,
  conversationSid: `CH${'6'.repeat(32)}`,
  customerName: 'Ada',
});

const closes = () => s.fake.apiRequests().filter((q) => q.method === 'POST');

beforeEach(() => s.fake.clearRequests());

it.each(['task.canceled', 'workflow.timeout'])(
  '%s of a conversation task whose channel is open with nobody on it: closed, tasks completed',
  async (eventType) => {
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [] }]);
    const r = await deliver(taskRouterEvent(eventType, attributesOf(interactionSid, channelSids[0]!)));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ action: 'closed', interactionSid, channelSid: channelSids[0], channel: { status: 'closed' } });
    expect(closes()).toHaveLength(1);
    expect(closes()[0]!.body).toEqual({ Status: 'closed', Routing: '{"status":"closed"}' });
    expect(s.fake.channels.get(channelSids[0]!)!.status).toBe('closed');
  },
);

it('the same event delivered again: 200, nothing changed (idempotent)', async () => {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [] }]);
  const event = taskRouterEvent('task.canceled', attributesOf(interactionSid, channelSids[0]!));
  expect((await deliver(event)).body.action).toBe('closed');
  const again = await deliver(event);
  expect(again).toMatchObject({ status: 200, body: { action: 'ignored', reason: 'the channel is closed, not open' } });
  expect(closes()).toHaveLength(1);
});

it.each([
  [
    'a channel an agent is still on',
    () => s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]),
    'task.canceled',
    'an agent is still on the channel',
  ],
  ['a channel already closed', () => s.fake.addInteraction([{ status: 'closed' }]), 'task.canceled', 'the channel is closed, not open'],
  ['another event (task.created)', () => s.fake.addInteraction([{ workers: [] }]), 'task.created', 'task.created is not one of ORPHAN_GUARD_EVENTS'],
])('%s: 200, left alone, and the answer says why', async (_name, make, eventType, reason) => {
  const { interactionSid, channelSids } = make();
  const r = await deliver(taskRouterEvent(eventType, attributesOf(interactionSid, channelSids[0]!)));
  expect(r).toMatchObject({ status: 200, body: { action: 'ignored', reason } });
  expect(closes()).toHaveLength(0);
});

it('a task that is not a Flex Conversations task (a voice task): 200, left alone, no Twilio call', async () => {
  const r = await deliver(taskRouterEvent('task.canceled', { type: 'inbound', call_sid: `CA${'1'.repeat(32)}` }));
  expect(r).toMatchObject({ status: 200, body: { action: 'ignored', reason: expect.stringContaining('not a Flex Conversations task') } });
  expect(s.fake.requests).toHaveLength(0);
});

it('a channel that does not exist: 200, ignored', async () => {
  const r = await deliver(taskRouterEvent('task.canceled', attributesOf(f.KD_UNKNOWN, f.UO_UNKNOWN)));
  expect(r).toMatchObject({ status: 200, body: { action: 'ignored', reason: 'the channel does not exist' } });
});

it('unsigned: the gateway refuses it (400) and the function never runs', async () => {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [] }]);
  const r = await deliver(taskRouterEvent('task.canceled', attributesOf(interactionSid, channelSids[0]!)), false);
  expect(r.status).toBe(400);
  expect(s.fake.requests).toHaveLength(0);
});

it('logs each decision, with no secret', () => {
  const lines = server.output
    .join('')
    .split('\n')
    .filter((l) => l.includes('"orphan guard"'));
  expect(lines.length).toBeGreaterThan(3);
  expect(lines.some((l) => l.includes('"action":"closed"'))).toBe(true);
  for (const secret of f.SECRETS) expect(lines.join('\n')).not.toContain(secret);
});
