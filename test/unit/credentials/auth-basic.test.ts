/**
 * Basic credentials as a way in: API keys of the account and the account's own credentials; each switch holding; no credentials at all.
 */
import { handler as closeChannel } from '../../../functions/close-channel';
import { authenticate } from '../../../src/credentials/auth';
import { invoke, settings } from '../../support/invoke';
import { ctx, get, sign, useSeededFake } from '../../support/auth-harness';
import * as f from '../../support/fixtures';

useSeededFake();

describe('API keys of the account (Basic SK…:secret), for your own servers', () => {
  const key = { authorization: f.basic(f.CALLER_KEY, f.CALLER_SECRET) };
  const queueChecks = () => ctx.s.fake.requests.filter((q) => q.path.endsWith('/Queues.json'));
  /** The settings with CALLER_KEY listed in API_KEY_CALLERS. */
  const listed = (extra: Record<string, string> = {}) => settings(ctx.s.baseUrl, { API_KEY_CALLERS: f.CALLER_KEY, ...extra });
  beforeEach(() => {
    ctx.s.fake.callerKeys.set(f.CALLER_KEY, f.CALLER_SECRET);
    ctx.env = listed();
  });

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
    expect(ctx.s.fake.iamRequests()).toHaveLength(0);
  });

  it('a live key of the account that API_KEY_CALLERS does not list is refused without asking Twilio', async () => {
    const other = `SK${'8f'.repeat(16)}`;
    ctx.s.fake.callerKeys.set(other, f.CALLER_SECRET);
    expect((await get({ authorization: f.basic(other, f.CALLER_SECRET) })).statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('with API_KEY_CALLERS empty (the default) no key gets in, and Twilio is not asked', async () => {
    expect((await get(key, {}, settings(ctx.s.baseUrl))).statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('a wrong secret is a 401', async () => {
    expect((await get({ authorization: f.basic(f.CALLER_KEY, 'WrongSecret0123456789abcdefABCDE') })).statusCode).toBe(401);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it.each([
    ['a secret of the wrong shape', f.CALLER_KEY, 'short'],
    ['a SID of the wrong shape', 'SK123', f.CALLER_SECRET],
  ])('%s is refused without asking Twilio', async (_name, user, password) => {
    expect((await get({ authorization: f.basic(user, password) })).statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('revoking the key revokes the caller once the cache lifetime has passed (0 here)', async () => {
    const noCache = listed({ TOKEN_CACHE_MAX_TTL_MS: '0' });
    expect((await get(key, {}, noCache)).statusCode).toBe(200);
    ctx.s.fake.callerKeys.delete(f.CALLER_KEY);
    expect((await get(key, {}, noCache)).statusCode).toBe(401);
  });

  it('Twilio failing while checking is a 502, never an allow', async () => {
    ctx.s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/Queues.json'), 10);
    const r = await get(key, {}, listed({ TOKEN_CACHE_MAX_TTL_MS: '0' }));
    expect(r.statusCode).toBe(502);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('switched off (AUTH_API_KEYS=false): 401 without asking Twilio', async () => {
    expect((await get(key, {}, listed({ AUTH_API_KEYS: 'false' }))).statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('a key caller acts as the account: it may close any channel', async () => {
    const r = await invoke(closeChannel, ctx.env, {
      path: '/close-channel',
      params: { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid },
      headers: key,
    });
    expect(r.statusCode).toBe(200);
  });
});

describe('each switch holds even when another credential gets the request past the first gate', () => {
  it('AUTH_ACCOUNT_CREDENTIALS=false: valid account credentials are not accepted, though a (bad) Flex token was also sent', async () => {
    const off = settings(ctx.s.baseUrl, { AUTH_ACCOUNT_CREDENTIALS: 'false' });
    const r = await get({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }, { Token: f.flexToken('unknown') }, off);
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('AUTH_TWILIO_SIGNATURE=false: a valid signature is not accepted, though a (bad) Flex token was also sent', async () => {
    const off = settings(ctx.s.baseUrl, { AUTH_TWILIO_SIGNATURE: 'false' });
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, Token: f.flexToken('unknown') };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params) }, { Token: params.Token }, off);
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('AUTH_FLEX_TOKEN=false: a valid Flex token is not accepted, though Basic was also sent', async () => {
    const off = settings(ctx.s.baseUrl, { AUTH_FLEX_TOKEN: 'false' });
    const r = await get({ authorization: f.basic(f.ACCOUNT_SID, 'e'.repeat(32)) }, { Token: f.AGENT_TOKEN }, off);
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.iamRequests()).toHaveLength(0);
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
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('switched off → 401 even when valid', async () => {
    const r = await get({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }, {}, settings(ctx.s.baseUrl, { AUTH_ACCOUNT_CREDENTIALS: 'false' }));
    expect(r.statusCode).toBe(401);
  });
});

describe('no credentials', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['nothing', {}, {}],
    ['an empty Token', { Token: '' }, {}],
    ['an unknown scheme', {}, { authorization: 'Digest abc' }],
  ])('%s → 401 before anything else, even with bad parameters', async (_name, params, headers) => {
    const r = await invoke(closeChannel, ctx.env, { path: '/close-channel', params, headers });
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
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
      { headers: { authorization }, params: {}, path: '/get-channel', method: 'POST' as const },
      {
        ...(await import('../../../src/config')).loadConfig(
          settings(ctx.s.baseUrl, { AUTH_FLEX_TOKEN: 'false', AUTH_TWILIO_SIGNATURE: 'false' }) as any,
        ),
      },
    ).catch(() => undefined);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]! as unknown as [Buffer, Buffer];
    expect(a.length).toBe(32);
    expect(b.length).toBe(32);
  });
});
