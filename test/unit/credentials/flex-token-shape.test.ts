/** What unauthenticated traffic can make the Flex token validator ask IAM, and a JWT's exp to the millisecond (FakeTwilio's IAM, a controllable clock). */
import { MAX_TOKEN_LENGTH, mayBeFlexToken } from '../../../src/credentials/flex-token';
import { INVALID_TTL_MS } from '../../../src/credentials/credential-cache';
import { RateLimitedError } from '../../../src/edge/errors';
import { validatorHarness } from '../../support/flex-token-harness';
import * as f from '../../support/fixtures';

const h = validatorHarness();

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
    const v = h.validator();
    expect(await v.validate('bogus')).toBeUndefined();
    expect(await v.validate(jws({ exp: Math.floor(h.now / 1000) - 60 }))).toBeUndefined();
    expect(h.s.fake.iamRequests()).toHaveLength(0);
  });

  it('never accepts on local inspection: a well-formed token IAM does not know is refused', async () => {
    const v = h.validator();
    expect(await v.validate(jws({ exp: Math.floor(h.now / 1000) + 600 }))).toBeUndefined();
    expect(h.s.fake.iamRequests()).toHaveLength(1);
  });

  it('keeps "not valid" answers apart: a flood of unknown tokens cannot evict a valid one', async () => {
    const v = h.validator({ cacheSize: 10 });
    await v.validate(f.AGENT_TOKEN);
    for (let i = 0; i < 50; i++) await v.validate(f.flexToken(`junk-${i}`));
    h.s.fake.clearRequests();
    expect(await v.validate(f.AGENT_TOKEN)).toMatchObject({ identity: 'alice' });
    expect(h.s.fake.iamRequests()).toHaveLength(0);
  });

  it('keeps a "not valid" answer for exactly its few seconds', async () => {
    const v = h.validator();
    const junk = f.flexToken('junk');
    await v.validate(junk);
    h.now += INVALID_TTL_MS - 1;
    await v.validate(junk);
    expect(h.s.fake.iamRequests()).toHaveLength(1);
    h.now += 1;
    await v.validate(junk);
    expect(h.s.fake.iamRequests()).toHaveLength(2);
    expect(INVALID_TTL_MS).toBe(5_000);
  });

  it('runs at most maxConcurrent validations at once; the next is a 429 with Retry-After, not a queue', async () => {
    const v = h.validator({ maxConcurrent: 3 });
    h.s.fake.inject({ kind: 'delay', ms: 300 }, (q) => q.path.endsWith('/validate'), 10);
    const slow = [1, 2, 3].map((i) => v.validate(f.flexToken(`slow-${i}`)));
    const refused = await v.validate(f.flexToken('one-too-many')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).headers['Retry-After']).toBe('1');
    expect((refused as RateLimitedError).message).toMatch(/too many Flex token validations/);
    // A token already being validated joins it; a cached one needs no slot at all.
    await Promise.all([...slow, v.validate(f.flexToken('slow-1'))]);
    expect(h.s.fake.iamRequests()).toHaveLength(3);
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
