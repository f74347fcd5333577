/**
 * When to try a Twilio call again. Pure decisions, so they can be tested exhaustively:
 * - 429 means Twilio did not act on the request, so any method may be retried;
 * - 503, a timeout or a reset connection are ambiguous (the change may have been applied),
 *   so only idempotent reads (GET) are retried after them;
 * - a connection refused before anything was sent is safe for any method;
 * - no retry starts unless its wait plus a minimal useful call still fit before the deadline.
 */

export type Outcome =
  { kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'timeout' } | { kind: 'network'; sentNothing: boolean; cause?: string };

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Don't start an attempt with less than this left: it could not finish anyway. */
  minAttemptMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 2000, minAttemptMs: 250 };

export type Decision = { retry: true; delayMs: number } | { retry: false };

/** Is this outcome worth another attempt for this method, regardless of time? */
export function isRetryable(method: string, outcome: Outcome): boolean {
  const idempotent = method.toUpperCase() === 'GET';
  switch (outcome.kind) {
    case 'status':
      return outcome.status === 429 || (outcome.status === 503 && idempotent);
    case 'timeout':
      return idempotent;
    case 'network':
      return idempotent || outcome.sentNothing;
  }
}

/** Full-jitter exponential backoff; `Retry-After` from Twilio wins when it is longer. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.round(ceiling * (0.5 + random() / 2));
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, jittered) : jittered;
}

/**
 * Decide after attempt number `attempt` (1-based) ended in `outcome`, with `remainingMs` left
 * before the request's deadline.
 */
export function decide(
  method: string,
  attempt: number,
  outcome: Outcome,
  remainingMs: number,
  policy: RetryPolicy = DEFAULT_POLICY,
  random: () => number = Math.random,
): Decision {
  if (attempt >= policy.maxAttempts || !isRetryable(method, outcome)) return { retry: false };
  const retryAfterMs = outcome.kind === 'status' ? outcome.retryAfterMs : undefined;
  const delayMs = backoffMs(attempt, policy, random, retryAfterMs);
  if (delayMs + policy.minAttemptMs > remainingMs) return { retry: false };
  return { retry: true, delayMs };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  // Blank text matches neither form below, so it is undefined too.
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  // An HTTP date (RFC 9110: IMF-fixdate, or the obsolete RFC 850 and asctime forms) always has a
  // time of day; V8's Date.parse also reads junk such as "x 2" as a date decades ago or ahead.
  if (!/\b\d{2}:\d{2}:\d{2}\b/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
