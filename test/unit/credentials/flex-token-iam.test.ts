/** IAM's answers to the Flex token validator, exactly (FakeTwilio's IAM over real HTTP, a controllable clock). */
import { FlexTokenValidator } from '../../../src/credentials/flex-token';
import { UpstreamError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';

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
