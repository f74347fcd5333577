/**
 * The park record's Sync calls when Sync answers something other than success (real HTTP to the
 * fake, the real helper): which answers mean "exists", "gone" or "no map yet", which are errors
 * (and what callers read of them), and that an oversized record sends nothing.
 */
import twilio from 'twilio';
import * as records from '../../../src/adapters/park-records';
import { Transport } from '../../../src/twilio/transport';
import { ConflictError, NotFoundError, UpstreamError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';

let s: Seeded;
let client: never;
let where: { service: string; map: string };
beforeEach(async () => {
  s = await startSeededFake();
  const transport = new Transport({ service: 'test', callTimeoutMs: 2000, fallbackDeadlineMs: 5000, baseUrl: s.baseUrl });
  client = twilio(f.ACCOUNT_SID, f.AUTH_TOKEN, { httpClient: transport as never }) as never;
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
const sent = () => s.fake.requests.map((q) => `${q.method} ${q.path.split('/').slice(-1)[0]}`);
const items = /\/Items/;

it('an oversized record: 409 with its size and the limit, and nothing sent (create or update)', async () => {
  const big = data({ attributes: { big: 'x'.repeat(records.MAX_RECORD_BYTES) } });
  const bytes = records.recordBytes(big);
  const message = `the park record would be ${bytes} bytes, over Sync's 16384: the task's attributes are too large to park this conversation`;
  await expect(records.create(client, where, big)).rejects.toThrow(new ConflictError(message));
  await expect(records.update(client, where, { data: data(), revision: '0' }, big)).rejects.toThrow(ConflictError);
  expect(s.fake.requests).toEqual([]);
});

it('create: a refusal other than 404/409 is the error, no map is made', async () => {
  s.fake.inject({ kind: 'status', status: 400, message: 'bad data' }, (q) => items.test(q.path));
  await expect(records.create(client, where, data())).rejects.toThrow(ConflictError);
  expect(sent()).toEqual(['POST Items']);
});

it('create: the map made by another container meanwhile (409 on the map) is fine, the item is made then', async () => {
  await records.create(client, where, { ...data(), channelSid: s.otherChannelSid });
  s.fake.clearRequests();
  s.fake.inject({ kind: 'status', status: 404 }, (q) => items.test(q.path));
  const made = await records.create(client, where, data());
  expect(made.created).toBe(true);
  expect(sent()).toEqual(['POST Items', 'POST Maps', 'POST Items']);
});

it('create: the key taken while the map was made is "exists", not an error', async () => {
  await records.create(client, where, data());
  s.fake.clearRequests();
  s.fake.inject({ kind: 'status', status: 404 }, (q) => items.test(q.path));
  expect(await records.create(client, where, data())).toEqual({ created: false });
  expect(sent()).toEqual(['POST Items', 'POST Maps', 'POST Items']);
});

it('create: the map refused otherwise (400, 500) is the error; the second item failing is the error too', async () => {
  s.fake.inject({ kind: 'status', status: 400, message: 'no' }, (q) => q.path.endsWith('/Maps'));
  await expect(records.create(client, where, data())).rejects.toThrow(ConflictError);
  expect(sent()).toEqual(['POST Items', 'POST Maps']);
  s.fake.clearRequests();
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/Maps'));
  await expect(records.create(client, where, data())).rejects.toMatchObject({
    code: 'upstream_error',
    message: 'Twilio answered HTTP 500',
    call: 'the Sync map of park records',
  });
  s.fake.clearRequests();
  s.fake.inject({ kind: 'status', status: 404 }, (q) => items.test(q.path));
  s.fake.inject({ kind: 'status', status: 500 }, (q) => items.test(q.path));
  await expect(records.create(client, where, data())).rejects.toThrow(UpstreamError);
  expect(sent()).toEqual(['POST Items', 'POST Maps', 'POST Items']);
});

it('fetch, update, remove: a refusal other than 404/412 is the error, never "missing" or "lost the race"', async () => {
  await records.create(client, where, data());
  s.fake.inject({ kind: 'status', status: 400, message: 'no' }, (q) => items.test(q.path), 3);
  await expect(records.fetch(client, where, s.channelSid)).rejects.toThrow(ConflictError);
  await expect(records.update(client, where, { data: data(), revision: '0' }, data())).rejects.toThrow(ConflictError);
  await expect(records.remove(client, where, s.channelSid)).rejects.toThrow(ConflictError);
  expect(s.fake.sync.items(where.service, 'parks')).toHaveLength(1);
});

it('fetch: a record this service did not write is a 502 naming the channel', async () => {
  await (client as any).sync.v1.services(where.service).syncMaps.create({ uniqueName: 'parks' });
  await (client as any).sync.v1
    .services(where.service)
    .syncMaps('parks')
    .syncMapItems.create({ key: s.channelSid, data: { ...data(), state: 'gone' } });
  await expect(records.fetch(client, where, s.channelSid)).rejects.toThrow(
    new UpstreamError(`the park record of ${s.channelSid} in Sync is not one this service wrote`),
  );
});

it('update: sent with If-Match of the revision read, and answers the new revision', async () => {
  const made = await records.create(client, where, data());
  if (!made.created) throw new Error('not created');
  s.fake.clearRequests();
  const r = await records.update(client, where, { data: data(), revision: made.revision }, data({ state: 'resuming' }));
  if (!r.ok) throw new Error('not updated');
  expect(r.record.revision).not.toBe(made.revision);
  expect((await records.fetch(client, where, s.channelSid))!.revision).toBe(r.record.revision);
});

it('page: the token is sent; a map missing on a later page is an error, not an empty list', async () => {
  for (const sid of [s.channelSid, s.otherChannelSid]) await records.create(client, where, { ...data(), channelSid: sid });
  const first = await records.page(client, where, { pageSize: 1 });
  expect(first.records).toHaveLength(1);
  expect(first.nextPageToken).not.toBeNull();
  s.fake.clearRequests();
  const second = await records.page(client, where, { pageSize: 1, pageToken: first.nextPageToken! });
  expect(s.fake.requests[0]!.query).toMatchObject({ PageSize: '1', PageToken: first.nextPageToken });
  expect(second.records.map((r) => r.data.channelSid)).not.toEqual(first.records.map((r) => r.data.channelSid));
  s.fake.inject({ kind: 'status', status: 404 }, (q) => items.test(q.path));
  await expect(records.page(client, where, { pageSize: 1, pageToken: first.nextPageToken! })).rejects.toThrow(NotFoundError);
});
