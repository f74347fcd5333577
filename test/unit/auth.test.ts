/**
 * Every way in, and every way of being kept out: Flex token (parameter and Bearer), Twilio
 * signature, account credentials; valid, invalid, missing, and switched off.
 */
import twilio from 'twilio';
import { handler as getChannel } from '../../functions/get-channel';
import { handler as closeChannel } from '../../functions/close-channel';
import { authenticate, flexToken, parseBasic, presentsCredentials } from '../../src/credentials/auth';
import { loadConfig } from '../../src/config';
import { UnauthorizedError } from '../../src/edge/errors';
import { startSeededFake, type Seeded } from '../support/fake';
import { invoke, settings } from '../support/invoke';
import * as f from '../support/fixtures';

let s: Seeded;
let env: Record<string, string>;

beforeEach(async () => {
  s = await startSeededFake();
  env = settings(s.baseUrl);
});
afterEach(async () => {
  await s.fake.stop();
});

const DOMAIN = 'functions.example.twil.io';

function sign(path: string, params: Record<string, string>, token = f.AUTH_TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, `https://${DOMAIN}${path}`, params);
}

function get(headers: Record<string, string>, extra: Record<string, unknown> = {}, environment = env) {
  return invoke(getChannel, environment, {
    path: '/get-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid, ...extra },
    headers,
  });
}

describe('Flex token', () => {
  it('a string that is not a Flex token gets 401 without IAM being asked', async () => {
    for (const token of ['bogus', 'a.b.c', 'x'.repeat(100)]) {
      const r = await get({ authorization: `Bearer ${token}` });
      expect(r.statusCode).toBe(401);
    }
    expect(s.fake.iamRequests()).toHaveLength(0);
  });

  it('beyond IAM_MAX_CONCURRENT validations at once: 429 rate_limited with Retry-After, IAM not asked', async () => {
    s.fake.inject({ kind: 'delay', ms: 300 }, (q) => q.path.endsWith('/validate'), 10);
    const limited = settings(s.baseUrl, { IAM_MAX_CONCURRENT: '2' });
    const answers = await Promise.all([1, 2, 3].map((i) => get({ authorization: `Bearer ${f.flexToken(`busy-${i}`)}` }, {}, limited)));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([401, 401, 429]);
    const refused = answers.find((r) => r.statusCode === 429)!;
    expect(refused.json.error.code).toBe('rate_limited');
    expect(refused.headers['Retry-After']).toBe('1');
    expect(s.fake.iamRequests()).toHaveLength(2);
  });

  it('is accepted as the Token parameter', async () => {
    const r = await get({}, { Token: f.AGENT_TOKEN });
    expect(r.statusCode).toBe(200);
    const [iam] = s.fake.iamRequests();
    expect(iam!.path).toBe(`/v1/Accounts/${f.ACCOUNT_SID}/Tokens/validate`);
    expect(iam!.body).toEqual({ token: f.AGENT_TOKEN });
    expect(iam!.basicUser).toBe(f.ACCOUNT_SID);
  });

  it('is accepted as Authorization: Bearer', async () => {
    const r = await get({ authorization: `Bearer ${f.AGENT_TOKEN}` });
    expect(r.statusCode).toBe(200);
  });

  it('is validated with the API key when one is configured', async () => {
    await s.fake.stop();
    s = await startSeededFake({ apiKey: true });
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(s.baseUrl, { API_KEY: f.API_KEY, API_SECRET: f.API_SECRET }));
    expect(r.statusCode).toBe(200);
    expect(s.fake.iamRequests()[0]!.basicUser).toBe(f.API_KEY);
  });

  it.each([
    ['an unknown token', 'not-a-token'],
    ['an expired token', f.EXPIRED_TOKEN],
  ])('%s → 401, no REST call', async (_name, token) => {
    const r = await get({}, { Token: token });
    expect(r.statusCode).toBe(401);
    expect(r.json.error).toEqual({ code: 'unauthorized', message: 'missing or invalid credentials', status: 401 });
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('switched off → 401 without asking IAM', async () => {
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(s.baseUrl, { AUTH_FLEX_TOKEN: 'false' }));
    expect(r.statusCode).toBe(401);
    expect(s.fake.requests).toHaveLength(0);
  });

  it('IAM unreachable → 502 upstream_error, never 200', async () => {
    s.fake.inject({ kind: 'status', status: 503 }, (q) => q.path.endsWith('/validate'), 10);
    const r = await get({}, { Token: f.AGENT_TOKEN });
    expect(r.statusCode).toBe(502);
    expect(r.json.error.code).toBe('upstream_error');
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('IAM unreachable (connection refused): the message names IAM and says nothing of a change', async () => {
    const port = f.REFUSED_PORT;
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(s.baseUrl, { TWILIO_IAM_BASE_URL: `http://127.0.0.1:${port}` }));
    expect(r.statusCode).toBe(502);
    expect(r.json.error.message).toBe('could not reach Twilio IAM (ECONNREFUSED)');
  });

  it('IAM answering garbage → 502 upstream_error', async () => {
    s.fake.inject({ kind: 'not-json' }, (q) => q.path.endsWith('/validate'));
    const r = await get({}, { Token: f.AGENT_TOKEN });
    expect(r.statusCode).toBe(502);
  });

  it('IAM hanging → 504 upstream_timeout within the deadline, saying it was IAM and not a change', async () => {
    s.fake.inject({ kind: 'delay', ms: 5000 }, (q) => q.path.endsWith('/validate'), 100);
    const started = Date.now();
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(s.baseUrl, { IAM_TIMEOUT_MS: '300', REQUEST_DEADLINE_MS: '1000' }));
    expect(r.statusCode).toBe(504);
    expect(r.json.error.code).toBe('upstream_timeout');
    expect(r.json.error.message).toBe('Twilio IAM did not answer in time');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('IAM hanging once: validation changes nothing, so it is asked again and the read succeeds', async () => {
    s.fake.inject({ kind: 'delay', ms: 5000 }, (q) => q.path.endsWith('/validate'));
    const r = await get({}, { Token: f.AGENT_TOKEN }, settings(s.baseUrl, { IAM_TIMEOUT_MS: '300' }));
    expect(r.statusCode).toBe(200);
    expect(s.fake.iamRequests()).toHaveLength(2);
  });

  it('hands the validated identity to the handler', async () => {
    const caller = await authenticate(
      { headers: { authorization: `Bearer ${f.AGENT_TOKEN}` }, params: {}, path: '/get-channel' },
      { ...(await import('../../src/config')).loadConfig(settings(s.baseUrl) as any) },
    );
    expect(caller).toMatchObject({ kind: 'flex-token', identity: 'alice', roles: ['agent'], workerSid: f.AGENT_WORKER });
  });
});

describe('Twilio signature', () => {
  it('a valid X-Twilio-Signature over the POSTed parameters passes', async () => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params) });
    expect(r.statusCode).toBe(200);
    expect(s.fake.iamRequests()).toHaveLength(0);
  });

  it('a signature over other parameters → 401', async () => {
    const r = await get({ 'x-twilio-signature': sign('/get-channel', { interactionSid: s.interactionSid, channelSid: s.otherChannelSid }) });
    expect(r.statusCode).toBe(401);
    expect(s.fake.requests).toHaveLength(0);
  });

  it('a signature for another path → 401', async () => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/close-channel', params) });
    expect(r.statusCode).toBe(401);
  });

  it('a signature made with another auth token → 401', async () => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params, 'e'.repeat(32)) });
    expect(r.statusCode).toBe(401);
  });

  it('switched off → 401 even when valid', async () => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params) }, {}, settings(s.baseUrl, { AUTH_TWILIO_SIGNATURE: 'false' }));
    expect(r.statusCode).toBe(401);
  });

  it('a GET webhook: the signature covers the URL with its query string', async () => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    const url = `https://${DOMAIN}/get-channel?${new URLSearchParams(params).toString()}`;
    const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url, {});
    const r = await invoke(getChannel, env, { path: '/get-channel', method: 'GET', params, headers: { 'x-twilio-signature': signature } });
    expect(r.statusCode).toBe(200);
  });
});

describe('a signed request means exactly what was signed', () => {
  const close = (params: Record<string, string>, signature: string) =>
    invoke(closeChannel, env, { path: '/close-channel', params, headers: { 'x-twilio-signature': signature } });

  it('the signature of "set inactive" cannot be replayed as a full close (statusinactive=)', async () => {
    const signed = { interactionSid: s.interactionSid, channelSid: s.channelSid, status: 'inactive', routing: '{"status":"closed"}' };
    const signature = sign('/close-channel', signed);
    const forged = { interactionSid: s.interactionSid, channelSid: s.channelSid, routing: '{"status":"closed"}', statusinactive: '' };
    // Both sets concatenate to the same string, so the signature fits both:
    expect(sign('/close-channel', forged)).toBe(signature);
    const r = await close(forged, signature);
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details).toEqual([{ field: 'statusinactive', message: expect.stringContaining('may carry only this function') }]);
    expect(s.fake.apiRequests()).toHaveLength(0);
    // The request as signed still works.
    expect((await close(signed, signature)).statusCode).toBe(200);
  });

  it('a close with routing cannot be replayed without it (routing{…}= with an empty value)', async () => {
    const signed = { interactionSid: s.interactionSid, channelSid: s.channelSid, routing: '{"status":"closed"}' };
    const signature = sign('/close-channel', signed);
    const forged = { interactionSid: s.interactionSid, channelSid: s.channelSid, 'routing{"status":"closed"}': '' };
    expect(sign('/close-channel', forged)).toBe(signature);
    expect((await close(forged, signature)).statusCode).toBe(400);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('an empty value of our own parameter is refused, not read as absent', async () => {
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid, status: '' };
    const r = await close(params, sign('/close-channel', params));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0]).toMatchObject({ field: 'status', message: 'status must not be empty in a request signed by Twilio' });
  });

  it.each(['__proto__', 'Token', 'FlowSid'])('a signed but unused parameter (%s) is refused', async (extra) => {
    const params: Record<string, string> = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    Object.defineProperty(params, extra, { value: 'x', enumerable: true });
    const r = await close(params, sign('/close-channel', params));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe(extra);
  });

  it("PascalCase aliases are this function's own parameters", async () => {
    const params = { InteractionSid: s.interactionSid, ChannelSid: s.channelSid, Status: 'closed' };
    expect((await close(params, sign('/close-channel', params))).statusCode).toBe(200);
  });

  it('Flex-token and Basic callers keep the lenient rule: unknown parameters ignored', async () => {
    const r = await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid, FlowSid: 'FW1', status: '' },
      headers: { authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) },
    });
    expect(r.statusCode).toBe(200);
  });
});

describe('API keys of the account (Basic SK…:secret), for your own servers', () => {
  const key = { authorization: f.basic(f.CALLER_KEY, f.CALLER_SECRET) };
  const queueChecks = () => s.fake.requests.filter((q) => q.path.endsWith('/Queues.json'));
  beforeEach(() => s.fake.callerKeys.set(f.CALLER_KEY, f.CALLER_SECRET));

  it('a live key is checked with Twilio once, then cached: two requests, one check', async () => {
    expect((await get(key)).statusCode).toBe(200);
    expect((await get(key)).statusCode).toBe(200);
    expect(queueChecks()).toHaveLength(1);
    expect(queueChecks()[0]).toMatchObject({
      method: 'GET',
      path: `/2010-04-01/Accounts/${f.ACCOUNT_SID}/Queues.json`,
      basicUser: f.CALLER_KEY,
      query: { PageSize: '1' },
    });
    expect(s.fake.iamRequests()).toHaveLength(0);
  });

  it('a wrong secret is a 401', async () => {
    expect((await get({ authorization: f.basic(f.CALLER_KEY, 'WrongSecret0123456789abcdefABCDE') })).statusCode).toBe(401);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it.each([
    ['a secret of the wrong shape', f.CALLER_KEY, 'short'],
    ['a SID of the wrong shape', 'SK123', f.CALLER_SECRET],
  ])('%s is refused without asking Twilio', async (_name, user, password) => {
    expect((await get({ authorization: f.basic(user, password) })).statusCode).toBe(401);
    expect(s.fake.requests).toHaveLength(0);
  });

  it('revoking the key revokes the caller once the cache lifetime has passed (0 here)', async () => {
    const noCache = settings(s.baseUrl, { TOKEN_CACHE_MAX_TTL_MS: '0' });
    expect((await get(key, {}, noCache)).statusCode).toBe(200);
    s.fake.callerKeys.delete(f.CALLER_KEY);
    expect((await get(key, {}, noCache)).statusCode).toBe(401);
  });

  it('Twilio failing while checking is a 502, never an allow', async () => {
    s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/Queues.json'), 10);
    const r = await get(key, {}, settings(s.baseUrl, { TOKEN_CACHE_MAX_TTL_MS: '0' }));
    expect(r.statusCode).toBe(502);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('switched off (AUTH_API_KEYS=false): 401 without asking Twilio', async () => {
    expect((await get(key, {}, settings(s.baseUrl, { AUTH_API_KEYS: 'false' }))).statusCode).toBe(401);
    expect(s.fake.requests).toHaveLength(0);
  });

  it('a key caller acts as the account: it may close any channel', async () => {
    const r = await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: key,
    });
    expect(r.statusCode).toBe(200);
  });
});

describe('each switch holds even when another credential gets the request past the first gate', () => {
  it('AUTH_ACCOUNT_CREDENTIALS=false: valid account credentials are not accepted, though a (bad) Flex token was also sent', async () => {
    const off = settings(s.baseUrl, { AUTH_ACCOUNT_CREDENTIALS: 'false' });
    const r = await get({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }, { Token: f.flexToken('unknown') }, off);
    expect(r.statusCode).toBe(401);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('AUTH_TWILIO_SIGNATURE=false: a valid signature is not accepted, though a (bad) Flex token was also sent', async () => {
    const off = settings(s.baseUrl, { AUTH_TWILIO_SIGNATURE: 'false' });
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid, Token: f.flexToken('unknown') };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params) }, { Token: params.Token }, off);
    expect(r.statusCode).toBe(401);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('AUTH_FLEX_TOKEN=false: a valid Flex token is not accepted, though Basic was also sent', async () => {
    const off = settings(s.baseUrl, { AUTH_FLEX_TOKEN: 'false' });
    const r = await get({ authorization: f.basic(f.ACCOUNT_SID, 'e'.repeat(32)) }, { Token: f.AGENT_TOKEN }, off);
    expect(r.statusCode).toBe(401);
    expect(s.fake.iamRequests()).toHaveLength(0);
  });
});

describe('what IAM answers', () => {
  const iam = (q: { path: string }) => q.path.endsWith('/validate');

  it('valid: true with an expiration already past is not valid', async () => {
    s.fake.inject(
      {
        kind: 'answer',
        status: 200,
        body: { valid: true, expiration: new Date(Date.now() - 1000).toISOString(), identity: 'x', roles: ['agent'], worker_sid: f.AGENT_WORKER },
      },
      iam,
    );
    expect((await get({ authorization: `Bearer ${f.AGENT_TOKEN}` })).statusCode).toBe(401);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it.each([401, 403])('IAM refusing our own credentials (%i) is a 500 misconfigured, naming no secret', async (status) => {
    s.fake.inject({ kind: 'status', status, code: 20003, message: 'Authenticate' }, iam);
    const r = await get({ authorization: `Bearer ${f.AGENT_TOKEN}` });
    expect(r.statusCode).toBe(500);
    expect(r.json.error).toMatchObject({ code: 'misconfigured', message: 'Twilio IAM refused the credentials this function is configured with' });
  });

  it('an IAM 4xx with an error body is IAM saying no: 401', async () => {
    s.fake.inject({ kind: 'status', status: 400, code: 20101, message: 'Invalid Access Token' }, iam);
    expect((await get({ authorization: `Bearer ${f.AGENT_TOKEN}` })).statusCode).toBe(401);
  });

  it('an IAM 4xx whose body says valid is still no', async () => {
    s.fake.inject({ kind: 'answer', status: 400, body: { valid: true, identity: 'x', roles: ['agent'] } }, iam);
    expect((await get({ authorization: `Bearer ${f.AGENT_TOKEN}` })).statusCode).toBe(401);
  });
});

describe('account credentials (Basic)', () => {
  it('ACCOUNT_SID:AUTH_TOKEN passes', async () => {
    expect((await get({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) })).statusCode).toBe(200);
  });

  it.each([
    ['a wrong token', f.basic(f.ACCOUNT_SID, 'e'.repeat(32))],
    ['a wrong account SID', f.basic(`AC${'9'.repeat(32)}`, f.AUTH_TOKEN)],
    ['the API key', f.basic(f.API_KEY, f.API_SECRET)],
    ['no password', f.basic(f.ACCOUNT_SID, '')],
    ['not base64', 'Basic !!!'],
    ['no colon', `Basic ${Buffer.from(f.ACCOUNT_SID).toString('base64')}`],
  ])('%s → 401, nothing sent', async (_name, authorization) => {
    const r = await get({ authorization });
    expect(r.statusCode).toBe(401);
    expect(s.fake.requests).toHaveLength(0);
  });

  it('switched off → 401 even when valid', async () => {
    const r = await get({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }, {}, settings(s.baseUrl, { AUTH_ACCOUNT_CREDENTIALS: 'false' }));
    expect(r.statusCode).toBe(401);
  });
});

describe('no credentials', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['nothing', {}, {}],
    ['an empty Token', { Token: '' }, {}],
    ['an unknown scheme', {}, { authorization: 'Digest abc' }],
  ])('%s → 401 before anything else, even with bad parameters', async (_name, params, headers) => {
    const r = await invoke(closeChannel, env, { path: '/close-channel', params, headers });
    expect(r.statusCode).toBe(401);
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe('helpers', () => {
  it('parseBasic reads user and password, allowing colons in the password', () => {
    expect(parseBasic(f.basic('u', 'p:q'))).toEqual({ user: 'u', password: 'p:q' });
    expect(parseBasic('Bearer x')).toBeUndefined();
    expect(parseBasic(undefined)).toBeUndefined();
  });
});

describe('constant-time comparison of account credentials', () => {
  const crypto = require('node:crypto') as typeof import('node:crypto');

  it.each([
    ['right', f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN)],
    ['a wrong account SID', f.basic(`AC${'9'.repeat(32)}`, f.AUTH_TOKEN)],
    ['a wrong token', f.basic(f.ACCOUNT_SID, 'e'.repeat(32))],
    ['a short password', f.basic(f.ACCOUNT_SID, 'x')],
  ])('%s credentials cost exactly one fixed-length timingSafeEqual', async (_name, authorization) => {
    const spy = jest.spyOn(crypto, 'timingSafeEqual');
    await authenticate(
      { headers: { authorization }, params: {}, path: '/get-channel' },
      {
        ...(await import('../../src/config')).loadConfig(settings(s.baseUrl, { AUTH_FLEX_TOKEN: 'false', AUTH_TWILIO_SIGNATURE: 'false' }) as any),
      },
    ).catch(() => undefined);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]! as unknown as [Buffer, Buffer];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
  });
});

describe('reading credentials, exactly', () => {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  it.each<[string, string | undefined, { user: string; password: string } | undefined]>([
    ['Basic with one space', `Basic ${b64('u:p')}`, { user: 'u', password: 'p' }],
    ['Basic with spaces around', `basic   ${b64('u:p')}  `, { user: 'u', password: 'p' }],
    ['an empty user', `Basic ${b64(':p')}`, { user: '', password: 'p' }],
    ['a password with colons', `Basic ${b64('u:p:q')}`, { user: 'u', password: 'p:q' }],
    ['no colon', `Basic ${b64('up')}`, undefined],
    ['something before Basic', `xBasic ${b64('u:p')}`, undefined],
    ['something after the value', `Basic ${b64('u:p')} more`, undefined],
    ['no header', undefined, undefined],
  ])('Authorization: %s', (_label, header, expected) => {
    expect(parseBasic(header)).toEqual(expected);
  });

  it.each<[string, Record<string, string>, Record<string, unknown>, string | undefined]>([
    ['Bearer', { authorization: 'Bearer abc' }, {}, 'abc'],
    ['bearer with spaces around', { authorization: 'bearer   abc  ' }, {}, 'abc'],
    ['Bearer first, the parameter second', { authorization: 'Bearer abc' }, { Token: 'def' }, 'abc'],
    ['something before Bearer', { authorization: 'xBearer abc' }, {}, undefined],
    ['two words after Bearer', { authorization: 'Bearer abc def' }, {}, undefined],
    ['the Token parameter', {}, { Token: 'def' }, 'def'],
    ['an empty Token parameter', {}, { Token: '' }, undefined],
    ['a Token parameter that is not a string', {}, { Token: ['def'] }, undefined],
  ])('the Flex token from %s', (_label, headers, params, expected) => {
    expect(flexToken(headers, params)).toBe(expected);
  });

  it('whether a request presents any credential an enabled check could take (no network)', () => {
    const config = loadConfig(settings(s.baseUrl) as never);
    const off = (auth: Partial<typeof config.auth>) => ({ ...config, auth: { ...config.auth, ...auth } });
    const basicHeader = { authorization: `Basic ${b64('u:p')}` };
    const req = (headers: Record<string, string>, params: Record<string, unknown> = {}) => ({ headers, params, path: '/x' });
    expect(presentsCredentials(req(basicHeader), off({ accountCredentials: false }))).toBe(true);
    expect(presentsCredentials(req(basicHeader), off({ apiKeys: false }))).toBe(true);
    expect(presentsCredentials(req(basicHeader), off({ accountCredentials: false, apiKeys: false }))).toBe(false);
    expect(presentsCredentials(req({ authorization: `xBasic ${b64('u:p')}` }), config)).toBe(false);
    expect(presentsCredentials(req({ 'x-twilio-signature': 'abc' }), config)).toBe(true);
    expect(presentsCredentials(req({ 'x-twilio-signature': '' }), config)).toBe(false);
    expect(presentsCredentials(req({ 'x-twilio-signature': 'abc' }), off({ twilioSignature: false }))).toBe(false);
    expect(presentsCredentials(req({}, { Token: 't' }), config)).toBe(true);
    expect(presentsCredentials(req({}, { Token: 't' }), off({ flexToken: false }))).toBe(false);
    expect(presentsCredentials(req({}), config)).toBe(false);
  });

  it('says exactly who the caller is', async () => {
    const config = loadConfig(settings(s.baseUrl) as never);
    s.fake.callerKeys.set(f.CALLER_KEY, f.CALLER_SECRET);
    const req = (headers: Record<string, string>) => ({ headers, params: {}, path: '/get-channel' });
    expect(await authenticate(req({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }), config)).toEqual({ kind: 'account-credentials' });
    expect(await authenticate(req({ authorization: f.basic(f.CALLER_KEY, f.CALLER_SECRET) }), config)).toEqual({
      kind: 'api-key',
      sid: f.CALLER_KEY,
    });
  });

  it('with no auth token configured, account credentials and signatures never pass (not even "undefined")', async () => {
    const config = { ...loadConfig(settings(s.baseUrl) as never), authToken: undefined };
    const req = (headers: Record<string, string>) => ({ headers, params: { a: '1' }, path: '/get-channel' });
    await expect(authenticate(req({ authorization: f.basic(f.ACCOUNT_SID, 'undefined') }), config)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticate(req({ 'x-twilio-signature': sign('/get-channel', { a: '1' }) }), config)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
