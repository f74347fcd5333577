/**
 * What every check of a caller's credential with Twilio needs (the Flex token with IAM, an API
 * key with the REST API), so that unauthenticated traffic cannot drive Twilio on our account:
 * - answers cached by a SHA-256 of the credential, never the credential; valid answers until
 *   their own lifetime, "not valid" ones for a few seconds in a cache of their own, so that a
 *   flood of junk cannot evict a valid caller; a failure to ask is not cached at all;
 * - concurrent first checks of one credential share one call;
 * - at most `maxConcurrent` calls at once. Beyond that a caller waits for a slot, first come
 *   first served, in a queue bounded by length (`maxQueued`) and by time (`maxWaitMs`, and never
 *   past the request's deadline); a full queue or a wait that runs out is a 429 with
 *   Retry-After. Junk must not be able to take the whole budget: callers the validator marks as
 *   `priority` (Flex tokens that look like those IAM recently said were valid) have slots of their
 *   own (a quarter of `maxConcurrent`, once the validator says it knows such callers), are served
 *   first from the queue, and may push the newest waiting non-priority caller out of a full one.
 *   Priority only ever orders: it never accepts anything.
 */
import * as crypto from 'node:crypto';
import type { Config } from '../config';

import * as errors from '../edge/errors';
import * as deadlines from '../twilio/deadline';

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
  /** Most checks asked of Twilio at once; the next ones wait (maxQueued, maxWaitMs), then 429. */
  maxConcurrent: number;
  /** Most callers waiting for a slot (0: refuse at once). */
  maxQueued?: number;
  /** Longest a caller waits for a slot. */
  maxWaitMs?: number;
  now?: () => number;
}

/**
 * How long a check may still wait for a slot: the request's deadline (twilio/deadline) less a
 * second kept for the call itself.
 */
export function waitBudget(deadline: deadlines.Deadline): () => number {
  return () => deadline.remaining() - 1000;
}

/** The settings every credential check takes from the configuration (one timeout, one cache policy). */
export function checkSettings(config: Config): CheckOptions {
  return {
    timeoutMs: config.iamTimeoutMs,
    fallbackDeadlineMs: config.requestDeadlineMs,
    maxTtlMs: config.tokenCacheMaxTtlMs,
    cacheSize: config.tokenCacheSize,
    maxConcurrent: config.iamMaxConcurrent,
    maxQueued: config.iamMaxQueued,
    maxWaitMs: config.iamMaxWaitMs,
  };
}

export type Verdict<T> = { valid: true; who: T; until: number } | { valid: false };

/**
 * SHA-256 of a credential, base64url: the cache's key, so no credential is ever kept. Node's
 * one-shot `crypto.hash` (Node 20.12 and later, and 22) skips the Hash object that `createHash`
 * builds (measured: 1.6 → 0.6 µs a token); an older Node 20 takes `createHash`, same digest.
 */
export const hashCredential: (credential: string) => string =
  typeof crypto.hash === 'function'
    ? (credential) => crypto.hash('sha256', credential, 'base64url')
    : (credential) => crypto.createHash('sha256').update(credential).digest('base64url');

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
  maxQueued?: number;
  maxWaitMs?: number;
  /** Are there priority callers to keep slots for? (Until there are, every slot is for anyone.) */
  reserving?: () => boolean;
  /** How long a request may still wait, in ms, when `check` is given no budget of its own. */
  remainingMs?: () => number;
  /** What the 429 says, e.g. "too many Flex token validations are under way". */
  busyMessage: string;
  now: () => number;
}

interface Waiter {
  priority: boolean;
  admit: () => void;
  refuse: () => void;
}

export class CredentialCache<T> {
  private readonly valid: Lru<T>;
  private readonly invalid: Lru<T>;
  private readonly inFlight = new Map<string, Promise<Verdict<T>>>();
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: CredentialCacheOptions) {
    this.valid = new Lru(options.cacheSize);
    this.invalid = new Lru(options.cacheSize);
  }

  /** Slots kept for priority callers: a quarter, once the validator knows such callers. */
  private reserved(): number {
    return this.options.reserving?.() === true ? Math.floor(this.options.maxConcurrent / 4) : 0;
  }

  private canStart(priority: boolean): boolean {
    return this.active < this.options.maxConcurrent - (priority ? 0 : this.reserved());
  }

  private busy(): errors.RateLimitedError {
    return new errors.RateLimitedError(1, {}, `${this.options.busyMessage}; retry shortly`);
  }

  /** Resolve once a slot is ours (the caller must call `release`), or throw 429. */
  private async acquire(priority: boolean, remainingMs: (() => number) | undefined): Promise<void> {
    if (this.canStart(priority) && (priority ? !this.queue.some((w) => w.priority) : this.queue.length === 0)) {
      this.active += 1;
      return;
    }
    const maxQueued = this.options.maxQueued ?? 0;
    const waitMs = Math.min(this.options.maxWaitMs ?? 0, remainingMs?.() ?? Infinity);
    if (waitMs <= 0 || maxQueued <= 0) throw this.busy();
    if (this.queue.length >= maxQueued) {
      // A full queue: a priority caller takes the place of the newest waiting non-priority one.
      const victim = priority ? this.queue.map((w) => !w.priority).lastIndexOf(true) : -1;
      if (victim < 0) throw this.busy();
      this.queue.splice(victim, 1)[0]!.refuse();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        admit: () => {
          clearTimeout(timer);
          resolve();
        },
        refuse: () => {
          clearTimeout(timer);
          reject(this.busy());
        },
      };
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        reject(this.busy());
      }, waitMs);
      // A waiter's clock alone never keeps a process alive (its request's socket does, while it is open).
      timer.unref();
      this.queue.push(waiter);
    });
  }

  /** A slot is free: hand it to the first waiting priority caller, else to the first waiting one if it may start. */
  private release(): void {
    this.active -= 1;
    while (this.queue.length > 0) {
      const first = this.queue.findIndex((w) => w.priority);
      const at = first >= 0 ? first : this.canStart(false) ? 0 : -1;
      if (at < 0) return;
      this.active += 1;
      this.queue.splice(at, 1)[0]!.admit();
      if (!this.canStart(true)) return;
    }
  }

  /** The valid answer cached under `key` (a credential's hashCredential), if there is one: no call, no queue. */
  validFor(key: string): T | undefined {
    const hit = this.valid.get(key, this.options.now());
    return hit?.verdict.valid ? hit.verdict.who : undefined;
  }

  /**
   * The cached answer for `credential`, or the one `ask` gives (cached: a valid one until its
   * `until`, an invalid one for INVALID_TTL_MS). `undefined` means not valid. `ask` throws when
   * Twilio could not be asked; that is passed on and not cached. `priority` (see above) only
   * decides who gets a slot first. `remainingMs` is how long this request may still wait for a
   * slot (its deadline's waitBudget); without it, the cache's own `remainingMs`.
   */
  async check(
    credential: string,
    ask: () => Promise<Verdict<T>>,
    priority = false,
    key = hashCredential(credential),
    remainingMs = this.options.remainingMs,
  ): Promise<T | undefined> {
    const now = this.options.now();
    const hit = this.valid.get(key, now) ?? this.invalid.get(key, now);
    if (hit !== undefined) return hit.verdict.valid ? hit.verdict.who : undefined;

    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.acquire(priority, remainingMs)
        .then(() => ask().finally(() => this.release()))
        .finally(() => this.inFlight.delete(key));
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
