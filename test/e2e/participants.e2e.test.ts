/**
 * /list-participants and /update-participant through the local gateway and the real twilio-run,
 * against the fake of Twilio: an agent wraps up and completes their own participation while the
 * channel stays open, one participant update each time; they cannot change another agent's, a
 * supervisor can; and the protected twins answer like the public functions, signed.
 */
import twilio from 'twilio';
import { startSeededFake, type Seeded } from '../support/fake';
import { expectDeclared } from '../support/openapi-responses';
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

/** A form POST as the Flex plugin sends it (the token as Token), or as Twilio does (signed). */
async function post(
  path: string,
  params: Record<string, string>,
  options: { token?: string; sign?: boolean; headers?: Record<string, string> } = {},
) {
  const body = { ...params, ...(options.token ? { Token: options.token } : {}) };
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', ...(options.headers ?? {}) };
  if (options.sign)
    headers['X-Twilio-Signature'] = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `https://${new URL(server.url).host}${path}`, body);
  const r = await fetch(`${server.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(body).toString() });
  return { status: r.status, body: (await r.json()) as any };
}

/** A fresh interaction whose chat channel has the demo agent and, optionally, a second agent. */
function conversation(...workers: string[]) {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers }]);
  const channelSid = channelSids[0]!;
  const agent = (worker: string) => s.fake.participants.get(channelSid)!.find((p) => p.workerSid === worker)!;
  return { interactionSid, channelSid, agent };
}

it('an agent wraps up, then completes, their own participation: one update each time, the channel stays open', async () => {
  const c = conversation(f.AGENT_WORKER);
  const ids = { interactionSid: c.interactionSid, channelSid: c.channelSid };
  const wrapped = await post('/update-participant', { ...ids, status: 'wrapup' }, { token: f.AGENT_TOKEN });
  expect(wrapped).toEqual({
    status: 200,
    body: expect.objectContaining({
      status: 'wrapup',
      taskStatus: 'wrapping',
      agentsRemaining: 0,
      participant: expect.objectContaining({ sid: c.agent(f.AGENT_WORKER).sid }),
    }),
  });
  expect(s.fake.participantUpdates().map((q) => [q.path.split('/').pop(), q.body])).toEqual([[c.agent(f.AGENT_WORKER).sid, { Status: 'wrapup' }]]);
  expect(c.agent(f.AGENT_WORKER).taskStatus).toBe('wrapping');
  expectDeclared('/update-participant', 'post', 200, wrapped.body);
  s.fake.clearRequests();
  const completed = await post('/update-participant', { ...ids, status: 'closed' }, { token: f.AGENT_TOKEN });
  expect(completed.body).toMatchObject({ status: 'closed', taskStatus: 'completed' });
  expect(s.fake.participantUpdates()).toHaveLength(1);
  expect(c.agent(f.AGENT_WORKER).taskStatus).toBe('completed');
  const channel = await post('/get-channel', ids, { token: f.AGENT_TOKEN });
  expect(channel.body.channel.status).toBe('active');
  expect(s.fake.apiRequests().filter((q) => q.method === 'POST' && !q.path.includes('/Participants/'))).toHaveLength(0);
});

it("an agent cannot change another agent's participant (403, no update sent); a supervisor can", async () => {
  const c = conversation(f.AGENT_WORKER, f.OUTSIDER_WORKER);
  const params = { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'closed', participantSid: c.agent(f.OUTSIDER_WORKER).sid };
  const refused = await post('/update-participant', params, { token: f.AGENT_TOKEN });
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('forbidden');
  expectDeclared('/update-participant', 'post', 403, refused.body);
  expect(s.fake.participantUpdates()).toHaveLength(0);
  expect(c.agent(f.OUTSIDER_WORKER).taskStatus).toBe('assigned');
  const allowed = await post('/update-participant', params, { token: f.SUPERVISOR_TOKEN });
  expect(allowed.status).toBe(200);
  expect(allowed.body.agentsRemaining).toBe(1);
  expect(s.fake.participantUpdates()).toHaveLength(1);
  expect(c.agent(f.OUTSIDER_WORKER).taskStatus).toBe('completed');
});

it("without participantSid the agent's own participant is found from the token", async () => {
  const c = conversation(f.OUTSIDER_WORKER, f.AGENT_WORKER);
  const r = await post(
    '/update-participant',
    { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'wrapup' },
    { token: f.AGENT_TOKEN },
  );
  expect(r.body.participant).toMatchObject({ sid: c.agent(f.AGENT_WORKER).sid, workerSid: f.AGENT_WORKER });
  expect(c.agent(f.AGENT_WORKER).taskStatus).toBe('wrapping');
  expect(c.agent(f.OUTSIDER_WORKER).taskStatus).toBe('assigned');
});

it('list-participants by GET and POST: the normalized participants, one page read', async () => {
  const c = conversation(f.AGENT_WORKER);
  const query = new URLSearchParams({ interactionSid: c.interactionSid, channelSid: c.channelSid });
  const got = (await (
    await fetch(`${server.url}/list-participants?${query}`, { headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` } })
  ).json()) as any;
  const posted = await post('/list-participants', { interactionSid: c.interactionSid, channelSid: c.channelSid }, { token: f.AGENT_TOKEN });
  expect(posted.body).toEqual(got);
  expectDeclared('/list-participants', 'get', 200, got);
  expect(got).toEqual({
    interactionSid: c.interactionSid,
    channelSid: c.channelSid,
    count: 2,
    participants: [
      { sid: expect.stringMatching(/^UT/), type: 'customer', workerSid: null, taskSid: null, reservationSid: null },
      {
        sid: c.agent(f.AGENT_WORKER).sid,
        type: 'agent',
        workerSid: f.AGENT_WORKER,
        taskSid: c.agent(f.AGENT_WORKER).taskSid,
        reservationSid: c.agent(f.AGENT_WORKER).reservationSid,
      },
    ],
  });
  expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET', 'GET']);
});

describe('the protected twins', () => {
  const basic = { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };

  it.each(['/studio/list-participants', '/studio/update-participant'])(
    '%s unsigned is refused by the gateway (400); nothing reaches Twilio',
    async (path) => {
      const c = conversation(f.AGENT_WORKER);
      const params = { interactionSid: c.interactionSid, channelSid: c.channelSid, status: 'closed', participantSid: c.agent(f.AGENT_WORKER).sid };
      expect((await post(path, params)).status).toBe(400);
      expect((await post(path, params, { headers: basic })).status).toBe(400);
      expect(s.fake.requests).toHaveLength(0);
    },
  );

  it('signed, list and update answer exactly what the public functions answer, with the same Twilio calls', async () => {
    const a = conversation(f.AGENT_WORKER);
    const b = conversation(f.AGENT_WORKER);
    const same = (x: ReturnType<typeof conversation>, v: unknown) =>
      JSON.stringify(v)
        .replaceAll(x.interactionSid, 'KD')
        .replaceAll(x.channelSid, 'UO')
        .replaceAll(x.agent(f.AGENT_WORKER).sid, 'UT')
        .replaceAll(x.agent(f.AGENT_WORKER).taskSid!, 'WT')
        .replaceAll(x.agent(f.AGENT_WORKER).reservationSid!, 'WR')
        .replace(/UT[0-9a-f]{32}/g, 'UTcustomer');
    const ids = (x: typeof a) => ({ interactionSid: x.interactionSid, channelSid: x.channelSid });
    expect(same(a, await post('/studio/list-participants', ids(a), { sign: true }))).toBe(
      same(b, await post('/list-participants', ids(b), { headers: basic })),
    );
    const change = (x: typeof a) => ({ ...ids(x), status: 'wrapup', participantSid: x.agent(f.AGENT_WORKER).sid });
    s.fake.clearRequests();
    const twin = await post('/studio/update-participant', change(a), { sign: true });
    const twinCalls = s.fake.apiRequests().map((q) => [q.method, q.body]);
    s.fake.clearRequests();
    const pub = await post('/update-participant', change(b), { headers: basic });
    expect(twin.status).toBe(200);
    expect(same(a, twin)).toBe(same(b, pub));
    expect(twinCalls).toEqual(s.fake.apiRequests().map((q) => [q.method, q.body]));
    // The same refusal too: a twin (the account) must name the participant.
    const bad = { ...ids(a), status: 'closed' };
    expect(await post('/studio/update-participant', bad, { sign: true })).toEqual(await post('/update-participant', bad, { headers: basic }));
    expect(s.fake.iamRequests()).toHaveLength(0);
  });
});
