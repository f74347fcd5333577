/** The Flex token validator's cache against FakeTwilio's IAM over real HTTP, with a controllable clock. */
import { iamBaseUrl } from '../../../src/credentials/flex-token';
import { createHash } from 'node:crypto';
import { hashCredential } from '../../../src/credentials/credential-cache';
import { UpstreamError } from '../../../src/edge/errors';
import { validatorHarness } from '../../support/flex-token-harness';
import * as f from '../../support/fixtures';

const h = validatorHarness();

it('asks IAM once per token while the cached answer is fresh', async () => {
  const v = h.validator();
  for (let i = 0; i < 20; i++) expect(await v.validate(f.AGENT_TOKEN)).toMatchObject({ identity: 'alice', workerSid: f.AGENT_WORKER });
  expect(h.s.fake.iamRequests()).toHaveLength(1);
});

it('asks again once the lifetime cap has passed', async () => {
  const v = h.validator({ maxTtlMs: 60_000 });
  await v.validate(f.AGENT_TOKEN);
  h.now += 59_000;
  await v.validate(f.AGENT_TOKEN);
  expect(h.s.fake.iamRequests()).toHaveLength(1);
  h.now += 2_000;
  await v.validate(f.AGENT_TOKEN);
  expect(h.s.fake.iamRequests()).toHaveLength(2);
});

it('never keeps an answer past shortly before the token expires', async () => {
  h.s.fake.addToken(f.flexToken('short-lived'), { identity: 'x', expiration: new Date(h.now + 60_000).toISOString() });
  const v = h.validator({ maxTtlMs: 3_600_000 });
  await v.validate(f.flexToken('short-lived'));
  h.now += 25_000;
  await v.validate(f.flexToken('short-lived'));
  expect(h.s.fake.iamRequests()).toHaveLength(1);
  h.now += 10_000; // 35 s in: inside the 30 s margin before expiry
  await v.validate(f.flexToken('short-lived'));
  expect(h.s.fake.iamRequests()).toHaveLength(2);
});

it('the margin before expiry is exactly 30 s: kept until then, asked again from then on', async () => {
  const token = f.flexToken('margin-edge');
  h.s.fake.addToken(token, { identity: 'x', expiration: new Date(h.now + 60_000).toISOString() });
  const v = h.validator({ maxTtlMs: 3_600_000 });
  const start = h.now;
  await v.validate(token);
  h.now = start + 30_000 - 1;
  await v.validate(token);
  expect(h.s.fake.iamRequests()).toHaveLength(1);
  h.now = start + 30_000;
  await v.validate(token);
  expect(h.s.fake.iamRequests()).toHaveLength(2);
});

it('keeps a "not valid" answer for a few seconds only', async () => {
  const v = h.validator();
  expect(await v.validate(f.flexToken('bogus'))).toBeUndefined();
  expect(await v.validate(f.flexToken('bogus'))).toBeUndefined();
  expect(h.s.fake.iamRequests()).toHaveLength(1);
  h.now += 6_000;
  await v.validate(f.flexToken('bogus'));
  expect(h.s.fake.iamRequests()).toHaveLength(2);
});

it('does not cache an IAM failure', async () => {
  const v = h.validator();
  h.s.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/validate'));
  await expect(v.validate(f.AGENT_TOKEN)).rejects.toBeInstanceOf(UpstreamError);
  expect(await v.validate(f.AGENT_TOKEN)).toMatchObject({ identity: 'alice' });
  expect(h.s.fake.iamRequests()).toHaveLength(2);
});

it('shares one validation among concurrent first calls', async () => {
  const v = h.validator();
  h.s.fake.inject({ kind: 'delay', ms: 100 }, (q) => q.path.endsWith('/validate'));
  const results = await Promise.all(Array.from({ length: 25 }, () => v.validate(f.AGENT_TOKEN)));
  expect(results.every((r) => r?.identity === 'alice')).toBe(true);
  expect(h.s.fake.iamRequests()).toHaveLength(1);
});

it('is bounded in size, dropping the least recently used', async () => {
  const v = h.validator({ cacheSize: 3 });
  for (const t of ['t1', 't2', 't3', 't4']) h.s.fake.addToken(f.flexToken(t), { identity: t });
  await v.validate(f.flexToken('t1'));
  await v.validate(f.flexToken('t2'));
  await v.validate(f.flexToken('t3'));
  await v.validate(f.flexToken('t1')); // t1 is h.now the most recently used
  await v.validate(f.flexToken('t4')); // evicts t2
  h.s.fake.clearRequests();
  await v.validate(f.flexToken('t1'));
  await v.validate(f.flexToken('t3'));
  await v.validate(f.flexToken('t4'));
  expect(h.s.fake.iamRequests()).toHaveLength(0);
  await v.validate(f.flexToken('t2'));
  expect(h.s.fake.iamRequests()).toHaveLength(1);
});

it('with a size of 0, caches nothing', async () => {
  const v = h.validator({ cacheSize: 0 });
  await v.validate(f.AGENT_TOKEN);
  await v.validate(f.AGENT_TOKEN);
  expect(h.s.fake.iamRequests()).toHaveLength(2);
});

it('keys the cache by a hash, never the token', () => {
  const h = hashCredential(f.AGENT_TOKEN);
  expect(h).not.toContain(f.AGENT_TOKEN);
  expect(h).toHaveLength(43);
  // crypto.hash where Node has it, createHash where it does not: one digest either way.
  expect(h).toBe(createHash('sha256').update(f.AGENT_TOKEN).digest('base64url'));
});

it('picks the IAM realm from the region as Flex does', () => {
  expect(iamBaseUrl(undefined)).toBe('https://iam.twilio.com');
  expect(iamBaseUrl('ie1')).toBe('https://iam.twilio.com');
  expect(iamBaseUrl('stage-us1')).toBe('https://iam.stage.twilio.com');
  expect(iamBaseUrl('dev-us1')).toBe('https://iam.dev.twilio.com');
});

describe('one per warm container', () => {
  it('the Twilio client and the token validator are built once for the same settings', async () => {
    const { loadConfig } = await import('../../../src/config');
    const { twilioClient } = await import('../../../src/twilio/client');
    const { flexTokenValidator } = await import('../../../src/credentials/flex-token');
    const config = loadConfig({ ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, TWILIO_API_BASE_URL: h.s.baseUrl } as never);
    expect(twilioClient(config)).toBe(twilioClient({ ...config }));
    expect(flexTokenValidator(config)).toBe(flexTokenValidator({ ...config }));
    const other = loadConfig({ ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: 'e'.repeat(32), TWILIO_API_BASE_URL: h.s.baseUrl } as never);
    expect(twilioClient(other)).not.toBe(twilioClient(config));
  });
});
