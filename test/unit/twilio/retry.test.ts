import { backoffMs, decide, DEFAULT_POLICY, isRetryable, parseRetryAfter } from '../../../src/twilio/retry';

const half = () => 0.5;

describe('which outcomes are retried', () => {
  it.each<[string, Parameters<typeof isRetryable>[1], boolean, boolean]>([
    ['429', { kind: 'status', status: 429 }, true, true],
    ['503', { kind: 'status', status: 503 }, true, false],
    ['500', { kind: 'status', status: 500 }, false, false],
    ['404', { kind: 'status', status: 404 }, false, false],
    ['a timeout', { kind: 'timeout' }, true, false],
    ['a reset after sending', { kind: 'network', sentNothing: false }, true, false],
    ['a refused connection', { kind: 'network', sentNothing: true }, true, true],
  ])('%s: GET %p, POST %p', (_name, outcome, get, post) => {
    expect(isRetryable('GET', outcome)).toBe(get);
    expect(isRetryable('POST', outcome)).toBe(post);
  });
});

describe('decide', () => {
  it('retries with backoff while time allows', () => {
    expect(decide('GET', 1, { kind: 'status', status: 503 }, 8000, DEFAULT_POLICY, half)).toEqual({ retry: true, delayMs: 75 });
  });

  it('stops after maxAttempts', () => {
    expect(decide('GET', DEFAULT_POLICY.maxAttempts, { kind: 'status', status: 429 }, 8000)).toEqual({ retry: false });
  });

  it('never starts a retry that cannot finish before the deadline', () => {
    // Retry-After of 2 s with 2.1 s left: 2000 + 250 > 2100.
    expect(decide('GET', 1, { kind: 'status', status: 429, retryAfterMs: 2000 }, 2100)).toEqual({ retry: false });
    expect(decide('GET', 1, { kind: 'status', status: 429, retryAfterMs: 2000 }, 2300)).toEqual({ retry: true, delayMs: 2000 });
  });

  it('honours a Retry-After longer than the backoff', () => {
    expect(decide('POST', 1, { kind: 'status', status: 429, retryAfterMs: 1500 }, 8000, DEFAULT_POLICY, half)).toEqual({
      retry: true,
      delayMs: 1500,
    });
  });

  it('never retries a POST after an ambiguous failure', () => {
    expect(decide('POST', 1, { kind: 'timeout' }, 8000)).toEqual({ retry: false });
    expect(decide('POST', 1, { kind: 'network', sentNothing: false }, 8000)).toEqual({ retry: false });
  });

  it('for any random draw and attempt, the delay plus a minimal call fits the time left', () => {
    for (let attempt = 1; attempt < 4; attempt++) {
      for (let remaining = 0; remaining <= 3000; remaining += 37) {
        for (const r of [0, 0.3, 0.999]) {
          const d = decide('GET', attempt, { kind: 'timeout' }, remaining, DEFAULT_POLICY, () => r);
          if (d.retry) expect(d.delayMs + DEFAULT_POLICY.minAttemptMs).toBeLessThanOrEqual(remaining);
        }
      }
    }
  });
});

describe('backoff', () => {
  it('grows exponentially, capped, with jitter between half and all of the ceiling', () => {
    expect(backoffMs(1, DEFAULT_POLICY, () => 0)).toBe(50);
    expect(backoffMs(1, DEFAULT_POLICY, () => 1)).toBe(100);
    expect(backoffMs(3, DEFAULT_POLICY, () => 1)).toBe(400);
    expect(backoffMs(20, DEFAULT_POLICY, () => 1)).toBe(DEFAULT_POLICY.maxDelayMs);
  });
});

describe('parseRetryAfter', () => {
  it('reads whole seconds of any length, and fractions', () => {
    expect(parseRetryAfter('30')).toBe(30_000);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter(' 7 ')).toBe(7_000);
  });

  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('   ')).toBeUndefined();
  });
});

describe('the retry policy, pinned', () => {
  it('four attempts, 100 ms doubling up to 2 s, and no retry with less than 250 ms left for it', () => {
    expect(DEFAULT_POLICY).toEqual({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2000, minAttemptMs: 250 });
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(attempt, DEFAULT_POLICY, top))).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(backoffMs(1, DEFAULT_POLICY, () => 0)).toBe(50);
    const timeout = { kind: 'timeout' } as const;
    expect(decide('GET', 3, timeout, 10_000, DEFAULT_POLICY, top)).toEqual({ retry: true, delayMs: 400 });
    expect(decide('GET', 4, timeout, 10_000, DEFAULT_POLICY, top)).toEqual({ retry: false });
    expect(decide('GET', 1, timeout, 100 + 250, DEFAULT_POLICY, top)).toEqual({ retry: true, delayMs: 100 });
    expect(decide('GET', 1, timeout, 100 + 249, DEFAULT_POLICY, top)).toEqual({ retry: false });
  });
});
