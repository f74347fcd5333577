/** The transport to Twilio: what it retries, when it gives up, and what it says then. */
/**
 * The transport against FakeTwilio on loopback: what it retries, what it gives up on, and
 * that the request's deadline bounds it all.
 */
import { Transport } from '../../../src/twilio/transport';
import { Deadline } from '../../../src/twilio/deadline';
import { RateLimitedError, UpstreamError, UpstreamTimeoutError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';
import { captured } from '../../support/capture-logs';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const transport = (callTimeoutMs = 2000, baseUrl = s.baseUrl, readOnly = false) =>
  new Transport({ service: 'the Twilio REST API', readOnly, callTimeoutMs, fallbackDeadlineMs: 3000, baseUrl, sleep: async () => undefined });
const channelUri = () => `https://flex-api.twilio.com/v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`;
const get = (t: Transport, deadline?: Deadline) =>
  t.request({ method: 'get', uri: channelUri(), username: f.ACCOUNT_SID, password: f.AUTH_TOKEN }, deadline);
const post = (t: Transport, deadline?: Deadline) =>
  t.request({ method: 'post', uri: channelUri(), username: f.ACCOUNT_SID, password: f.AUTH_TOKEN, data: { Status: 'closed' } }, deadline);

it('sends to the configured base URL with Basic auth and a form body', async () => {
  const r = await post(transport());
  expect(r.statusCode).toBe(200);
  expect(s.fake.apiRequests()[0]).toMatchObject({ method: 'POST', body: { Status: 'closed' }, basicUser: f.ACCOUNT_SID });
});

it('retries a 503 on a read, not on a change', async () => {
  s.fake.inject({ kind: 'status', status: 503 });
  expect((await get(transport())).statusCode).toBe(200);
  expect(s.fake.apiRequests()).toHaveLength(2);
  s.fake.clearRequests();
  s.fake.inject({ kind: 'status', status: 503 });
  expect((await post(transport())).statusCode).toBe(503);
  expect(s.fake.apiRequests()).toHaveLength(1);
});

it('retries a 429 on a change too (Twilio did not act on it)', async () => {
  s.fake.inject({ kind: 'status', status: 429 });
  expect((await post(transport())).statusCode).toBe(200);
  expect(s.fake.apiRequests()).toHaveLength(2);
});

it("gives up on 429 after the policy's attempts with rate_limited and the last Retry-After", async () => {
  s.fake.inject({ kind: 'status', status: 429, retryAfter: '2' }, () => true, 100);
  const err = await get(transport()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RateLimitedError);
  expect((err as RateLimitedError).headers['Retry-After']).toBe('2');
  expect(s.fake.apiRequests()).toHaveLength(4);
});

it('a change that times out is not repeated: upstream_timeout after one try, saying it may have been applied', async () => {
  s.fake.inject({ kind: 'delay', ms: 2000 }, () => true, 10);
  const err = await post(transport(200)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamTimeoutError);
  expect((err as Error).message).toBe(
    'the Twilio REST API did not answer in time; the change may or may not have been applied, fetch the channel to see',
  );
  expect(s.fake.apiRequests()).toHaveLength(1);
});

it('a read that fails says so, and never that a change may have been applied', async () => {
  s.fake.inject({ kind: 'reset' }, () => true, 10);
  const err = await get(transport()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as Error).message).toMatch(/^could not reach the Twilio REST API \(/);
  expect((err as Error).message).not.toMatch(/change/);
});

it('a read-only POST (IAM validation) is retried like a read and reported as one', async () => {
  s.fake.inject({ kind: 'reset' }, () => true, 2);
  expect((await post(transport(2000, s.baseUrl, true))).statusCode).toBe(200);
  expect(s.fake.apiRequests()).toHaveLength(3);
  s.fake.clearRequests();
  s.fake.inject({ kind: 'delay', ms: 2000 }, () => true, 10);
  const err = await post(transport(200, s.baseUrl, true), new Deadline(700)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamTimeoutError);
  expect((err as Error).message).toBe('the Twilio REST API did not answer in time');
});

it('a call that fails for good is logged with the service, host, method and cause, and no credential', async () => {
  const port = f.REFUSED_PORT;
  await get(transport(500, `http://127.0.0.1:${port}`)).catch(() => undefined);
  const line = JSON.parse(captured.find((l) => l.includes('a call to Twilio failed'))!);
  expect(line).toMatchObject({
    level: 'warn',
    service: 'the Twilio REST API',
    host: `127.0.0.1:${port}`,
    method: 'GET',
    cause: 'ECONNREFUSED',
    attempts: 4,
  });
  expect(JSON.stringify(line)).not.toContain(f.ACCOUNT_SID);
});

it('the log names each way of failing for good: a status, a timeout, an answer that broke off', async () => {
  s.fake.inject({ kind: 'status', status: 429, retryAfter: '0' }, () => true, 10);
  await get(transport()).catch(() => undefined);
  s.fake.clearFaults();
  s.fake.inject({ kind: 'delay', ms: 2000 }, () => true, 1);
  await post(transport(200)).catch(() => undefined);
  s.fake.inject({ kind: 'truncate' });
  await post(transport()).catch(() => undefined);
  const causes = captured.filter((l) => l.includes('a call to Twilio failed')).map((l) => JSON.parse(l).cause);
  expect(causes).toEqual(['HTTP 429', 'timeout', 'answer broke off']);
});

it('a read that times out is retried while the deadline allows, then upstream_timeout in time', async () => {
  s.fake.inject({ kind: 'delay', ms: 5000 }, () => true, 10);
  const started = Date.now();
  const err = await get(transport(300), new Deadline(1000)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamTimeoutError);
  expect(Date.now() - started).toBeLessThan(1500);
  expect(s.fake.apiRequests().length).toBeGreaterThan(1);
});

it('an answer cut off mid-body is a failed connection: a change is not repeated', async () => {
  s.fake.inject({ kind: 'reset' });
  const err = await post(transport()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as Error).message).toMatch(/may or may not have been applied/);
  expect(s.fake.apiRequests()).toHaveLength(1);
});

it('a refused connection (nothing sent) is retried even for a change, and reported as unreachable, not as maybe applied', async () => {
  const port = f.REFUSED_PORT;
  const err = await post(transport(500, `http://127.0.0.1:${port}`)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as Error).message).toBe('could not reach the Twilio REST API (ECONNREFUSED)');
});

describe('an answer that breaks off mid-body', () => {
  it('a read is tried again and succeeds', async () => {
    s.fake.inject({ kind: 'truncate' });
    expect((await get(transport())).statusCode).toBe(200);
    expect(s.fake.apiRequests()).toHaveLength(2);
  });

  it('a change is not repeated, and says it may have been applied', async () => {
    s.fake.inject({ kind: 'truncate' });
    const err = await post(transport()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as Error).message).toMatch(/may or may not have been applied/);
    expect(s.fake.apiRequests()).toHaveLength(1);
  });
});

it("a POST whose connection was refused (nothing sent) is retried up to the policy's attempts", async () => {
  const port = f.REFUSED_PORT;
  const sleep = jest.fn(async () => undefined);
  const t = new Transport({
    service: 'the Twilio REST API',
    callTimeoutMs: 500,
    fallbackDeadlineMs: 3000,
    baseUrl: `http://127.0.0.1:${port}`,
    sleep,
  });
  await post(t).catch(() => undefined);
  expect(sleep).toHaveBeenCalledTimes(3);
});
