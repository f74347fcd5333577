/**
 * The HTTP transport under every call we make to Twilio (the REST API through the `twilio`
 * helper, and IAM token validation). Built on Node's `http` and `https` modules, it:
 * - bounds each call by its own timeout and by the request's deadline (twilio/deadline), given
 *   to `request` or bound once per request with `forDeadline`;
 * - retries what is safe to retry (`lib/retry`), honouring `Retry-After`;
 * - sends Twilio's hosts to a configured base URL instead, for the sandbox and tests;
 * - throws only our own `HttpError`s, which carry no request headers (no credentials).
 */
import * as errors from '../edge/errors';
import * as retry from './retry';
import * as deadlines from './deadline';
import * as log from '../edge/log';
import * as wire from './wire';

export type { TransportResponse } from './wire';
export { IDLE_SOCKET_MS } from './wire';
type TransportResponse = wire.TransportResponse;

export interface TransportOptions {
  /** Who is on the other end, for messages and logs: 'Twilio IAM' or 'the Twilio REST API'. */
  service: string;
  /**
   * Every call only reads (IAM's token validation is a POST that changes nothing): a failed
   * or timed-out call is then retried like a GET, and reported as a read, never as a change.
   */
  readOnly?: boolean;
  /** Longest a single call may take. */
  callTimeoutMs: number;
  /** Deadline used when a call is made outside a request (no current deadline). */
  fallbackDeadlineMs: number;
  /** Replace the scheme and host of every URL with this (e.g. http://127.0.0.1:4010). */
  baseUrl?: string;
  policy?: import('./retry').RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** What the `twilio` helper hands its `httpClient`. */
export interface TransportRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: Record<string, unknown>;
  /** A raw body (used for IAM's JSON); `data` is sent as a form instead. */
  body?: string;
}

function appendAll(target: URLSearchParams, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      target.append(key, typeof item === 'string' ? item : JSON.stringify(item));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class Transport {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly policy: import('./retry').RetryPolicy;
  /** The configured base URL's origin and path (no trailing slash), parsed once, not once a call. */
  private readonly base: string | undefined;

  constructor(private readonly options: TransportOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.policy = options.policy ?? retry.DEFAULT_POLICY;
    if (options.baseUrl !== undefined) {
      const base = new URL(options.baseUrl);
      this.base = `${base.origin}${base.pathname.replace(/\/$/, '')}`;
    }
  }

  /** The URL a request for `uri` really goes to. */
  target(uri: string): URL {
    const url = new URL(uri);
    if (this.base === undefined) return url;
    return new URL(`${this.base}${url.pathname}${url.search}`);
  }

  /**
   * This transport with `deadline` bound: what a request's view of the Twilio client hands the
   * helper as its `httpClient` (the helper calls `request(options)` with no deadline of its own).
   */
  forDeadline(deadline: deadlines.Deadline): { request: (req: TransportRequest) => Promise<TransportResponse> } {
    return { request: (req) => this.request(req, deadline) };
  }

  /** One call, bounded by `deadline` (the request's; without one, a fresh deadline of `fallbackDeadlineMs`). */
  async request(req: TransportRequest, requestDeadline?: deadlines.Deadline): Promise<TransportResponse> {
    const method = req.method.toUpperCase();
    const url = this.target(req.uri);
    if (req.params) {
      const query = new URLSearchParams(url.search);
      appendAll(query, req.params);
      url.search = query.toString();
    }
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    if (req.username !== undefined && req.password !== undefined) {
      headers.Authorization = `Basic ${Buffer.from(`${req.username}:${req.password}`).toString('base64')}`;
    }
    let body: string | undefined = req.body;
    if (body === undefined && req.data) {
      const form = new URLSearchParams();
      appendAll(form, req.data);
      body = form.toString();
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
    }

    const deadline = deadlines.orFallback(requestDeadline, this.options.fallbackDeadlineMs);
    const init = { method, headers, body };
    // A read-only call may be repeated after an ambiguous failure, exactly like a GET.
    const retryAs = this.options.readOnly ? 'GET' : method;
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline.remaining();
      if (remaining <= 0) throw this.giveUp(url, method, attempt - 1, { kind: 'timeout' });
      const result = await wire.attemptOnce(url, init, Math.min(this.options.callTimeoutMs, remaining));
      if (result.kind === 'answer' && result.response.statusCode !== 429 && result.response.statusCode !== 503) {
        return result.response;
      }
      const outcome: import('./retry').Outcome =
        result.kind === 'answer'
          ? { kind: 'status', status: result.response.statusCode, retryAfterMs: retry.parseRetryAfter(result.response.headers['retry-after']) }
          : result;
      const decision = retry.decide(retryAs, attempt, outcome, deadline.remaining(), this.policy);
      if (decision.retry) {
        await this.sleep(decision.delayMs);
        continue;
      }
      // A 503 goes back to the caller (the helper turns it into an upstream error).
      if (result.kind === 'answer' && result.response.statusCode === 503) return result.response;
      // A failed connection is reported as one, even when it failed as the deadline ran out: our
      // own timer (the timeout) settles an attempt first whenever it fires first.
      throw this.giveUp(url, method, attempt, outcome);
    }
  }

  /**
   * Out of tries or time: log which service failed, where and why (no credentials: host,
   * method and cause only), and say what it means for the caller. A change that failed
   * ambiguously (a timeout, a broken connection) may have been applied; a read never changed
   * anything.
   */
  private giveUp(url: URL, method: string, attempts: number, outcome: import('./retry').Outcome): Error {
    const cause =
      outcome.kind === 'status' ? `HTTP ${outcome.status}` : outcome.kind === 'timeout' ? 'timeout' : (outcome.cause ?? 'connection failed');
    log.warn('a call to Twilio failed', { service: this.options.service, host: url.host, method, cause, attempts });
    if (outcome.kind === 'status') return new errors.RateLimitedError((outcome.retryAfterMs ?? 1000) / 1000);
    const read = method === 'GET' || this.options.readOnly === true;
    const ambiguous = !read && !(outcome.kind === 'network' && outcome.sentNothing);
    const mayHaveApplied = ambiguous ? '; the change may or may not have been applied, fetch the channel to see' : '';
    if (outcome.kind === 'timeout') return new errors.UpstreamTimeoutError(`${this.options.service} did not answer in time${mayHaveApplied}`);
    return new errors.UpstreamError(`could not reach ${this.options.service} (${cause})${mayHaveApplied}`);
  }
}
