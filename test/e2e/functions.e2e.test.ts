/**
 * The product as users run it: the real twilio-run server over real HTTP, the real `twilio`
 * helper, Twilio faked only where the network leaves the machine (FakeTwilio on loopback).
 * Called the way a Flex plugin (fetch, Flex token, Origin) and Studio (signed form POST,
 * Basic account credentials) call it, through the local gateway, warm and cold.
 */
import twilio from 'twilio';
import { startSeededFake, type Seeded } from '../support/fake';
import { startFunctions, type Running } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(60_000);

const FLEX = 'https://flex.twilio.com';

describe.each([
  ['one warm container', false],
  ['a cold start on every request (twilio-run, one process per request)', true],
])('through the gateway and twilio-run: %s', (_mode, cold) => {
  let s: Seeded;
  let server: Running;
  const responses: string[] = [];

  beforeAll(async () => {
    s = await startSeededFake();
    const twilioAt = { TWILIO_API_BASE_URL: s.baseUrl, TWILIO_IAM_BASE_URL: s.baseUrl };
    server = await startFunctions(
      { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, ...twilioAt, ALLOWED_ORIGINS: FLEX, REQUEST_DEADLINE_MS: '2000' },
      { cold },
    );
  });

  afterAll(async () => {
    await server?.stop();
    await s?.fake.stop();
    // Nothing the server printed, and no response it gave, holds a secret.
    const everything = [...(server?.output ?? []), ...responses].join('\n');
    for (const secret of f.SECRETS) expect(everything).not.toContain(secret);
  });

  beforeEach(() => {
    s.fake.clearRequests();
    s.fake.clearFaults();
  });

  async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: any }> {
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    responses.push(text, JSON.stringify([...response.headers]));
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  }

  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

  describe('as a Flex plugin', () => {
    it('POST /get-channel with the Token parameter in the body and an Origin', async () => {
      const r = await call('/get-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: FLEX },
        body: JSON.stringify({ interactionSid: s.interactionSid, channelSid: s.channelSid, Token: f.AGENT_TOKEN }),
      });
      expect(r.status).toBe(200);
      expect(r.body.channel).toMatchObject({ sid: s.channelSid, interactionSid: s.interactionSid, type: 'chat' });
      expect(r.headers.get('access-control-allow-origin')).toBe(FLEX);
      expect(r.headers.get('vary')).toMatch(/Origin/);
      expect(s.fake.apiRequests().map((q) => q.path)).toEqual([`/v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`]);
    });

    it('POST JSON to /list-channels with Authorization: Bearer', async () => {
      const r = await call('/list-channels', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${f.AGENT_TOKEN}`, Origin: FLEX },
        body: JSON.stringify({ interactionSid: s.interactionSid, limit: 10 }),
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ interactionSid: s.interactionSid, count: 2 });
      expect(s.fake.apiRequests()[0]!.query.PageSize).toBe('10');
    });

    it('GET with Authorization: Bearer; an Origin that is not allowed gets no CORS grant', async () => {
      const q = form({ interactionSid: s.interactionSid, channelSid: s.channelSid });
      const r = await call(`/get-channel?${q}`, { headers: { Origin: 'https://evil.example', Authorization: `Bearer ${f.AGENT_TOKEN}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(s.fake.apiRequests()).toHaveLength(1);
    });

    it('an agent may not close a channel they are not on: 403, no update sent', async () => {
      const r = await call('/close-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${f.OUTSIDER_TOKEN}` },
        body: JSON.stringify({ interactionSid: s.interactionSid, channelSid: s.channelSid }),
      });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
      expect(s.fake.apiRequests().filter((q) => q.method === 'POST')).toHaveLength(0);
    });

    it('the agent on the channel closes it, completing the tasks', async () => {
      const { channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }], undefined);
      const interactionSid = s.fake.channels.get(channelSids[0]!)!.interactionSid;
      const r = await call('/close-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${f.AGENT_TOKEN}` },
        body: JSON.stringify({ interactionSid, channelSid: channelSids[0], routing: { status: 'closed' } }),
      });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ channel: { status: 'closed' }, routing: { status: 'closed' }, taskStatus: 'completed' });
      const update = s.fake.apiRequests().find((q) => q.method === 'POST');
      expect(update!.body).toEqual({ Status: 'closed', Routing: '{"status":"closed"}' });
    });

    it('a supervisor closes any channel', async () => {
      const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
      const r = await call('/close-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form({ interactionSid, channelSid: channelSids[0]!, Token: f.SUPERVISOR_TOKEN }),
      });
      expect(r.status).toBe(200);
      expect(r.body.taskStatus).toBe('wrapping');
      expect(s.fake.channels.get(channelSids[0]!)!.status).toBe('closed');
    });

    it('no credentials: 401 JSON, nothing sent to Twilio', async () => {
      const r = await call('/get-channel');
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid credentials', status: 401 } });
      expect(s.fake.requests).toHaveLength(0);
    });

    it('bad input: 400 naming the field, nothing sent (IAM included)', async () => {
      const r = await call(`/get-channel?${form({ interactionSid: 'KD42', channelSid: s.channelSid })}`, {
        headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.details).toEqual([{ field: 'interactionSid', message: 'interactionSid must look like KD followed by 32 hex digits' }]);
      expect(s.fake.requests).toHaveLength(0);
    });

    it('GET /close-channel: 405', async () => {
      const r = await call('/close-channel', { headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` } });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('POST');
      expect(s.fake.requests).toHaveLength(0);
    });
  });

  describe('as Studio', () => {
    it('a form POST signed with X-Twilio-Signature', async () => {
      const params = { interactionSid: s.interactionSid, channelSid: s.otherChannelSid, Status: 'closed' };
      const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `https://${new URL(server.url).host}/close-channel`, params);
      const r = await call('/close-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: form(params),
      });
      expect(r.status).toBe(200);
      expect(r.body.channel.sid).toBe(s.otherChannelSid);
      expect(s.fake.iamRequests()).toHaveLength(0);
    });

    it('a tampered signed request: 401', async () => {
      const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
      const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `https://${new URL(server.url).host}/get-channel`, params);
      const r = await call('/get-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
        body: form({ ...params, channelSid: s.otherChannelSid }),
      });
      expect(r.status).toBe(401);
      expect(s.fake.requests).toHaveLength(0);
    });

    it('Make HTTP Request with "Authenticate with Twilio" (Basic account credentials)', async () => {
      const r = await call('/get-channel', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) },
        body: form({ InteractionSid: s.interactionSid, ChannelSid: s.channelSid }),
      });
      expect(r.status).toBe(200);
      expect(s.fake.iamRequests()).toHaveLength(0);
      expect(s.fake.apiRequests().map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`]);
    });
  });

  describe('when Twilio misbehaves', () => {
    const get = () =>
      call(`/get-channel?${form({ interactionSid: s.interactionSid, channelSid: s.channelSid })}`, {
        headers: { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) },
      });

    it('404 from Twilio → 404 not_found', async () => {
      const r = await call(`/get-channel?${form({ interactionSid: s.interactionSid, channelSid: f.UO_UNKNOWN })}`, {
        headers: { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) },
      });
      expect(r.status).toBe(404);
      expect(r.body.error).toMatchObject({ code: 'not_found', twilioCode: 20404 });
      expect(s.fake.apiRequests().map((q) => q.path)).toEqual([`/v1/Interactions/${s.interactionSid}/Channels/${f.UO_UNKNOWN}`]);
    });

    it('429 for good → 429 with Retry-After, within the deadline', async () => {
      s.fake.inject({ kind: 'status', status: 429, code: 20429 }, () => true, 1000);
      const started = Date.now();
      const r = await get();
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(Date.now() - started).toBeLessThan(2000 + 1500);
      // Retried, but never past the deadline: a handful of tries, not a thousand.
      expect(s.fake.apiRequests().length).toBeGreaterThan(1);
      expect(s.fake.apiRequests().length).toBeLessThanOrEqual(4);
    });

    it('429 without Retry-After, then success → 200', async () => {
      s.fake.inject({ kind: 'status', status: 429, code: 20429 });
      const r = await get();
      expect(r.status).toBe(200);
      expect(s.fake.apiRequests()).toHaveLength(2);
    });

    it('hanging → 504 within the deadline', async () => {
      s.fake.inject({ kind: 'delay', ms: 10_000 }, () => true, 10);
      const started = Date.now();
      const r = await get();
      expect(r.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(2000 + 1500);
      expect(s.fake.apiRequests().length).toBeGreaterThanOrEqual(1);
    });

    it('a reset connection on a read is retried → 200', async () => {
      s.fake.inject({ kind: 'reset' });
      expect((await get()).status).toBe(200);
      expect(s.fake.apiRequests()).toHaveLength(2);
    });

    it('5xx → 502, a body that is not JSON → 502', async () => {
      s.fake.inject({ kind: 'status', status: 500 });
      expect((await get()).status).toBe(502);
      s.fake.inject({ kind: 'not-json' });
      expect((await get()).status).toBe(502);
      // Neither is retried: a 500 is not one of the retryable answers, a 200 is final.
      expect(s.fake.apiRequests()).toHaveLength(2);
    });
  });
});
