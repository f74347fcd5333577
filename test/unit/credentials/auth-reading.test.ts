/**
 * How credentials are read from a request, exactly (no network but the seeded fake for authenticate).
 */
import { authenticate, flexToken, parseBasic, presentsCredentials } from '../../../src/credentials/auth';
import { loadConfig } from '../../../src/config';
import { UnauthorizedError } from '../../../src/edge/errors';
import { settings } from '../../support/invoke';
import { ctx, sign, useSeededFake } from '../../support/auth-harness';
import * as f from '../../support/fixtures';

useSeededFake();

describe('helpers', () => {
  it('parseBasic reads user and password, allowing colons in the password', () => {
    expect(parseBasic(f.basic('u', 'p:q'))).toEqual({ user: 'u', password: 'p:q' });
    expect(parseBasic('Bearer x')).toBeUndefined();
    expect(parseBasic(undefined)).toBeUndefined();
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
    const config = loadConfig(settings(ctx.s.baseUrl, { API_KEY_CALLERS: f.CALLER_KEY }) as never);
    const off = (auth: Partial<typeof config.auth>) => ({ ...config, auth: { ...config.auth, ...auth } });
    const basicHeader = { authorization: `Basic ${b64('u:p')}` };
    const req = (headers: Record<string, string>, params: Record<string, unknown> = {}) => ({ headers, params, path: '/x', method: 'POST' as const });
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
    const config = loadConfig(settings(ctx.s.baseUrl, { API_KEY_CALLERS: f.CALLER_KEY }) as never);
    ctx.s.fake.callerKeys.set(f.CALLER_KEY, f.CALLER_SECRET);
    const req = (headers: Record<string, string>) => ({ headers, params: {}, path: '/get-channel', method: 'POST' as const });
    expect(await authenticate(req({ authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }), config)).toEqual({ kind: 'account-credentials' });
    expect(await authenticate(req({ authorization: f.basic(f.CALLER_KEY, f.CALLER_SECRET) }), config)).toEqual({
      kind: 'api-key',
      sid: f.CALLER_KEY,
    });
  });

  it('with no auth token configured, account credentials and signatures never pass (not even "undefined")', async () => {
    const config = { ...loadConfig(settings(ctx.s.baseUrl) as never), authToken: undefined };
    const req = (headers: Record<string, string>) => ({ headers, params: { a: '1' }, path: '/get-channel', method: 'POST' as const });
    await expect(authenticate(req({ authorization: f.basic(f.ACCOUNT_SID, 'undefined') }), config)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(authenticate(req({ 'x-twilio-signature': sign('/get-channel', { a: '1' }) }), config)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
