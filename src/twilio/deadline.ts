/**
 * One deadline per request. The endpoint starts it and hands it on explicitly: to the credential
 * checks (IAM, API keys) and, through a per-request view of the shared Twilio client
 * (twilio/client `requestClient`), to every call the `twilio` helper makes. Each call bounds its
 * own timeout by it and decides by it whether a retry still fits.
 *
 * It is passed by hand, not through AsyncLocalStorage: on Node 20 and 22 one AsyncLocalStorage
 * in the process installs promise hooks that tax every promise and every `process.nextTick` of
 * every request (ours, the helper's, the Runtime's and Express's). Measured with the CPU profile
 * of close-channel at concurrency 50 (docs/performance.md), that tax was the largest single part
 * of our extra CPU per request.
 */

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

/** The request's deadline; outside a request (none given), a fresh one of `fallbackMs`. */
export function orFallback(deadline: Deadline | undefined, fallbackMs: number): Deadline {
  return deadline ?? new Deadline(fallbackMs);
}
