/**
 * What park and resume send is what Twilio accepts: the functions (behind the gateway, real
 * twilio-run) call Prism, which proxies to the fake of Twilio and checks every request, and
 * every answer, against Twilio's OpenAPI of Flex, TaskRouter, Conversations and Sync
 * (test/fixtures/twilio-oai). Prism runs with --errors: a call that breaks Twilio's contract
 * (a path, a parameter, an enum value, a header) is answered with an error, which makes the
 * function answer non-200 here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startSeededFake, type Seeded } from '../support/fake';
import { mergedSpec, startFunctions, startPrism, type Running } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(120_000);

let s: Seeded;
let prism: Running;
let server: Running;
let syncService: string;
// Of Conversations, the conversation-scoped resources; of Sync, the maps: the paths the functions call.
const spec = mergedSpec(['twilio_flex_v1.json', 'twilio_taskrouter_v1.json', 'twilio_conversations_v1.json', 'twilio_sync_v1.json'], (file, path) =>
  file === 'twilio_conversations_v1.json' ? path.startsWith('/v1/Conversations') : file === 'twilio_sync_v1.json' ? path.includes('/Maps') : true,
);

/**
 * Prism reads a repeated form field as one string, never an array (stoplightio/prism #2473; PR
 * #2654 is open), so `Configuration.Filters=onMessageAdded` fails its array check though Twilio
 * takes it. In the merged copy only (the files stay as copied), that property also takes a
 * string; what the helper sends for it is checked by the fake (sandbox/fake-twilio/conversations.ts).
 */
function acceptOneFilter(file: string): void {
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const body = doc.paths['/v1/Conversations/{ConversationSid}/Webhooks'].post.requestBody.content['application/x-www-form-urlencoded'].schema;
  body.properties['Configuration.Filters'] = { oneOf: [body.properties['Configuration.Filters'], { type: 'string' }] };
  writeFileSync(file, JSON.stringify(doc));
}

beforeAll(async () => {
  acceptOneFilter(spec.file);
  s = await startSeededFake();
  syncService = s.fake.sync.addService();
  prism = await startPrism(spec.file, s.baseUrl);
  server = await startFunctions({
    ACCOUNT_SID: f.ACCOUNT_SID,
    AUTH_TOKEN: f.AUTH_TOKEN,
    TWILIO_API_BASE_URL: prism.url,
    TWILIO_IAM_BASE_URL: s.baseUrl,
    SYNC_SERVICE_SID: syncService,
  });
});
afterAll(async () => {
  await Promise.all([server?.stop(), prism?.stop()]);
  await s?.fake.stop();
  spec.remove();
});

async function post(path: string, params: Record<string, string>, token = f.AGENT_TOKEN) {
  const r = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, Token: token }).toString(),
  });
  const body = (await r.json()) as any;
  if (r.status !== 200) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(body)}\n${prism.output.slice(-8).join('')}`);
  return body;
}

function conversation() {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
  const channelSid = channelSids[0]!;
  s.fake.addAgentTask(
    channelSid,
    s.fake.participants.get(channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!,
    { customerName: 'Ada' },
  );
  return { interactionSid, channelSid, conversationSid: s.fake.conversationOf(channelSid)! };
}

const throughPrism = () => s.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate')).map((q) => `${q.method} ${q.path}`);

it('park (map created on first use, item created, messages read, participant closed, webhook made, item updated with If-Match), then a customer message resumes it (item fetched and claimed with If-Match, channel read, invite, webhook and item deleted)', async () => {
  const c = conversation();
  s.fake.conversations
    .get(c.conversationSid)!
    .messages.push({ sid: s.fake.nextSid('IM'), index: 0, author: 'customer', body: 'hi', dateCreated: new Date().toISOString() });
  s.fake.clearRequests();
  const parked = await post('/park-channel', { interactionSid: c.interactionSid, channelSid: c.channelSid });
  expect(parked.webhookSid).toMatch(/^WH/);
  const sent = throughPrism();
  for (const call of [
    'POST /v1/Services/',
    '/Messages',
    '/Participants/',
    `POST /v1/Conversations/${c.conversationSid}/Webhooks`,
    `/Items/${c.channelSid}`,
  ])
    expect(sent.some((x) => x.includes(call))).toBe(true);

  const deliveries = await s.fake.addMessage(c.conversationSid, { author: 'customer', body: 'found it' });
  expect(deliveries[0]).toMatchObject({ status: 200, body: { action: 'resumed' } });
  expect(s.fake.requests.some((q) => q.method === 'DELETE' && q.path.endsWith(`/Webhooks/${parked.webhookSid}`))).toBe(true);
  expect(s.fake.requests.some((q) => q.method === 'DELETE' && q.path.endsWith(`/Items/${c.channelSid}`))).toBe(true);
});

it('resume on a click, list-parked (paged), and a resumed task that timed out parked again: all accepted', async () => {
  const a = conversation();
  const b = conversation();
  await post('/park-channel', { interactionSid: a.interactionSid, channelSid: a.channelSid });
  await post('/park-channel', { interactionSid: b.interactionSid, channelSid: b.channelSid });
  const page = await post('/list-parked', { pageSize: '1' }, f.SUPERVISOR_TOKEN);
  expect(page.count).toBe(1);
  expect(page.nextPageToken).toEqual(expect.any(String));
  const next = await post('/list-parked', { pageSize: '1', pageToken: page.nextPageToken }, f.SUPERVISOR_TOKEN);
  expect(next.count).toBe(1);

  const resumed = await post('/resume-channel', { interactionSid: a.interactionSid, channelSid: a.channelSid });
  expect(resumed.action).toBe('resumed');
  const task = s.fake.invites.find((i) => i.channelSid === a.channelSid)!.taskSid;
  const [timeout] = s.fake.router.end(task, 'workflow.timeout');
  const answer = await s.fake.deliverEvent(`${server.url}/webhooks/taskrouter`, timeout!);
  expect(answer).toMatchObject({ status: 200, body: { action: 'reparked' } });
  // Twilio's descriptions declare success answers only: an error status the fake gives on purpose
  // (404 for a map not yet made, 409 for a key taken) is the one violation allowed.
  const violations = prism.output
    .join('')
    .split('\n')
    .filter((l) => /Violation/.test(l) && !/Unable to match the returned status code/.test(l));
  expect(violations).toEqual([]);
});

it("a leftover watch: the next delivery lists the conversation's webhooks and deletes ours, as Twilio describes them", async () => {
  const c = conversation();
  const parked = await post('/park-channel', { interactionSid: c.interactionSid, channelSid: c.channelSid });
  // The resume cannot delete its webhook: the watch is left behind with no record.
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'DELETE' && q.path.endsWith(`/Webhooks/${parked.webhookSid}`), 3);
  expect((await s.fake.addMessage(c.conversationSid, { author: 'customer', body: 'hello' }))[0]).toMatchObject({ body: { action: 'resumed' } });
  expect(s.fake.conversations.get(c.conversationSid)!.webhooks).toHaveLength(1);
  s.fake.clearFaults();
  s.fake.clearRequests();
  const [delivery] = await s.fake.addMessage(c.conversationSid, { author: 'customer', body: 'anyone?' });
  expect(delivery).toMatchObject({ status: 200, body: { action: 'cleaned' } });
  expect(s.fake.conversations.get(c.conversationSid)!.webhooks).toHaveLength(0);
  const sent = throughPrism();
  expect(sent.some((x) => x.includes(`GET /v1/Conversations/${c.conversationSid}/Webhooks`))).toBe(true);
  expect(sent.some((x) => x.includes(`DELETE /v1/Conversations/${c.conversationSid}/Webhooks/${parked.webhookSid}`))).toBe(true);
  const violations = prism.output
    .join('')
    .split('\n')
    .filter((l) => /Violation/.test(l) && !/Unable to match the returned status code/.test(l));
  expect(violations).toEqual([]);
});
