/**
 * The orphan guard against replays (#21): an event is acted on only while it is fresh by its
 * signed TimestampMs, and only when TaskRouter, asked now, says the task really is canceled,
 * still names the channel, and no other task of the channel is live.
 */
import { handler } from '../../../functions/webhooks/orphan-guard.protected';
import { MAX_EVENT_AGE_MS } from '../../../src/workflows/orphan-guard';
import type { TaskState } from '../../../sandbox/fake-taskrouter';
import { startSeededFake, type Seeded } from '../../support/fake';
import { invoke, settings } from '../../support/invoke';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const WORKSPACE = `WS${'5'.repeat(32)}`;
const TASK = `WT${'a'.repeat(32)}`;
const attributes = (channelSid: string) => JSON.stringify({ flexInteractionSid: s.interactionSid, flexInteractionChannelSid: channelSid });
const task = (state: Partial<TaskState> & { attributes: string }) =>
  s.fake.taskRouter.tasks.set(state.sid ?? TASK, { sid: TASK, workspaceSid: WORKSPACE, assignmentStatus: 'canceled', ...state });
const deliver = (channelSid: string, fields: Record<string, string> = {}) =>
  invoke(handler as never, settings(s.baseUrl), {
    path: '/webhooks/orphan-guard',
    params: {
      EventType: 'task.canceled',
      TaskSid: TASK,
      WorkspaceSid: WORKSPACE,
      TimestampMs: String(Date.now()),
      TaskAttributes: attributes(channelSid),
      ...fields,
    },
  });
const closes = () => s.fake.apiRequests().filter((r) => r.method === 'POST');

it.each<[string, Record<string, string>, RegExp]>([
  ['older than the limit', { TimestampMs: String(Date.now() - MAX_EVENT_AGE_MS - 1000) }, /s old, outside 5 minutes/],
  ['from more than a minute ahead', { TimestampMs: String(Date.now() + 120_000) }, /outside 5 minutes/],
  ['without TimestampMs', { TimestampMs: '' }, /no TimestampMs/],
])('an event %s is ignored, and Twilio is not asked', async (_label, fields, reason) => {
  task({ attributes: attributes(s.otherChannelSid) });
  const r = await deliver(s.otherChannelSid, fields);
  expect(r.json).toMatchObject({ action: 'ignored', reason: expect.stringMatching(reason) });
  expect(s.fake.requests).toHaveLength(0);
});

it('a replay of an event the first delivery ignored cannot close once the agent has left for a transfer waiting in queue', async () => {
  task({ attributes: attributes(s.channelSid) });
  const timestamp = String(Date.now());
  // First delivery: an agent is on the channel.
  expect((await deliver(s.channelSid, { TimestampMs: timestamp })).json).toMatchObject({
    action: 'ignored',
    reason: 'an agent is still on the channel',
  });
  // Cold transfer: the agent leaves (their task completes), a new task for the channel waits in queue.
  for (const p of s.fake.participants.get(s.channelSid)!.filter((x) => x.type === 'agent'))
    s.fake.taskRouter.change(s.fake.taskRouter.tasks.get(p.taskSid!)!, { assignmentStatus: 'completed' });
  task({ sid: `WT${'b'.repeat(32)}`, assignmentStatus: 'pending', attributes: attributes(s.channelSid) });
  // The same signed event again, still within the age limit.
  const replay = await deliver(s.channelSid, { TimestampMs: timestamp });
  expect(replay.json).toMatchObject({
    action: 'ignored',
    reason: expect.stringContaining(`another task of this channel is pending (WT${'b'.repeat(32)})`),
  });
  expect(closes()).toHaveLength(0);
  expect(s.fake.channels.get(s.channelSid)!.status).toBe('active');
  // What TaskRouter was asked, each time, at the same time as the channel: the task itself and the channel's live
  // tasks (the state's); the left agent's task, which that list no longer shows, the second time.
  const asked = s.fake.requests.filter((q) => q.path.startsWith('/v1/Workspaces'));
  const list = asked.filter((q) => q.path === `/v1/Workspaces/${WORKSPACE}/Tasks`);
  expect(list).toHaveLength(2);
  expect(asked.filter((q) => q.path === `/v1/Workspaces/${WORKSPACE}/Tasks/${TASK}`)).toHaveLength(2);
  const search = new URLSearchParams(list[1]!.search);
  expect(search.get('EvaluateTaskAttributes')).toBe(`flexInteractionChannelSid == "${s.channelSid}"`);
  expect(search.getAll('AssignmentStatus').sort()).toEqual(['assigned', 'pending', 'reserved', 'wrapping']);
});

it.each<[string, () => void, string]>([
  [
    'is not canceled in TaskRouter now',
    () => task({ assignmentStatus: 'assigned', attributes: attributes(`UO${'1'.repeat(32)}`) }),
    'the task is assigned in TaskRouter now, not canceled',
  ],
  ['names another channel now', () => task({ attributes: attributes(`UO${'1'.repeat(32)}`) }), "the task's current attributes name another channel"],
  ['is unknown to TaskRouter', () => undefined, 'the task does not exist in TaskRouter'],
])('a task that %s: ignored, nothing closed', async (_label, arrange, reason) => {
  arrange();
  const r = await deliver(s.otherChannelSid);
  expect(r.json).toMatchObject({ action: 'ignored', reason });
  expect(closes()).toHaveLength(0);
});

it('the one case that closes: fresh, canceled, naming the channel, no other live task', async () => {
  task({ attributes: attributes(s.otherChannelSid) });
  task({ sid: `WT${'c'.repeat(32)}`, assignmentStatus: 'completed', attributes: attributes(s.otherChannelSid) });
  expect((await deliver(s.otherChannelSid)).json).toMatchObject({ action: 'closed' });
  expect(closes()).toHaveLength(1);
});
