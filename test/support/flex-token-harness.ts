/**
 * What the Flex token validator's suites share: a seeded FakeTwilio per test (its IAM over real
 * HTTP) and a controllable clock, and a validator built against them.
 */
import { FlexTokenValidator } from '../../src/credentials/flex-token';
import { startSeededFake, type Seeded } from './fake';
import * as f from './fixtures';

export interface ValidatorHarness {
  /** The fake of Twilio of the running test. */
  s: Seeded;
  /** The validator's clock (ms); tests move it. */
  now: number;
  validator(options?: Partial<ConstructorParameters<typeof FlexTokenValidator>[0]>): FlexTokenValidator;
}

/** Register the per-test fake and clock, and return the harness the tests read them from. */
export function validatorHarness(): ValidatorHarness {
  const h: ValidatorHarness = {
    s: undefined as unknown as Seeded,
    now: 0,
    validator: (options = {}) =>
      new FlexTokenValidator({
        accountSid: f.ACCOUNT_SID,
        username: f.ACCOUNT_SID,
        password: f.AUTH_TOKEN,
        baseUrl: h.s.baseUrl,
        timeoutMs: 1000,
        fallbackDeadlineMs: 2000,
        maxTtlMs: 300_000,
        cacheSize: 100,
        maxConcurrent: 20,
        now: () => h.now,
        ...options,
      }),
  };
  beforeEach(async () => {
    h.s = await startSeededFake();
    h.now = Date.now();
  });
  afterEach(async () => {
    await h.s.fake.stop();
  });
  return h;
}
