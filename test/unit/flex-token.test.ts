/**
 * The IAM validation cache against FakeTwilio's IAM over real HTTP, with a controllable clock.
 */
import { FlexTokenValidator, iamBaseUrl, MAX_TOKEN_LENGTH, mayBeFlexToken } from '../../src/credentials/flex-token';
import { hashCredential, INVALID_TTL_MS } from '../../src/credentials/credential-cache';
import { RateLimitedError, UpstreamError } from '../../src/edge/errors';
import { startSeededFake, type Seeded } from '../support/fake';
import * as f from '../support/fixtures';

let s: Seeded;
let now: number;

beforeEach(async () => {
  s = await startSeededFake();
  now = Date.now();
});
afterEach(async () => {
  await s.fake.stop();
});

function validator(options: Partial<ConstructorParameters<typeof FlexTokenValidator>[0]> = {}) {
  return new FlexTokenValidator({
    accountSid: f.ACCOUNT_SID,
    username: f.ACCOUNT_SID,
    password: f.AUTH_TOKEN,
    baseUrl: s.baseUrl,
    timeoutMs: 1000,
    fallbackDeadlineMs: 2000,
    maxTtlMs: 300_000,
    cacheSize: 100,
    maxConcurrent: 20,
    now: () => now,
    ...options,
  });
}

it('asks IAM once per token while the cached answer is fresh', async () => {
  const v = validator();
  for (let i = 0; i < 20; i++) expect(await v.validate(f.AGENT_TOKEN)).toMatchObject({ identity: 'alice', workerSid: f.AGENT_WORKER });
  expect(s.fake.iamRequests()).toHaveLength(1);
});

it('asks again once the lifetime cap has passed', async () => {
  const v = validator({ maxTtlMs: 60_000 });
  await v.validate(f.AGENT_TOKEN);
  now += 59_000;
  await v.validate(f.AGENT_TOKEN);
  expect(s.fake.iamRequests()).toHaveLength(1);
  now += 2_000;
  await v.validate(f.AGENT_TOKEN);
  expect(s.fake.iamRequests()).toHaveLength(2);
});

it('never keeps an answer past shortly before the token expires', async () => {
  s.fake.addToken(f.flexToken('short-lived'), { identity: 'x', expiration: new Date(now + 60_000).toISOString() });
  const v = validator({ maxTtlMs: 3_600_000 });
  await v.validate(f.flexToken('short-lived'));
  now += 25_000;
  await v.validate(f.flexToken('short-lived'));
  expect(s.fake.iamRequests()).toHaveLength(1);
  now += 10_000; // 35 s in: inside the 30 s margin before expiry
  await v.validate(f.flexToken('short-lived'));
  expect(s.fake.iamRequests()).toHaveLength(2);
});

it('the margin before expiry is exactly 30 s: kept until then, asked again from then on', async () => {
  const token = f.flexToken('margin-edge');
  s.fake.addToken(token, { identity: 'x', expiration: new Date(now + 60_000).toISOString() });
  const v = validator({ maxTtlMs: 3_600_000 });
  const start = now;
  await v.validate(token);
  now = start + 30_000 - 1;
  await v.validate(token);
  expect(s.fake.iamRequests()).toHaveLength(1);
  now = start + 30_000;
  await v.validate(token);
  expect(s.fake.iamRequests()).toHaveLength(2);
});

it('keeps a "not valid" answer for a few seconds only', async () => {
  const v = validator();
  expect(await v.validate(f.flexToken('bogus'))).toBeUndefined();
  expect(await v.validate(f.flexToken('bogus'))).toBeUndefined();
  expect(s.fake.iamRequests()).toHaveLength(1);
  now += 6_000;
  await v.validate(f.flexToken('bogus'));
  expect(s.fake.iamRequests()).toHaveLength(2);
});

it('does not cache an IAM failure', async () => {
  const v = validator();
  s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/validate'));
  await expect(v.validate(f.AGENT_TOKEN)).rejects.toBeInstanceOf(UpstreamError);
  expect(await v.validate(f.AGENT_TOKEN)).toMatchObject({ identity: 'alice' });
  expect(s.fake.iamRequests()).toHaveLength(2);
});

it('shares one validation among concurrent first calls', async () => {
  const v = validator();
  s.fake.inject({ kind: 'delay', ms: 100 }, (q) => q.path.endsWith('/validate'));
  const results = await Promise.all(Array.from({ length: 25 }, () => v.validate(f.AGENT_TOKEN)));
  expect(results.every((r) => r?.identity === 'alice')).toBe(true);
  expect(s.fake.iamRequests()).toHaveLength(1);
});

it('is bounded in size, dropping the least recently used', async () => {
  const v = validator({ cacheSize: 3 });
  for (const t of ['t1', 't2', 't3', 't4']) s.fake.addToken(f.flexToken(t), { identity: t });
  await v.validate(f.flexToken('t1'));
  await v.validate(f.flexToken('t2'));
  await v.validate(f.flexToken('t3'));
  await v.validate(f.flexToken('t1')); // t1 is now the most recently used
  await v.validate(f.flexToken('t4')); // evicts t2
  s.fake.clearRequests();
  await v.validate(f.flexToken('t1'));
  await v.validate(f.flexToken('t3'));
  await v.validate(f.flexToken('t4'));
  expect(s.fake.iamRequests()).toHaveLength(0);
  await v.validate(f.flexToken('t2'));
  expect(s.fake.iamRequests()).toHaveLength(1);
});

it('with a size of 0, caches nothing', async () => {
  const v = validator({ cacheSize: 0 });
  await v.validate(f.AGENT_TOKEN);
  await v.validate(f.AGENT_TOKEN);
  expect(s.fake.iamRequests()).toHaveLength(2);
});

it('keys the cache by a hash, never the token', () => {
  const h = hashCredential(f.AGENT_TOKEN);
  expect(h).not.toContain(f.AGENT_TOKEN);
  expect(h).toHaveLength(43);
});

it('picks the IAM realm from the region as Flex does', () => {
  expect(iamBaseUrl(undefined)).toBe('https://iam.twilio.com');
  expect(iamBaseUrl('ie1')).toBe('https://iam.twilio.com');
  expect(iamBaseUrl('stage-us1')).toBe('https://iam.stage.twilio.com');
  expect(iamBaseUrl('dev-us1')).toBe('https://iam.dev.twilio.com');
});

describe('one per warm container', () => {
  it('the Twilio client and the token validator are built once for the same settings', async () => {
    const { loadConfig } = await import('../../src/config');
    const { twilioClient } = await import('../../src/twilio/client');
    const { flexTokenValidator } = await import('../../src/credentials/flex-token');
    const config = loadConfig({ ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, TWILIO_API_BASE_URL: s.baseUrl } as never);
    expect(twilioClient(config)).toBe(twilioClient({ ...config }));
    expect(flexTokenValidator(config)).toBe(flexTokenValidator({ ...config }));
    const other = loadConfig({ ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: 'e'.repeat(32), TWILIO_API_BASE_URL: s.baseUrl } as never);
    expect(twilioClient(other)).not.toBe(twilioClient(config));
  });
});

describe('what unauthenticated traffic can make us ask IAM', () => {
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const jws = (payload: object) => `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}.${b64('signature')}`;

  it.each([
    ['a JWE (compact, alg dir)', f.AGENT_TOKEN, true],
    ['a JWE with an encrypted key', `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.${b64('key')}.${b64('iv')}.${b64('ct')}.${b64('tag')}`, true],
    ['a signed JWT that has not expired', jws({ exp: Math.floor(Date.now() / 1000) + 600 }), true],
    ['a signed JWT with no exp', jws({ sub: 'x' }), true],
    ['a signed JWT whose exp has passed', jws({ exp: Math.floor(Date.now() / 1000) - 1 }), false],
    ['a word', 'bogus', false],
    ['three words', 'a.b.c', false],
    ['a JWE header without enc', `${b64({ alg: 'dir' })}..${b64('iv')}.${b64('ct')}.${b64('tag')}`, false],
    ['a JWE with an empty ciphertext', `${b64({ alg: 'dir', enc: 'A256GCM' })}..${b64('iv')}..${b64('tag')}`, false],
    ['a header that is not JSON', `${b64('not json')}..${b64('iv')}.${b64('ct')}.${b64('tag')}`, false],
    ['a header that is a JSON array', `${b64([1])}.${b64({})}.${b64('s')}`, false],
    ['characters outside base64url', `${b64({ alg: 'dir', enc: 'A256GCM' })}..${b64('iv')}.c+t/.${b64('tag')}`, false],
    ['four parts', `${b64({ alg: 'dir', enc: 'A256GCM' })}.${b64('a')}.${b64('b')}.${b64('c')}`, false],
    ['over 8 KiB', `${f.AGENT_TOKEN}${'A'.repeat(MAX_TOKEN_LENGTH)}`, false],
    ['a header that is JSON null', `${b64('null')}..${b64('iv')}.${b64('ct')}.${b64('tag')}`, false],
    ['a header that is a JSON string', `${b64('"x"')}..${b64('iv')}.${b64('ct')}.${b64('tag')}`, false],
    ['a header with base64 padding', `${b64({ alg: 'dir', enc: 'A256GCM' })}=..${b64('iv')}.${b64('ct')}.${b64('tag')}`, false],
    ['a header whose alg is not a string', `${b64({ alg: 5, enc: 'A256GCM' })}..${b64('iv')}.${b64('ct')}.${b64('tag')}`, false],
    ['a JWE with an empty IV', `${b64({ alg: 'dir', enc: 'A256GCM' })}...${b64('ct')}.${b64('tag')}`, false],
    ['a JWE with an empty tag', `${b64({ alg: 'dir', enc: 'A256GCM' })}..${b64('iv')}.${b64('ct')}.`, false],
    ['a JWT whose payload is not JSON', `${b64({ alg: 'HS256' })}.${b64('nope')}.${b64('s')}`, false],
    ['a JWT whose signature is not base64url', `${b64({ alg: 'HS256' })}.${b64({ sub: 'x' })}.a+b/`, false],
    ['a JWT whose exp is not a number', jws({ exp: '1' }), true],
    ['four parts that would read as a JWT', `${b64({ alg: 'HS256' })}.${b64({})}.${b64('s')}.${b64('t')}`, false],
  ])('%s → %s', (_name, token, expected) => {
    expect(mayBeFlexToken(token, Date.now())).toBe(expected);
  });

  it('a token of exactly 8 KiB is still looked at; one more character is not', () => {
    const base = f.AGENT_TOKEN;
    const padded = `${base}${'A'.repeat(MAX_TOKEN_LENGTH - base.length)}`;
    expect(padded).toHaveLength(MAX_TOKEN_LENGTH);
    expect(mayBeFlexToken(padded, Date.now())).toBe(true);
    expect(mayBeFlexToken(`${padded}A`, Date.now())).toBe(false);
  });

  it('refuses what is not a Flex token, or a signed one past its exp, without asking IAM', async () => {
    const v = validator();
    expect(await v.validate('bogus')).toBeUndefined();
    expect(await v.validate(jws({ exp: Math.floor(now / 1000) - 60 }))).toBeUndefined();
    expect(s.fake.iamRequests()).toHaveLength(0);
  });

  it('never accepts on local inspection: a well-formed token IAM does not know is refused', async () => {
    const v = validator();
    expect(await v.validate(jws({ exp: Math.floor(now / 1000) + 600 }))).toBeUndefined();
    expect(s.fake.iamRequests()).toHaveLength(1);
  });

  it('keeps "not valid" answers apart: a flood of unknown tokens cannot evict a valid one', async () => {
    const v = validator({ cacheSize: 10 });
    await v.validate(f.AGENT_TOKEN);
    for (let i = 0; i < 50; i++) await v.validate(f.flexToken(`junk-${i}`));
    s.fake.clearRequests();
    expect(await v.validate(f.AGENT_TOKEN)).toMatchObject({ identity: 'alice' });
    expect(s.fake.iamRequests()).toHaveLength(0);
  });

  it('keeps a "not valid" answer for exactly its few seconds', async () => {
    const v = validator();
    const junk = f.flexToken('junk');
    await v.validate(junk);
    now += INVALID_TTL_MS - 1;
    await v.validate(junk);
    expect(s.fake.iamRequests()).toHaveLength(1);
    now += 1;
    await v.validate(junk);
    expect(s.fake.iamRequests()).toHaveLength(2);
    expect(INVALID_TTL_MS).toBe(5_000);
  });

  it('runs at most maxConcurrent validations at once; the next is a 429 with Retry-After, not a queue', async () => {
    const v = validator({ maxConcurrent: 3 });
    s.fake.inject({ kind: 'delay', ms: 300 }, (q) => q.path.endsWith('/validate'), 10);
    const slow = [1, 2, 3].map((i) => v.validate(f.flexToken(`slow-${i}`)));
    const refused = await v.validate(f.flexToken('one-too-many')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).headers['Retry-After']).toBe('1');
    expect((refused as RateLimitedError).message).toMatch(/too many Flex token validations/);
    // A token already being validated joins it; a cached one needs no slot at all.
    await Promise.all([...slow, v.validate(f.flexToken('slow-1'))]);
    expect(s.fake.iamRequests()).toHaveLength(3);
    expect(await v.validate(f.flexToken('another'))).toBeUndefined();
  });
});

describe("the edges of a JWT's exp, to the millisecond", () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = `${b64({ alg: 'HS256' })}.${b64({ exp: 1000 })}.${b64('s')}`;
  it('refused from the second it names, accepted the millisecond before', () => {
    expect(mayBeFlexToken(token, 1_000_000)).toBe(false);
    expect(mayBeFlexToken(token, 999_999)).toBe(true);
  });
});

describe("IAM's answers, exactly", () => {
  const iam = (q: { path: string }) => q.path.endsWith('/Tokens/validate');

  it('5xx: upstream_error naming the status', async () => {
    s.fake.inject({ kind: 'status', status: 500 }, iam, 10);
    const err = await validator()
      .validate(f.AGENT_TOKEN)
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('Twilio IAM answered HTTP 500');
  });

  it('a 200 that is not JSON, or JSON of another shape: unreadable, not "not valid"', async () => {
    s.fake.inject({ kind: 'not-json', status: 200 }, iam, 1);
    const notJson = await validator()
      .validate(f.AGENT_TOKEN)
      .catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(UpstreamError);
    expect((notJson as Error).message).toBe('Twilio IAM answered with something unreadable');
    s.fake.inject({ kind: 'answer', status: 200, body: { verdict: 'yes' } }, iam, 1);
    const otherShape = await validator()
      .validate(f.AGENT_TOKEN)
      .catch((e: unknown) => e);
    expect((otherShape as Error).message).toBe('Twilio IAM answered with something unreadable');
  });

  it('valid, with an expiration exactly now: not valid', async () => {
    s.fake.inject(
      { kind: 'answer', status: 200, body: { valid: true, identity: 'x', roles: ['agent'], expiration: new Date(now).toISOString() } },
      iam,
      1,
    );
    expect(await validator().validate(f.AGENT_TOKEN)).toBeUndefined();
  });

  it('valid, with an expiration that is not a date: valid, kept for the cache lifetime only', async () => {
    s.fake.inject({ kind: 'answer', status: 200, body: { valid: true, identity: 'x', roles: ['agent'], expiration: 'soon' } }, iam, 1);
    const v = validator({ maxTtlMs: 60_000 });
    expect(await v.validate(f.AGENT_TOKEN)).toEqual({ identity: 'x', roles: ['agent'], workerSid: undefined, expiresAt: undefined });
    now += 59_999;
    await v.validate(f.AGENT_TOKEN);
    expect(s.fake.iamRequests()).toHaveLength(1);
    now += 1;
    await v.validate(f.AGENT_TOKEN);
    expect(s.fake.iamRequests()).toHaveLength(2);
  });

  it('valid with nothing else said: no identity, no roles, no worker', async () => {
    s.fake.inject({ kind: 'answer', status: 200, body: { valid: true } }, iam, 1);
    expect(await validator().validate(f.AGENT_TOKEN)).toEqual({ identity: '', roles: [], workerSid: undefined, expiresAt: undefined });
  });

  it('counts what it asks IAM', async () => {
    const v = validator();
    await v.validate(f.AGENT_TOKEN);
    await v.validate(f.flexToken('someone-else'));
    expect(s.fake.iamRequests()).toHaveLength(2);
  });
});
