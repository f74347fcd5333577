/**
 * The fake's Conversations and Sync, driven through the real `twilio` helper (what the functions
 * send), so that what park and resume rely on in it is pinned: a key created once, a revision
 * that refuses a stale If-Match, scoped webhooks that deliver signed messages and replay.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { Transport } from '../../../src/twilio/transport';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';

let s: Seeded;
let client: ReturnType<typeof twilio>;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ params: Record<string, string>; valid: boolean }> = [];

async function form(req: IncomingMessage): Promise<Record<string, string>> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  return Object.fromEntries(new URLSearchParams(raw));
}

beforeAll(async () => {
  s = await startSeededFake();
  const transport = new Transport({ service: 'test', callTimeoutMs: 2000, fallbackDeadlineMs: 5000, baseUrl: s.baseUrl });
  client = twilio(f.ACCOUNT_SID, f.AUTH_TOKEN, { httpClient: transport as never });
  receiver = createServer((req, res) => {
    void form(req).then((params) => {
      const signed = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}${req.url}`;
      received.push({ params, valid: twilio.validateRequest(f.AUTH_TOKEN, String(req.headers['x-twilio-signature']), signed, params) });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `https://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/conversations?channelSid=${s.channelSid}`;
});

afterAll(async () => {
  await s.fake.stop();
  await new Promise((resolve) => receiver.close(resolve));
});

beforeEach(() => (received.length = 0));

describe('Sync maps', () => {
  it('a key is created once: of two creates at the same moment, one 201 and one 409 (54208)', async () => {
    const service = s.fake.sync.addService();
    await client.sync.v1.services(service).syncMaps.create({ uniqueName: 'parked' });
    await expect(client.sync.v1.services(service).syncMaps.create({ uniqueName: 'parked' })).rejects.toMatchObject({ status: 409 });
    const items = client.sync.v1.services(service).syncMaps('parked').syncMapItems;
    const results = await Promise.allSettled([items.create({ key: 'UO1', data: { n: 1 } }), items.create({ key: 'UO1', data: { n: 2 } })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { status: 409, code: 54208 } });
    expect(s.fake.sync.items(service, 'parked')).toHaveLength(1);
  });

  it('an update with a stale If-Match is refused (412, 54205) and changes nothing; the current one applies', async () => {
    const service = s.fake.sync.addService();
    await client.sync.v1.services(service).syncMaps.create({ uniqueName: 'm' });
    const map = client.sync.v1.services(service).syncMaps('m');
    const created = await map.syncMapItems.create({ key: 'k', data: { state: 'parked' } });
    await map.syncMapItems('k').update({ data: { state: 'resuming' }, ifMatch: created.revision });
    await expect(map.syncMapItems('k').update({ data: { state: 'other' }, ifMatch: created.revision })).rejects.toMatchObject({
      status: 412,
      code: 54205,
    });
    expect((await map.syncMapItems('k').fetch()).data).toEqual({ state: 'resuming' });
    await expect(map.syncMapItems('k').remove({ ifMatch: created.revision })).rejects.toMatchObject({ status: 412 });
    await map.syncMapItems('k').remove();
    await expect(map.syncMapItems('k').fetch()).rejects.toMatchObject({ status: 404, code: 54201 });
  });

  it('lists items page by page; an unknown service is a 404', async () => {
    const service = s.fake.sync.addService();
    await client.sync.v1.services(service).syncMaps.create({ uniqueName: 'm' });
    const map = client.sync.v1.services(service).syncMaps('m');
    for (const key of ['a', 'b', 'c']) await map.syncMapItems.create({ key, data: {} });
    const first = await map.syncMapItems.page({ pageSize: 2 });
    expect(first.instances.map((i) => i.key)).toEqual(['a', 'b']);
    const second = await first.nextPage();
    expect(second?.instances.map((i) => i.key)).toEqual(['c']);
    await expect(
      client.sync.v1
        .services(`IS${'e'.repeat(32)}`)
        .syncMaps('m')
        .fetch(),
    ).rejects.toMatchObject({ status: 404 });
  });
});

describe('Conversations', () => {
  it("every channel has a conversation, named in its agent's task attributes", () => {
    const conversationSid = s.fake.conversationOf(s.channelSid)!;
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    const agent = s.fake.participants.get(s.channelSid)!.find((p) => p.type === 'agent')!;
    s.fake.addAgentTask(s.channelSid, agent);
    expect(JSON.parse(s.fake.taskRouter.tasks.get(agent.taskSid!)!.attributes)).toMatchObject({ conversationSid });
  });

  it('a scoped webhook gets each new message, signed as Twilio signs; deleted, it gets nothing more', async () => {
    const sid = s.fake.conversationOf(s.channelSid)!;
    const conversation = client.conversations.v1.conversations(sid);
    const hook = await conversation.webhooks.create({
      target: 'webhook',
      'configuration.url': receiverUrl,
      'configuration.method': 'post',
      'configuration.filters': ['onMessageAdded'],
    });
    expect(hook.sid).toMatch(/^WH/);
    const deliveries = await s.fake.addMessage(sid, { author: '+15550001', body: 'here is my receipt' });
    expect(deliveries).toEqual([expect.objectContaining({ status: 200 })]);
    expect(received).toEqual([
      { valid: true, params: expect.objectContaining({ EventType: 'onMessageAdded', Author: '+15550001', Body: 'here is my receipt' }) },
    ]);
    await conversation.webhooks(hook.sid).remove();
    await expect(conversation.webhooks(hook.sid).fetch()).rejects.toMatchObject({ status: 404 });
    expect(await s.fake.addMessage(sid, { author: '+15550001', body: 'again' })).toEqual([]);
  });

  it('ReplayAfter: a webhook created late still gets the messages from that index on', async () => {
    const sid = s.fake.conversationOf(s.otherChannelSid)!;
    const before = s.fake.conversations.get(sid)!.messages.length;
    await s.fake.addMessage(sid, { author: '+15550002', body: 'while nobody listened' });
    const conversation = client.conversations.v1.conversations(sid);
    await conversation.webhooks.create({
      target: 'webhook',
      'configuration.url': receiverUrl,
      'configuration.filters': ['onMessageAdded'],
      'configuration.replayAfter': before,
    });
    await s.fake.conversations.get(sid)!.webhooks.at(-1)!.replayed;
    expect(received.map((r) => r.params.Body)).toEqual(['while nobody listened']);
  });

  it('at most five scoped webhooks; a closed channel closes its conversation', async () => {
    const sid = s.fake.conversationOf(s.otherChannelSid)!;
    const conversation = client.conversations.v1.conversations(sid);
    while (s.fake.conversations.get(sid)!.webhooks.length < 5)
      await conversation.webhooks.create({ target: 'webhook', 'configuration.url': receiverUrl });
    await expect(conversation.webhooks.create({ target: 'webhook', 'configuration.url': receiverUrl })).rejects.toMatchObject({ status: 400 });
    await client.flexApi.v1.interaction(s.interactionSid).channels(s.otherChannelSid).update({ status: 'closed' });
    expect((await conversation.fetch()).state).toBe('closed');
  });
});
