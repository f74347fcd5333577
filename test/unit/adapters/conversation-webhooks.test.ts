/**
 * The conversation webhook's calls as Twilio receives them (real HTTP to the fake, the real
 * helper): the last message read newest-first, one of it; the webhook posted to us with
 * onMessageAdded from the replay index; and what callers read when Twilio refuses.
 */
import twilio from 'twilio';
import * as webhooks from '../../../src/adapters/conversation-webhooks';
import { Transport } from '../../../src/twilio/transport';
import { NotFoundError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';

let s: Seeded;
let client: never;
let conversationSid: string;
beforeEach(async () => {
  s = await startSeededFake();
  const transport = new Transport({ service: 'test', callTimeoutMs: 2000, fallbackDeadlineMs: 5000, baseUrl: s.baseUrl });
  client = twilio(f.ACCOUNT_SID, f.AUTH_TOKEN, { httpClient: transport as never }) as never;
  conversationSid = s.fake.conversationOf(s.channelSid)!;
});
afterEach(async () => {
  await s.fake.stop();
});

it('the last index is read newest first, one message, and a message without an integer index counts as none', async () => {
  await s.fake.addMessage(conversationSid, { author: 'a', body: '1' });
  expect(await webhooks.lastMessageIndex(client, conversationSid)).toBe(0);
  expect(s.fake.requests[0]!.query).toMatchObject({ Order: 'desc', PageSize: '1' });
  const page = (index: unknown) => ({
    messages: [{ sid: `IM${'1'.repeat(32)}`, conversation_sid: conversationSid, index }],
    meta: { page: 0, page_size: 1, next_page_url: null, key: 'messages' },
  });
  for (const index of [null, 'x']) {
    s.fake.inject({ kind: 'answer', status: 200, body: page(index) }, (q) => q.path.endsWith('/Messages'));
    expect(await webhooks.lastMessageIndex(client, conversationSid)).toBe(-1);
  }
});

it('the webhook: a POST to our URL on onMessageAdded, replaying from the index given', async () => {
  const url = webhooks.webhookUrl({ publicBaseUrl: 'https://x.twil.io' }, { interactionSid: s.interactionSid, channelSid: s.channelSid });
  expect(url).toBe(`https://x.twil.io/webhooks/conversations?interactionSid=${s.interactionSid}&channelSid=${s.channelSid}`);
  const sid = await webhooks.create(client, conversationSid, url, 4);
  expect(sid).toMatch(/^WH/);
  expect(s.fake.requests.at(-1)!.body).toMatchObject({
    Target: 'webhook',
    'Configuration.Url': url,
    'Configuration.Method': 'post',
    'Configuration.Filters': 'onMessageAdded',
    'Configuration.ReplayAfter': '4',
  });
});

it('Twilio refusing: what callers read names the conversation or its webhook', async () => {
  s.fake.inject({ kind: 'status', status: 404 }, (q) => q.path.endsWith('/Messages'));
  await expect(webhooks.lastMessageIndex(client, conversationSid)).rejects.toThrow(new NotFoundError('the conversation was not found'));
  s.fake.inject({ kind: 'status', status: 404 }, (q) => q.path.endsWith('/Webhooks'));
  await expect(webhooks.create(client, conversationSid, 'https://x.twil.io/w', 0)).rejects.toThrow(
    new NotFoundError("the conversation's webhook was not found"),
  );
});
