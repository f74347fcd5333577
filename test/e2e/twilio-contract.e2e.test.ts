/**
 * What we send is what Twilio accepts: the functions' happy paths against Prism serving
 * Twilio's own OpenAPI description of the Flex API (test/fixtures/twilio-oai). Prism runs with
 * --errors, so a request that breaks Twilio's contract (a bad path SID, a Status outside the
 * enum, missing Basic auth) is answered 4xx, which our functions turn into a non-200 and these
 * tests into a failure. IAM is not in that description, so token validation goes to FakeTwilio.
 */
import { startSeededFake, type Seeded } from '../support/fake';
import twilio from 'twilio';
import { mergedSpec, startFunctions, startPrism, type Running } from '../support/processes';
import * as f from '../support/fixtures';
import * as markers from '../../src/workflows/markers';
import { configOf } from '../support/channel-state';

jest.setTimeout(120_000);

// Twilio's examples use these SIDs; Prism checks only their pattern.
const KD = `KD${'a'.repeat(32)}`;
const UO = `UO${'a'.repeat(31)}1`;

let prism: Running;
let iam: Seeded;
let server: Running;
// Flex and TaskRouter in one document, so one Prism checks the calls to both.
const spec = mergedSpec(['twilio_flex_v1.json', 'twilio_taskrouter_v1.json']);

beforeAll(async () => {
  [prism, iam] = await Promise.all([startPrism(spec.file), startSeededFake()]);
  server = await startFunctions(
    {
      ACCOUNT_SID: f.ACCOUNT_SID,
      AUTH_TOKEN: f.AUTH_TOKEN,
      TWILIO_API_BASE_URL: prism.url,
      TWILIO_IAM_BASE_URL: iam.baseUrl,
      // Twilio's own example answer to the workspace list does not pass its own schema (Prism answers 500):
      // the workspace is set, as most teams do (the look-up goes through Prism in twilio-contract-transfer).
      TASKROUTER_WORKSPACE_SID: `WS${'a'.repeat(32)}`,
    },
    {},
  );
});

afterAll(async () => {
  await Promise.all([server?.stop(), prism?.stop(), iam?.fake.stop()]);
  spec.remove();
});

async function post(path: string, body: Record<string, unknown>, auth: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: auth },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as any;
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}\n${prism.output.slice(-5).join('')}`);
  return json;
}

const account = f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN);

it('get-channel: Twilio accepts the fetch, and we read its example answer', async () => {
  const r = await post('/get-channel', { interactionSid: KD, channelSid: UO }, account);
  expect(r.channel).toMatchObject({ sid: UO, interactionSid: KD, type: 'chat', errorCode: 19025 });
  expect(r.channel.links.participants).toMatch(/\/Participants$/);
});

it('list-channels: Twilio accepts the list with PageSize', async () => {
  const r = await post('/list-channels', { interactionSid: KD, limit: 20 }, account);
  expect(r.count).toBeGreaterThanOrEqual(1);
  expect(r.channels[0].sid).toMatch(/^UO/);
});

it.each([
  ['closed, no routing', {}],
  ['closed, routing closed', { routing: { status: 'closed' } }],
  ['inactive, routing closed', { status: 'inactive', routing: '{"status":"closed"}' }],
])('close-channel (%s): Twilio accepts the update', async (_name, extra) => {
  const r = await post('/close-channel', { interactionSid: KD, channelSid: UO, ...extra }, account);
  expect(r.channel.sid).toBe(UO);
});

it('close-channel as a supervisor (Flex token via IAM): participants list and update both accepted', async () => {
  const r = await post('/close-channel', { interactionSid: KD, channelSid: UO }, `Bearer ${f.SUPERVISOR_TOKEN}`);
  expect(r.taskStatus).toBe('wrapping');
});

it('close-channel as an agent: the participants lookup is accepted by Twilio (and refuses a stranger)', async () => {
  const response = await fetch(`${server.url}/close-channel`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${f.OUTSIDER_TOKEN}` },
    body: JSON.stringify({ interactionSid: KD, channelSid: UO }),
  });
  // 403 (not 502/409): Prism answered the participants list, and the outsider is not on it.
  expect(response.status).toBe(403);
});

// The participants Twilio's example lists: a customer (…a1) and an agent (…a2) whose worker is WKaaa…
const UT_AGENT = `UT${'a'.repeat(31)}2`;
const WK_EXAMPLE = `WK${'a'.repeat(32)}`;

it('list-participants: Twilio accepts the list with PageSize, and we read its example answer', async () => {
  const r = await post('/list-participants', { interactionSid: KD, channelSid: UO }, account);
  expect(r.participants).toEqual([
    { sid: `UT${'a'.repeat(31)}1`, type: 'customer', workerSid: null, taskSid: null, reservationSid: null },
    { sid: UT_AGENT, type: 'agent', workerSid: WK_EXAMPLE, taskSid: `WT${'a'.repeat(32)}`, reservationSid: `WR${'a'.repeat(32)}` },
  ]);
});

it.each(['wrapup', 'closed'])('update-participant (%s) as the account: the list and the update are accepted', async (status) => {
  const r = await post('/update-participant', { interactionSid: KD, channelSid: UO, participantSid: UT_AGENT, status }, account);
  // Prism answers the update with its example participant (…a1), whatever it was asked to change.
  expect(r).toMatchObject({ status, participant: { sid: expect.stringMatching(/^UT/), type: 'agent' } });
});

it("update-participant as the example's agent, no participantSid: found from the token, and the update accepted", async () => {
  const token = f.flexToken('example-agent');
  iam.fake.addToken(token, { identity: 'example', roles: ['agent'], workerSid: WK_EXAMPLE });
  const r = await post('/update-participant', { interactionSid: KD, channelSid: UO, status: 'wrapup' }, `Bearer ${token}`);
  expect(r).toMatchObject({ status: 'wrapup', taskStatus: 'wrapping', participant: { type: 'agent', workerSid: WK_EXAMPLE }, agentsRemaining: 0 });
});

/** A signed TaskRouter event to /webhooks/taskrouter, its task carrying a transfer marker. */
async function taskRouterEvent(eventType: string) {
  // A marker of ours: signed with the key derived from the functions' auth token (src/workflows/markers.ts).
  const transfer = markers.signTransfer(
    configOf(),
    { interactionSid: KD, channelSid: UO },
    {
      id: 't-1',
      state: 'pending',
      mode: 'cold',
      from: { participantSid: UT_AGENT, workerSid: WK_EXAMPLE, taskSid: `WT${'a'.repeat(32)}` },
      to: { queueSid: `WQ${'a'.repeat(32)}`, workerSid: null },
      then: 'wrapup',
    },
  );
  const params = {
    EventType: eventType,
    TaskSid: `WT${'a'.repeat(32)}`,
    WorkspaceSid: `WS${'a'.repeat(32)}`,
    TaskAttributes: JSON.stringify({ flexInteractionSid: KD, flexInteractionChannelSid: UO, transfer }),
    TimestampMs: String(Date.now()),
  };
  const url = `${server.url}/webhooks/taskrouter`;
  const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url.replace('http:', 'https:'), params);
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params),
  });
  const body = (await r.json()) as any;
  if (r.status !== 200) throw new Error(`answered ${r.status}: ${JSON.stringify(body)}\n${prism.output.slice(-5).join('')}`);
  return body;
}

// A whole transfer, the invite, the workspace list and the If-Match updates included, runs
// through Prism in proxy mode in test/e2e/twilio-contract-transfer.e2e.test.ts.
it("a transfer's failure event: Twilio accepts the new task's fetch (its example is pending: no failure recorded)", async () => {
  const r = await taskRouterEvent('task.canceled');
  expect(r.transfer).toMatchObject({ action: 'ignored', reason: expect.stringContaining('pending in TaskRouter now, not canceled') });
});

it("reservation.accepted: Twilio accepts the new task's fetch (its example carries no transfer: left alone)", async () => {
  const r = await taskRouterEvent('reservation.accepted');
  expect(r.transfer).toMatchObject({ action: 'ignored', reason: expect.stringContaining('another transfer') });
});
