/**
 * One deadline per request. The handler starts it; every Twilio and IAM call made while the
 * request runs reads it (through AsyncLocalStorage, so the shared Twilio client needs no
 * per-request state) to bound its own timeout and to decide whether a retry still fits.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export class Deadline {
  readonly at: number;

  constructor(
    ms: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + ms;
  }

  /** Milliseconds left, never negative. */
  remaining(): number {
    return Math.max(0, this.at - this.now());
  }
}

const storage = new AsyncLocalStorage<Deadline>();

/** Run `fn` with `deadline` as the current request's deadline. */
export function withDeadline<T>(deadline: Deadline, fn: () => Promise<T>): Promise<T> {
  return storage.run(deadline, fn);
}

/** The current request's deadline; outside a request, a fresh one of `fallbackMs`. */
export function currentDeadline(fallbackMs: number): Deadline {
  return storage.getStore() ?? new Deadline(fallbackMs);
}
