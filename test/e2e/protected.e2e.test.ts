/**
 * The protected twins (functions/studio/*.protected) through the local gateway, which does what
 * Twilio's does for protected functions: no valid X-Twilio-Signature, no function (400). Signed,
 * they answer exactly like the public functions for the same Twilio state.
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
  const everything = server?.output.join('\n') ?? '';
  for (const secret of f.SECRETS) expect(everything).not.toContain(secret);
});
beforeEach(() => s.fake.clearRequests());

/** A form POST the way Twilio sends one to `path`, signed (or not) for the gateway's public URL. */
async function post(path: string, params: Record<string, string>, options: { sign?: boolean; headers?: Record<string, string> } = {}) {
  const url = `https://${new URL(server.url).host}${path}`;
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', ...(options.headers ?? {}) };
  if (options.sign !== false) headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url, params);
  const r = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: r.status, body: (await r.json()) as any };
}

const basic = { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };

it.each(['/studio/get-channel', '/studio/list-channels', '/studio/close-channel'])(
  '%s: unsigned, or signed for other parameters, is refused by the gateway (400); nothing reaches Twilio',
  async (path) => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    expect((await post(path, params, { sign: false })).status).toBe(400);
    expect((await post(path, params, { sign: false, headers: basic })).status).toBe(400);
    const wrong = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `https://${new URL(server.url).host}${path}`, {
      ...params,
      channelSid: s.otherChannelSid,
    });
    expect((await post(path, params, { sign: false, headers: { 'X-Twilio-Signature': wrong } })).status).toBe(400);
    expect(s.fake.requests).toHaveLength(0);
  },
);

it('get and list: signed, they answer exactly what the public functions answer', async () => {
  const get = { interactionSid: s.interactionSid, channelSid: s.channelSid };
  const twin = await post('/studio/get-channel', get);
  const pub = await post('/get-channel', get, { sign: false, headers: basic });
  expect(twin).toEqual(pub);
  expect(twin.status).toBe(200);
  const list = { interactionSid: s.interactionSid, limit: '5' };
  expect(await post('/studio/list-channels', list)).toEqual(await post('/list-channels', list, { sign: false, headers: basic }));
  // No IAM call: the platform vouched for the caller.
  expect(s.fake.iamRequests()).toHaveLength(0);
});

it('close: the same answer and the same Twilio call as the public function, for the same state', async () => {
  const a = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
  const b = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
  const close = (x: typeof a) => ({ interactionSid: x.interactionSid, channelSid: x.channelSids[0]!, routing: '{"status":"closed"}' });
  const twin = await post('/studio/close-channel', close(a));
  const twinUpdate = s.fake.apiRequests().filter((q) => q.method === 'POST');
  s.fake.clearRequests();
  const pub = await post('/close-channel', close(b), { sign: false, headers: basic });
  const pubUpdate = s.fake.apiRequests().filter((q) => q.method === 'POST');
  expect(twin.status).toBe(200);
  expect(JSON.stringify(twin).replaceAll(a.interactionSid, 'KD').replaceAll(a.channelSids[0]!, 'UO')).toBe(
    JSON.stringify(pub).replaceAll(b.interactionSid, 'KD').replaceAll(b.channelSids[0]!, 'UO'),
  );
  expect(twinUpdate.map((q) => q.body)).toEqual(pubUpdate.map((q) => q.body));
});

it('errors are the same too: a bad parameter is a 400 naming it, an unknown channel a 404', async () => {
  const bad = { interactionSid: 'KD1', channelSid: s.channelSid };
  expect(await post('/studio/get-channel', bad)).toEqual(await post('/get-channel', bad, { sign: false, headers: basic }));
  const unknown = { interactionSid: f.KD_UNKNOWN, channelSid: f.UO_UNKNOWN };
  const twin = await post('/studio/get-channel', unknown);
  expect(twin.status).toBe(404);
  expect(twin).toEqual(await post('/get-channel', unknown, { sign: false, headers: basic }));
});

it('what is acted on is exactly what was signed: an extra parameter is a 400 even with a valid signature', async () => {
  const r = await post('/studio/close-channel', { interactionSid: s.interactionSid, channelSid: s.channelSid, statusinactive: '' });
  expect(r.status).toBe(400);
  expect(r.body.error.details[0].field).toBe('statusinactive');
  expect(s.fake.apiRequests()).toHaveLength(0);
});
