/**
 * What every check of a caller's credential with Twilio needs (the Flex token with IAM, an API
 * key with the REST API), so that unauthenticated traffic cannot drive Twilio on our account:
 * - answers cached by a SHA-256 of the credential, never the credential; valid answers until
 *   their own lifetime, "not valid" ones for a few seconds in a cache of their own, so that a
 *   flood of junk cannot evict a valid caller; a failure to ask is not cached at all;
 * - concurrent first checks of one credential share one call;
 * - at most `maxConcurrent` calls at once; beyond that a 429 with Retry-After, never a queue.
 */
import { createHash } from 'node:crypto';
import type { Config } from '../config';

import * as errors from '../edge/errors';

/** Keep an invalid answer this long (a typo'd credential is not re-checked in a loop). */
export const INVALID_TTL_MS = 5_000;

/** What every check of a credential with Twilio is configured with. */
export interface CheckOptions {
  /** One call to Twilio may take at most this long. */
  timeoutMs: number;
  /** Deadline used when a check runs outside a request. */
  fallbackDeadlineMs: number;
  /** Longest a valid answer is kept. */
  maxTtlMs: number;
  cacheSize: number;
  /** Most checks asked of Twilio at once; the next one is refused with 429. */
  maxConcurrent: number;
  now?: () => number;
}

/** The settings every credential check takes from the configuration (one timeout, one cache policy). */
export function checkSettings(config: Config): CheckOptions {
  return {
    timeoutMs: config.iamTimeoutMs,
    fallbackDeadlineMs: config.requestDeadlineMs,
    maxTtlMs: config.tokenCacheMaxTtlMs,
    cacheSize: config.tokenCacheSize,
    maxConcurrent: config.iamMaxConcurrent,
  };
}

export type Verdict<T> = { valid: true; who: T; until: number } | { valid: false };

export function hashCredential(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}

interface Entry<T> {
  verdict: Verdict<T>;
  until: number;
}

/** A small LRU map: `Map` keeps insertion order, so the first key is the least recently used. */
class Lru<T> {
  private readonly map = new Map<string, Entry<T>>();

  constructor(private readonly capacity: number) {}

  get(key: string, now: number): Entry<T> | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    if (entry.until <= now) return undefined;
    this.map.set(key, entry);
    return entry;
  }

  set(key: string, entry: Entry<T>): void {
    // A capacity of 0 keeps nothing: the loop below removes what was just added.
    this.map.delete(key);
    this.map.set(key, entry);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
}

export interface CredentialCacheOptions {
  cacheSize: number;
  maxConcurrent: number;
  /** What the 429 says, e.g. "too many Flex token validations are under way". */
  busyMessage: string;
  now: () => number;
}

export class CredentialCache<T> {
  private readonly valid: Lru<T>;
  private readonly invalid: Lru<T>;
  private readonly inFlight = new Map<string, Promise<Verdict<T>>>();

  constructor(private readonly options: CredentialCacheOptions) {
    this.valid = new Lru(options.cacheSize);
    this.invalid = new Lru(options.cacheSize);
  }

  /**
   * The cached answer for `credential`, or the one `ask` gives (cached: a valid one until its
   * `until`, an invalid one for INVALID_TTL_MS). `undefined` means not valid. `ask` throws when
   * Twilio could not be asked; that is passed on and not cached.
   */
  async check(credential: string, ask: () => Promise<Verdict<T>>): Promise<T | undefined> {
    const key = hashCredential(credential);
    const now = this.options.now();
    const hit = this.valid.get(key, now) ?? this.invalid.get(key, now);
    if (hit !== undefined) return hit.verdict.valid ? hit.verdict.who : undefined;

    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      if (this.inFlight.size >= this.options.maxConcurrent) throw new errors.RateLimitedError(1, {}, `${this.options.busyMessage}; retry shortly`);
      pending = ask().finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
      pending.then(
        (verdict) => this.remember(key, verdict),
        () => undefined,
      );
    }
    const verdict = await pending;
    return verdict.valid ? verdict.who : undefined;
  }

  private remember(key: string, verdict: Verdict<T>): void {
    const now = this.options.now();
    const until = verdict.valid ? verdict.until : now + INVALID_TTL_MS;
    if (until > now) (verdict.valid ? this.valid : this.invalid).set(key, { verdict, until });
  }
}
