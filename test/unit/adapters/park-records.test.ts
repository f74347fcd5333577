/**
 * The park record's Sync calls through the real helper against the fake (real HTTP): the map
 * made on first use (also when another container made it first), a key created once, If-Match
 * refusals told apart from a record gone, what is fine to find missing, and what is an error.
 */
import twilio from 'twilio';
import * as records from '../../../src/adapters/park-records';
import * as webhooks from '../../../src/adapters/conversation-webhooks';
import { Transport } from '../../../src/twilio/transport';
import { MisconfiguredError, NotFoundError, UpstreamError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';

let s: Seeded;
let client: ReturnType<typeof twilio>;
let where: { service: string; map: string };
beforeEach(async () => {
  s = await startSeededFake();
  const transport = new Transport({ service: 'test', callTimeoutMs: 2000, fallbackDeadlineMs: 5000, baseUrl: s.baseUrl });
  client = twilio(f.ACCOUNT_SID, f.AUTH_TOKEN, { httpClient: transport as never });
  where = { service: s.fake.sync.addService(), map: 'parks' };
});
afterEach(async () => {
  await s.fake.stop();
});

const data = (over: Partial<records.RecordData> = {}): records.RecordData => ({
  state: 'parked',
  interactionSid: s.interactionSid,
  channelSid: s.channelSid,
  conversationSid: s.fake.conversationOf(s.channelSid)!,
  parkedBy: { workerSid: f.AGENT_WORKER, identity: 'alice' },
  parkedAt: '2026-01-01T00:00:00.000Z',
  taskSid: `WT${'9'.repeat(32)}`,
  workspaceSid: `WS${'5'.repeat(32)}`,
  queueSid: `WQ${'7'.repeat(32)}`,
  workflowSid: null,
  taskChannelUniqueName: null,
  attributes: {},
  webhookSid: null,
  ...over,
});

it('two first parks at once (no map yet): the map is made once, each record once', async () => {
  const other = { ...data(), channelSid: s.otherChannelSid };
  const [a, b] = await Promise.all([records.create(client as never, where, data()), records.create(client as never, where, other)]);
  expect([a.created, b.created]).toEqual([true, true]);
  expect(
    s.fake.sync
      .items(where.service, 'parks')
      .map((i) => i.key)
      .sort(),
  ).toEqual([s.channelSid, s.otherChannelSid].sort());
  expect(await records.create(client as never, where, data())).toEqual({ created: false });
});

it('a Sync service that does not exist: misconfigured, naming SYNC_SERVICE_SID', async () => {
  await expect(records.create(client as never, { service: `IS${'0'.repeat(32)}`, map: 'parks' }, data())).rejects.toThrow(MisconfiguredError);
  await expect(records.create(client as never, { service: `IS${'0'.repeat(32)}`, map: 'parks' }, data())).rejects.toThrow(/SYNC_SERVICE_SID/);
});

it('Sync failing: the error, translated (nothing is taken for "exists" or "gone")', async () => {
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.includes('/Maps'), 20);
  await expect(records.create(client as never, where, data())).rejects.toThrow(UpstreamError);
  await expect(records.fetch(client as never, where, s.channelSid)).rejects.toThrow(UpstreamError);
  await expect(records.remove(client as never, where, s.channelSid)).rejects.toThrow(UpstreamError);
  await expect(records.page(client as never, where, { pageSize: 5 })).rejects.toThrow(UpstreamError);
  await expect(records.update(client as never, where, { data: data(), revision: '0' }, data())).rejects.toThrow(UpstreamError);
});

it('fetch: missing is undefined; a record this service did not write is a 502', async () => {
  expect(await records.fetch(client as never, where, s.channelSid)).toBeUndefined();
  const created = await records.create(client as never, where, data());
  expect(created.created).toBe(true);
  expect((await records.fetch(client as never, where, s.channelSid))!.data).toEqual(data());
  await client.sync.v1
    .services(where.service)
    .syncMaps('parks')
    .syncMapItems.create({ key: s.otherChannelSid, data: { state: 'mine' } });
  await expect(records.fetch(client as never, where, s.otherChannelSid)).rejects.toThrow(UpstreamError);
  const page = await records.page(client as never, where, { pageSize: 10 });
  expect(page.records.map((r) => r.data.channelSid)).toEqual([s.channelSid]);
});

it('update: applied at the revision read; refused (not gone) at a stale one; gone once deleted', async () => {
  const created = await records.create(client as never, where, data());
  if (!created.created) throw new Error('not created');
  const first = await records.update(client as never, where, { data: data(), revision: created.revision }, data({ state: 'resuming' }));
  expect(first).toMatchObject({ ok: true, record: { data: { state: 'resuming' } } });
  expect(await records.update(client as never, where, { data: data(), revision: created.revision }, data())).toEqual({ ok: false, gone: false });
  await records.remove(client as never, where, s.channelSid);
  await records.remove(client as never, where, s.channelSid);
  expect(await records.update(client as never, where, { data: data(), revision: created.revision }, data())).toEqual({ ok: false, gone: true });
});

it('page: no map yet is an empty list; an unknown token on a missing map is an error', async () => {
  expect(await records.page(client as never, where, { pageSize: 5 })).toEqual({ records: [], nextPageToken: null });
  await expect(records.page(client as never, where, { pageSize: 5, pageToken: 'PT1' })).rejects.toThrow(NotFoundError);
});

it("the conversation's last index: -1 with no message, else the last one's; a webhook deleted twice is fine, other failures are not", async () => {
  const conversationSid = s.fake.conversationOf(s.channelSid)!;
  expect(await webhooks.lastMessageIndex(client as never, conversationSid)).toBe(-1);
  await s.fake.addMessage(conversationSid, { author: 'a', body: '1' });
  await s.fake.addMessage(conversationSid, { author: 'a', body: '2' });
  expect(await webhooks.lastMessageIndex(client as never, conversationSid)).toBe(1);
  const sid = await webhooks.create(client as never, conversationSid, 'https://127.0.0.1:1/x', 2);
  await webhooks.remove(client as never, conversationSid, sid);
  await webhooks.remove(client as never, conversationSid, sid);
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.includes('/Conversations/'), 20);
  await expect(webhooks.remove(client as never, conversationSid, sid)).rejects.toThrow(UpstreamError);
  await expect(webhooks.lastMessageIndex(client as never, conversationSid)).rejects.toThrow(UpstreamError);
});
