/**
 * The orphan guard (lib/orphan-guard, behind functions/webhooks/orphan-guard.protected) as a
 * unit: each decision, what it asks Twilio, its limits and its log line. The e2e suite covers
 * the same webhook through the gateway with a real signature.
 */
import { handler } from '../../../functions/webhooks/orphan-guard.protected';
import { OrphanGuardResponse } from '../../../src/contract/answers';
import type { Seeded } from '../../support/fake';
import { invoke, seededPerTest, settings } from '../../support/invoke';
import { captured } from '../../support/capture-logs';

let s: Seeded;
let env: Record<string, string>;
seededPerTest((seeded, settings) => {
  s = seeded;
  env = settings;
});

const attributes = (interactionSid: string, channelSid: string) =>
  JSON.stringify({ flexInteractionSid: interactionSid, flexInteractionChannelSid: channelSid, channelType: 'chat' });
const WORKSPACE = `WS${'5'.repeat(32)}`;
const TASK = `WT${'a'.repeat(32)}`;
/**
 * A TaskRouter event as delivered now (TimestampMs, WorkspaceSid), its task canceled in the
 * fake's TaskRouter with the event's attributes, as a real cancel leaves it.
 */
const event = (fields: Record<string, unknown>) => {
  const params: Record<string, unknown> = { TaskSid: TASK, WorkspaceSid: WORKSPACE, TimestampMs: String(Date.now()), ...fields };
  if (typeof params.TaskSid === 'string' && typeof params.TaskAttributes === 'string' && !s.fake.taskRouter.tasks.has(params.TaskSid)) {
    s.fake.taskRouter.tasks.set(params.TaskSid, {
      sid: params.TaskSid,
      workspaceSid: WORKSPACE,
      assignmentStatus: 'canceled',
      attributes: params.TaskAttributes,
    });
  }
  return invoke(handler as never, env, { path: '/webhooks/orphan-guard', params });
};
const changes = () => s.fake.apiRequests().filter((r) => r.method === 'POST');

it('an open channel with no agent left is closed, its tasks completed', async () => {
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  expect(r.statusCode).toBe(200);
  expect(r.json).toMatchObject({
    action: 'closed',
    reason: 'open with no agent left: closed, its tasks completed',
    interactionSid: s.interactionSid,
    channelSid: s.otherChannelSid,
    channel: { status: 'closed' },
  });
  expect(changes()).toEqual([
    expect.objectContaining({
      path: `/v1/Interactions/${s.interactionSid}/Channels/${s.otherChannelSid}`,
      body: { Status: 'closed', Routing: '{"status":"closed"}' },
    }),
  ]);
});

it.each(['task.canceled', 'workflow.timeout'])('%s is acted on by default', async (eventType) => {
  const r = await event({ EventType: eventType, TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  expect(r.json.action).toBe('closed');
});

it('a channel still being set up counts as open', async () => {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ status: 'setup' }]);
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(interactionSid, channelSids[0]!) });
  expect(r.json.action).toBe('closed');
});

it('an event not in ORPHAN_GUARD_EVENTS is ignored without a call to Twilio', async () => {
  env = settings(s.baseUrl, { ORPHAN_GUARD_EVENTS: 'task.canceled' });
  const r = await event({ EventType: 'workflow.timeout', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  expect(r.json).toEqual({ action: 'ignored', reason: 'workflow.timeout is not one of ORPHAN_GUARD_EVENTS' });
  expect(s.fake.apiRequests()).toEqual([]);
});

it.each<[string, string | undefined]>([
  ['no attributes', undefined],
  ['attributes that are not JSON', '{not json'],
  ['attributes of another kind of task', JSON.stringify({ type: 'voice', call_sid: 'CA1' })],
  ['only half of the ids', JSON.stringify({ flexInteractionSid: `KD${'1'.repeat(32)}` })],
])('a task with %s is not a Flex Conversations task: ignored, no call to Twilio', async (_label, taskAttributes) => {
  const r = await event({ EventType: 'task.canceled', ...(taskAttributes === undefined ? {} : { TaskAttributes: taskAttributes }) });
  expect(r.statusCode).toBe(200);
  expect(r.json).toEqual({
    action: 'ignored',
    reason: 'not a Flex Conversations task (no flexInteractionSid and flexInteractionChannelSid in its attributes)',
  });
  expect(s.fake.apiRequests()).toEqual([]);
});

it('a channel that does not exist is ignored', async () => {
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, `UO${'9'.repeat(32)}`) });
  expect(r.json).toMatchObject({ action: 'ignored', reason: 'the channel does not exist' });
  expect(changes()).toEqual([]);
});

it('a channel that is no longer open is left alone (the same event again changes nothing)', async () => {
  await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  s.fake.clearRequests();
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  expect(r.json).toMatchObject({ action: 'ignored', reason: 'the channel is closed, not open', channel: { status: 'closed' } });
  expect(changes()).toEqual([]);
});

it('a channel whose agent carries no worker SID is left alone too', async () => {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: ['WKx'], workerKey: 'none' }]);
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(interactionSid, channelSids[0]!) });
  expect(r.json).toMatchObject({ action: 'ignored', reason: 'an agent is still on the channel' });
});

it('every answer is exactly what OrphanGuardResponse describes', async () => {
  for (const fields of [
    { EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) },
    { EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.channelSid) },
    { EventType: 'task.created' },
  ]) {
    const r = await event(fields);
    expect(OrphanGuardResponse.parse(r.json)).toEqual(r.json);
  }
});

it('a channel an agent is still on is left alone', async () => {
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.channelSid) });
  expect(r.json).toMatchObject({ action: 'ignored', reason: 'an agent is still on the channel', channel: { status: 'active' } });
  expect(changes()).toEqual([]);
});

it('a Twilio failure while looking is an error answer, not a decision', async () => {
  s.fake.inject({ kind: 'status', status: 500 }, () => true, 10);
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  expect(r.statusCode).toBe(502);
  expect(changes()).toEqual([]);
});

it('logs each decision with its reason and the ids, as one JSON line', async () => {
  await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.channelSid) });
  const line = captured.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'orphan guard');
  expect(line).toMatchObject({
    level: 'info',
    action: 'ignored',
    reason: 'an agent is still on the channel',
    eventType: 'task.canceled',
    taskSid: `WT${'a'.repeat(32)}`,
    interactionSid: s.interactionSid,
    channelSid: s.channelSid,
  });
});

describe('its limits', () => {
  it('EventType: required, at most 100 characters', async () => {
    expect((await event({})).json.error.details).toEqual([{ field: 'eventType', message: 'EventType is required' }]);
    expect((await event({ EventType: 'x'.repeat(100) })).json.action).toBe('ignored');
    const long = await event({ EventType: 'x'.repeat(101) });
    expect(long.statusCode).toBe(400);
    expect(long.json.error.details[0].field).toBe('eventType');
  });

  it('TaskSid must look like a task', async () => {
    for (const taskSid of [`xWT${'a'.repeat(32)}`, `WT${'a'.repeat(32)}0`])
      expect((await event({ EventType: 'task.canceled', TaskSid: taskSid })).statusCode).toBe(400);
    const r = await event({ EventType: 'task.canceled', TaskSid: 'WT123' });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details).toEqual([{ field: 'taskSid', message: 'TaskSid must look like WT followed by 32 hex digits' }]);
  });

  it('TaskAttributes: at most 64 KiB', async () => {
    const padded = (n: number) => JSON.stringify({ pad: 'x'.repeat(n - 10) }).padEnd(n, ' ');
    expect(padded(64 * 1024)).toHaveLength(64 * 1024);
    expect((await event({ EventType: 'task.canceled', TaskAttributes: padded(64 * 1024) })).statusCode).toBe(200);
    const r = await event({ EventType: 'task.canceled', TaskAttributes: padded(64 * 1024 + 1) });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe('taskAttributes');
  });

  it("takes a TaskRouter-sized body (128 KiB, past the functions' 16 KiB), and no more", async () => {
    const filler = (n: number) => ({ EventType: 'task.canceled', Filler: 'x'.repeat(n) });
    expect((await event(filler(100 * 1024))).statusCode).toBe(200);
    expect((await event(filler(128 * 1024))).statusCode).toBe(413);
  });
});

it('a channel Twilio gives no status is left alone, and the reason says so', async () => {
  const url = `https://flex-api.twilio.com/v1/Interactions/${s.interactionSid}/Channels/${s.otherChannelSid}`;
  const body = {
    sid: s.otherChannelSid,
    interaction_sid: s.interactionSid,
    type: 'chat',
    status: null,
    error_code: null,
    error_message: null,
    url,
    links: {},
  };
  s.fake.inject({ kind: 'answer', status: 200, body }, (r) => r.method === 'GET' && r.path.endsWith(`/Channels/${s.otherChannelSid}`));
  const r = await event({ EventType: 'task.canceled', TaskAttributes: attributes(s.interactionSid, s.otherChannelSid) });
  expect(r.json).toMatchObject({ action: 'ignored', reason: 'the channel is in no known status, not open' });
  expect(changes()).toEqual([]);
});
