/** IAM's answers to the Flex token validator, exactly (FakeTwilio's IAM over real HTTP, a controllable clock). */
import { UpstreamError } from '../../../src/edge/errors';
import { validatorHarness } from '../../support/flex-token-harness';
import * as f from '../../support/fixtures';

const h = validatorHarness();

describe("IAM's answers, exactly", () => {
  const iam = (q: { path: string }) => q.path.endsWith('/Tokens/validate');

  it('5xx: upstream_error naming the status', async () => {
    h.s.fake.inject({ kind: 'status', status: 500 }, iam, 10);
    const err = await h
      .validator()
      .validate(f.AGENT_TOKEN)
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe('Twilio IAM answered HTTP 500');
  });

  it('a 200 that is not JSON, or JSON of another shape: unreadable, not "not valid"', async () => {
    h.s.fake.inject({ kind: 'not-json', status: 200 }, iam, 1);
    const notJson = await h
      .validator()
      .validate(f.AGENT_TOKEN)
      .catch((e: unknown) => e);
    expect(notJson).toBeInstanceOf(UpstreamError);
    expect((notJson as Error).message).toBe('Twilio IAM answered with something unreadable');
    h.s.fake.inject({ kind: 'answer', status: 200, body: { verdict: 'yes' } }, iam, 1);
    const otherShape = await h
      .validator()
      .validate(f.AGENT_TOKEN)
      .catch((e: unknown) => e);
    expect((otherShape as Error).message).toBe('Twilio IAM answered with something unreadable');
  });

  it('valid, with an expiration exactly now: not valid', async () => {
    h.s.fake.inject(
      { kind: 'answer', status: 200, body: { valid: true, identity: 'x', roles: ['agent'], expiration: new Date(h.now).toISOString() } },
      iam,
      1,
    );
    expect(await h.validator().validate(f.AGENT_TOKEN)).toBeUndefined();
  });

  it('valid, with an expiration that is not a date: valid, kept for the cache lifetime only', async () => {
    h.s.fake.inject({ kind: 'answer', status: 200, body: { valid: true, identity: 'x', roles: ['agent'], expiration: 'soon' } }, iam, 1);
    const v = h.validator({ maxTtlMs: 60_000 });
    expect(await v.validate(f.AGENT_TOKEN)).toEqual({ identity: 'x', roles: ['agent'], workerSid: undefined, expiresAt: undefined });
    h.now += 59_999;
    await v.validate(f.AGENT_TOKEN);
    expect(h.s.fake.iamRequests()).toHaveLength(1);
    h.now += 1;
    await v.validate(f.AGENT_TOKEN);
    expect(h.s.fake.iamRequests()).toHaveLength(2);
  });

  it('valid with nothing else said: no identity, no roles, no worker', async () => {
    h.s.fake.inject({ kind: 'answer', status: 200, body: { valid: true } }, iam, 1);
    expect(await h.validator().validate(f.AGENT_TOKEN)).toEqual({ identity: '', roles: [], workerSid: undefined, expiresAt: undefined });
  });

  it('counts what it asks IAM', async () => {
    const v = h.validator();
    await v.validate(f.AGENT_TOKEN);
    await v.validate(f.flexToken('someone-else'));
    expect(h.s.fake.iamRequests()).toHaveLength(2);
  });
});
