/**
 * lib/api-key as a unit: which pairs may be API keys, where Twilio's REST API is for a region
 * and edge, and how a key is checked (one read of the account, answers mapped to valid, not
 * valid, or "could not check").
 */
import { ApiKeyValidator, mayBeApiKey, restApiBaseUrl } from '../../../src/credentials/api-key';
import { RateLimitedError, UpstreamError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
  s.fake.callerKeys.set(f.CALLER_KEY, f.CALLER_SECRET);
});
afterEach(async () => {
  await s.fake.stop();
});

/** The fake's record of the key checks (reads of the account's queues). */
const keyChecks = () => s.fake.requests.filter((r) => r.path.endsWith('/Queues.json'));

const validator = (options: Partial<ConstructorParameters<typeof ApiKeyValidator>[0]> = {}) =>
  new ApiKeyValidator({
    accountSid: f.ACCOUNT_SID,
    baseUrl: s.baseUrl,
    timeoutMs: 1000,
    fallbackDeadlineMs: 2000,
    maxTtlMs: 60_000,
    cacheSize: 10,
    maxConcurrent: 5,
    ...options,
  });

it('what may be an API key: SK and 32 hex digits, with a secret of exactly 32 letters and digits', () => {
  expect(mayBeApiKey(f.CALLER_KEY, f.CALLER_SECRET)).toBe(true);
  expect(mayBeApiKey(`x${f.CALLER_KEY}`, f.CALLER_SECRET)).toBe(false);
  expect(mayBeApiKey(`${f.CALLER_KEY}0`, f.CALLER_SECRET)).toBe(false);
  expect(mayBeApiKey(f.CALLER_KEY, `${f.CALLER_SECRET}x`)).toBe(false);
  expect(mayBeApiKey(f.CALLER_KEY, `-${f.CALLER_SECRET}`)).toBe(false);
  expect(mayBeApiKey(f.CALLER_KEY, f.CALLER_SECRET.slice(1))).toBe(false);
});

it.each<[string | undefined, string | undefined, string]>([
  [undefined, undefined, 'https://api.twilio.com'],
  ['ie1', undefined, 'https://api.ie1.twilio.com'],
  [undefined, 'dublin', 'https://api.dublin.us1.twilio.com'],
  ['ie1', 'dublin', 'https://api.dublin.ie1.twilio.com'],
])('region %s, edge %s: %s', (region, edge, url) => {
  expect(restApiBaseUrl(region, edge)).toBe(url);
});

it('a live key: one read of the account with the key, then cached', async () => {
  const v = validator();
  expect(await v.validate(f.CALLER_KEY, f.CALLER_SECRET)).toBe(true);
  expect(await v.validate(f.CALLER_KEY, f.CALLER_SECRET)).toBe(true);
  expect(keyChecks()).toEqual([
    expect.objectContaining({
      method: 'GET',
      path: `/2010-04-01/Accounts/${f.ACCOUNT_SID}/Queues.json`,
      query: { PageSize: '1' },
      basicUser: f.CALLER_KEY,
    }),
  ]);
});

it('a key Twilio refuses (401), or an account it cannot see (403, 404), is not valid', async () => {
  expect(await validator().validate(f.CALLER_KEY, 'WrongSecret0123456789abcdefABCDE'.slice(0, 32))).toBe(false);
  for (const status of [403, 404]) {
    s.fake.inject({ kind: 'status', status }, () => true, 1);
    expect(await validator().validate(f.CALLER_KEY, f.CALLER_SECRET)).toBe(false);
  }
});

it.each([300, 500])('any other answer (HTTP %i) means the key could not be checked', async (status) => {
  s.fake.inject({ kind: 'status', status }, () => true, 10);
  const err = await validator()
    .validate(f.CALLER_KEY, f.CALLER_SECRET)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as Error).message).toBe(`the Twilio REST API answered HTTP ${status} while checking an API key`);
});

it('Twilio unreachable: says which service', async () => {
  const err = await validator({ baseUrl: `http://127.0.0.1:${f.REFUSED_PORT}` })
    .validate(f.CALLER_KEY, f.CALLER_SECRET)
    .catch((e: unknown) => e);
  expect((err as Error).message).toBe('could not reach the Twilio REST API (ECONNREFUSED)');
});

it('beyond maxConcurrent checks at once: 429, saying what is busy', async () => {
  s.fake.inject({ kind: 'delay', ms: 200 }, () => true, 10);
  const v = validator({ maxConcurrent: 1 });
  const first = v.validate(f.CALLER_KEY, f.CALLER_SECRET);
  const second = await v.validate(`SK${'1'.repeat(32)}`, f.CALLER_SECRET).catch((e: unknown) => e);
  expect(second).toBeInstanceOf(RateLimitedError);
  expect((second as Error).message).toBe('too many API key checks are under way; retry shortly');
  expect(await first).toBe(true);
});

it('keys are cached by the pair: another secret for the same SID is asked again', async () => {
  const v = validator();
  await v.validate(f.CALLER_KEY, f.CALLER_SECRET);
  expect(await v.validate(f.CALLER_KEY, 'OtherSecret0123456789abcdefABCDE'.slice(0, 32))).toBe(false);
  expect(keyChecks()).toHaveLength(2);
});
