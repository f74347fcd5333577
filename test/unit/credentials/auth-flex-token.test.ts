/**
 * Every way in by Flex token (parameter and Bearer): valid, invalid, switched off, IAM failing, and what IAM answers.
 */
import { authenticate } from '../../../src/credentials/auth';
import { settings } from '../../support/invoke';
import { ctx, get, useSeededFake } from '../../support/auth-harness';
import { startSeededFake } from '../../support/fake';
import * as f from '../../support/fixtures';

useSeededFake();

describe('Flex token', () => {
  it('a string that is not a Flex token gets 401 without IAM being asked', async () => {
    for (const token of ['bogus', 'a.b.c', 'x'.repeat(100)]) {
      const r = await get({ authorization: `Bearer ${token}` });
      expect(r.statusCode).toBe(401);
    }
    expect(ctx.s.fake.iamRequests()).toHaveLength(0);
  });

  it('beyond IAM_MAX_CONCURRENT validations at once and no queue (IAM_MAX_QUEUED=0): 429 rate_limited with Retry-After, IAM not asked', async () => {
    ctx.s.fake.inject({ kind: 'delay', ms: 300 }, (q) => q.path.endsWith('/validate'), 10);
    const limited = settings(ctx.s.baseUrl, { IAM_MAX_CONCURRENT: '2', IAM_MAX_QUEUED: '0' });
    const answers = await Promise.all([1, 2, 3].map((i) => get({ authorization: `Bearer ${f.flexToken(`busy-${i}`)}` }, {}, limited)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([401, 401, 429]);
    const refused = answers.find((r) => r.statusCode === 429)!;
    expect(refused.json.error.code).toBe('rate_limited');
    expect(refused.headers['Retry-After']).toBe('1');
    expect(ctx.s.fake.iamRequests()).toHaveLength(2);
  });

  it('beyond IAM_MAX_CONCURRENT with the default queue: the next caller waits for a slot and is answered', async () => {
    ctx.s.fake.inject({ kind: 'delay', ms: 200 }, (q) => q.path.endsWith('/validate'), 10);
    const limited = settings(ctx.s.baseUrl, { IAM_MAX_CONCURRENT: '2' });
    const tokens = [f.flexToken('busy-1'), f.flexToken('busy-2'), f.AGENT_TOKEN];
    const answers = await Promise.all(tokens.map((t) => get({ authorization: `Bearer ${t}` }, {}, limited)));
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 200]);
    expect(ctx.s.fake.iamRequests()).toHaveLength(3);
  });

  it('is accepted as the Token parameter', async () => {
    const r = await get({}, { Token: f.AGENT_TOKEN });
    expect(r.statusCode).toBe(200);
    const [iam] = ctx.s.fake.iamRequests();
    expect(iam!.path).toBe(`/v1/Accounts/${f.ACCOUNT_SID}/Tokens/validate`);
    expect(iam!.body).toEqual({ token: f.AGENT_TOKEN });
    expect(iam!.basicUser).toBe(f.ACCOUNT_SID);
  });

  it('is accepted as Authorization: Bearer', async () => {
    const r = await get({ authorization: `Bearer ${f.AGENT_TOKEN}` });
    expect(r.statusCode).toBe(200);
  });

  it('is validated with the API key when one is configured', async () => {
    await ctx.s.fake.stop();
    ctx.s = await startSeededFake({ apiKey: true });
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(ctx.s.baseUrl, { API_KEY: f.API_KEY, API_SECRET: f.API_SECRET }));
    expect(r.statusCode).toBe(200);
    expect(ctx.s.fake.iamRequests()[0]!.basicUser).toBe(f.API_KEY);
  });

  it.each([
    ['an unknown token', 'not-a-token'],
    ['an expired token', f.EXPIRED_TOKEN],
  ])('%s → 401, no REST call', async (_name, token) => {
    const r = await get({}, { Token: token });
    expect(r.statusCode).toBe(401);
    expect(r.json.error).toEqual({ code: 'unauthorized', message: 'missing or invalid credentials', status: 401 });
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('switched off → 401 without asking IAM', async () => {
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(ctx.s.baseUrl, { AUTH_FLEX_TOKEN: 'false' }));
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('IAM unreachable → 502 upstream_error, never 200', async () => {
    ctx.s.fake.inject({ kind: 'status', status: 503 }, (q) => q.path.endsWith('/validate'), 10);
    const r = await get({}, { Token: f.AGENT_TOKEN });
    expect(r.statusCode).toBe(502);
    expect(r.json.error.code).toBe('upstream_error');
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('IAM unreachable (connection refused): the message names IAM and says nothing of a change', async () => {
    const port = f.REFUSED_PORT;
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(ctx.s.baseUrl, { TWILIO_IAM_BASE_URL: `http://127.0.0.1:${port}` }));
    expect(r.statusCode).toBe(502);
    expect(r.json.error.message).toBe('could not reach Twilio IAM (ECONNREFUSED)');
  });

  it('IAM answering garbage → 502 upstream_error', async () => {
    ctx.s.fake.inject({ kind: 'not-json' }, (q) => q.path.endsWith('/validate'));
    const r = await get({}, { Token: f.AGENT_TOKEN });
    expect(r.statusCode).toBe(502);
  });

  it('IAM hanging → 504 upstream_timeout within the deadline, saying it was IAM and not a change', async () => {
    ctx.s.fake.inject({ kind: 'delay', ms: 5000 }, (q) => q.path.endsWith('/validate'), 100);
    const started = Date.now();
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(ctx.s.baseUrl, { IAM_TIMEOUT_MS: '300', REQUEST_DEADLINE_MS: '1000' }));
    expect(r.statusCode).toBe(504);
    expect(r.json.error.code).toBe('upstream_timeout');
    expect(r.json.error.message).toBe('Twilio IAM did not answer in time');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('IAM hanging once: validation changes nothing, so it is asked again and the read succeeds', async () => {
    ctx.s.fake.inject({ kind: 'delay', ms: 5000 }, (q) => q.path.endsWith('/validate'));
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(ctx.s.baseUrl, { IAM_TIMEOUT_MS: '300' }));
    expect(r.statusCode).toBe(200);
    expect(ctx.s.fake.iamRequests()).toHaveLength(2);
  });

  it('hands the validated identity to the handler', async () => {
    const caller = await authenticate(
      { headers: { authorization: `Bearer ${f.AGENT_TOKEN}` }, params: {}, path: '/get-channel', method: 'POST' as const },
      { ...(await import('../../../src/config')).loadConfig(settings(ctx.s.baseUrl) as any) },
    );
    expect(caller).toMatchObject({ kind: 'flex-token', identity: 'alice', roles: ['agent'], workerSid: f.AGENT_WORKER });
  });
});

describe('what IAM answers', () => {
  const iam = (q: { path: string }) => q.path.endsWith('/validate');

  it('valid: true with an expiration already past is not valid', async () => {
    ctx.s.fake.inject(
      {
        kind: 'answer',
        status: 200,
        body: { valid: true, expiration: new Date(Date.now() - 1000).toISOString(), identity: 'x', roles: ['agent'], worker_sid: f.AGENT_WORKER },
      },
      iam,
    );
    expect((await get({ authorization: `Bearer ${f.AGENT_TOKEN}` })).statusCode).toBe(401);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it.each([401, 403])('IAM refusing our own credentials (%i) is a 500 misconfigured, naming no secret', async (status) => {
    ctx.s.fake.inject({ kind: 'status', status, code: 20003, message: 'Authenticate' }, iam);
    const r = await get({ authorization: `Bearer ${f.AGENT_TOKEN}` });
    expect(r.statusCode).toBe(500);
    expect(r.json.error).toMatchObject({ code: 'misconfigured', message: 'Twilio IAM refused the credentials this function is configured with' });
  });

  it('an IAM 4xx with an error body is IAM saying no: 401', async () => {
    ctx.s.fake.inject({ kind: 'status', status: 400, code: 20101, message: 'Invalid Access Token' }, iam);
    expect((await get({ authorization: `Bearer ${f.AGENT_TOKEN}` })).statusCode).toBe(401);
  });

  it('an IAM 4xx whose body says valid is still no', async () => {
    ctx.s.fake.inject({ kind: 'answer', status: 400, body: { valid: true, identity: 'x', roles: ['agent'] } }, iam);
    expect((await get({ authorization: `Bearer ${f.AGENT_TOKEN}` })).statusCode).toBe(401);
  });
});
