/**
 * The HTTP transport under every call we make to Twilio (the REST API through the `twilio`
 * helper, and IAM token validation). Built on Node's own `fetch`, it:
 * - bounds each call by its own timeout and by the request's deadline (`lib/deadline`);
 * - retries what is safe to retry (`lib/retry`), honouring `Retry-After`;
 * - sends Twilio's hosts to a configured base URL instead, for the sandbox and tests;
 * - throws only our own `HttpError`s, which carry no request headers (no credentials).
 */
const errors = require(Runtime.getFunctions()['lib/errors']!.path) as typeof import('./errors.private');
const retry = require(Runtime.getFunctions()['lib/retry']!.path) as typeof import('./retry.private');
const deadlines = require(Runtime.getFunctions()['lib/deadline']!.path) as typeof import('./deadline.private');

export interface TransportOptions {
  /** Longest a single call may take. */
  callTimeoutMs: number;
  /** Deadline used when a call is made outside a request (no current deadline). */
  fallbackDeadlineMs: number;
  /** Replace the scheme and host of every URL with this (e.g. http://127.0.0.1:4010). */
  baseUrl?: string;
  policy?: import('./retry.private').RetryPolicy;
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

/** What the `twilio` helper expects back. */
export interface TransportResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
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

/** True for errors fetch throws when the connection could not even be opened. */
function sentNothing(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED' || cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN';
}

/** One try: Twilio's whole answer, or how the try failed (a timeout, or the connection). */
async function attemptOnce(
  url: URL,
  init: { method: string; headers: Record<string, string>; body?: string; redirect: 'manual' },
  timeoutMs: number,
): Promise<{ kind: 'answer'; response: TransportResponse } | import('./retry.private').Outcome> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as { name?: string }).name;
    return name === 'TimeoutError' || name === 'AbortError' ? { kind: 'timeout' } : { kind: 'network', sentNothing: sentNothing(err) };
  }
  try {
    const body = await response.text();
    return { kind: 'answer', response: { statusCode: response.status, body, headers: Object.fromEntries(response.headers.entries()) } };
  } catch (err) {
    // The body broke off (reset, or the timeout mid-answer): nothing usable came back.
    const name = (err as { name?: string }).name;
    return name === 'TimeoutError' || name === 'AbortError' ? { kind: 'timeout' } : { kind: 'network', sentNothing: false };
  }
}

export class Transport {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly policy: import('./retry.private').RetryPolicy;

  constructor(private readonly options: TransportOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.policy = options.policy ?? retry.DEFAULT_POLICY;
  }

  /** The URL a request for `uri` really goes to. */
  target(uri: string): URL {
    const url = new URL(uri);
    if (this.options.baseUrl === undefined) return url;
    const base = new URL(this.options.baseUrl);
    return new URL(`${base.origin}${base.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
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

    const deadline = deadlines.currentDeadline(this.options.fallbackDeadlineMs);
    const init = { method, headers, body, redirect: 'manual' as const };
    for (let attempt = 1; ; attempt++) {
      const remaining = deadline.remaining();
      if (remaining <= 0) throw new errors.UpstreamTimeoutError();
      const result = await attemptOnce(url, init, Math.min(this.options.callTimeoutMs, remaining));
      if (result.kind === 'answer' && result.response.statusCode !== 429 && result.response.statusCode !== 503) {
        return result.response;
      }
      const outcome: import('./retry.private').Outcome =
        result.kind === 'answer'
          ? { kind: 'status', status: result.response.statusCode, retryAfterMs: retry.parseRetryAfter(result.response.headers['retry-after']) }
          : result;
      const decision = retry.decide(method, attempt, outcome, deadline.remaining(), this.policy);
      if (decision.retry) {
        await this.sleep(decision.delayMs);
        continue;
      }
      // Out of tries or time: report what happened last.
      if (outcome.kind === 'status' && outcome.status === 429) throw new errors.RateLimitedError((outcome.retryAfterMs ?? 1000) / 1000);
      if (result.kind === 'answer') return result.response; // a 503: the helper turns it into an upstream error
      if (outcome.kind === 'timeout' || deadline.remaining() <= 0) throw new errors.UpstreamTimeoutError();
      throw new errors.UpstreamError(
        method === 'GET'
          ? 'could not reach Twilio'
          : 'the connection to Twilio failed; the change may or may not have been applied, fetch the channel to see',
      );
    }
  }
}
