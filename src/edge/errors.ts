/**
 * The one error hierarchy of the service. Every failure a caller can see is an `HttpError`:
 * it carries the HTTP status, the contract's stable `code`, and what the body may show.
 * Errors become responses in exactly one place (`lib/http`), and Twilio's own errors are
 * translated into this hierarchy in exactly one place (`fromTwilioError` below).
 */

/** One entry of an `invalid_request` error's `details`: which field, and what is wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** The body of every error response: `{ "error": ErrorBody }`. */
export interface ErrorBody {
  code: string;
  message: string;
  status: number;
  details?: FieldProblem[];
  twilioCode?: number;
  moreInfo?: string;
}

interface HttpErrorOptions {
  details?: FieldProblem[];
  /** What failed underneath (Twilio's own error), kept for the log, never sent to the caller. */
  cause?: unknown;
  /** The Twilio call that failed ("the invite", "the task"), for the log line. */
  call?: string;
  twilioCode?: number;
  moreInfo?: string;
  headers?: Record<string, string>;
}

/**
 * Base class of every error a caller may see. `message` must never hold a secret: it is sent
 * to the caller as it is.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: FieldProblem[];
  readonly twilioCode?: number;
  readonly moreInfo?: string;
  /** Extra response headers this error calls for (`Allow`, `Retry-After`). */
  readonly headers: Record<string, string>;
  /** The Twilio call that failed, when a Twilio error was translated (fromTwilioError). */
  readonly call?: string;

  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.call = options.call;
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.twilioCode = options.twilioCode;
    this.moreInfo = options.moreInfo;
    this.headers = options.headers ?? {};
  }

  toJSON(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message, status: this.status };
    if (this.details !== undefined) body.details = this.details;
    if (this.twilioCode !== undefined) body.twilioCode = this.twilioCode;
    if (this.moreInfo !== undefined) body.moreInfo = this.moreInfo;
    return body;
  }
}

export class InvalidRequestError extends HttpError {
  constructor(message: string, details: FieldProblem[]) {
    super(400, 'invalid_request', message, { details });
  }

  /** One bad field, the usual case. */
  static field(field: string, message: string): InvalidRequestError {
    return new InvalidRequestError(`${field}: ${message}`, [{ field, message }]);
  }
}

export class UnauthorizedError extends HttpError {
  /**
   * The challenge names Bearer only. A Basic challenge makes a browser prompt for a password and
   * then send what was typed with every later request to this host, links and images from other
   * sites included: credentials that ride along by themselves are what request forgery needs.
   * Server callers know to send Basic without being asked.
   */
  constructor(message = 'missing or invalid credentials') {
    super(401, 'unauthorized', message, { headers: { 'WWW-Authenticate': 'Bearer realm="flex-interaction-channels"' } });
  }
}

export class ForbiddenError extends HttpError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, twilio: { twilioCode?: number; moreInfo?: string } = {}) {
    super(404, 'not_found', message, twilio);
  }
}

export class MethodNotAllowedError extends HttpError {
  constructor(allowed: readonly string[]) {
    super(405, 'method_not_allowed', `this endpoint accepts ${allowed.join(', ')} only`, {
      headers: { Allow: allowed.join(', ') },
    });
  }
}

export class ConflictError extends HttpError {
  constructor(message: string, twilio: { twilioCode?: number; moreInfo?: string } = {}) {
    super(409, 'conflict', message, twilio);
  }
}

/** The channel is parked already: its record exists in the Sync Map (src/adapters/park-records.ts). */
export class AlreadyParkedError extends HttpError {
  constructor(message = 'this channel is parked already') {
    super(409, 'already_parked', message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `the request is larger than ${limitBytes} bytes`);
  }
}

export class RateLimitedError extends HttpError {
  readonly retryAfterSeconds: number;

  constructor(
    retryAfterSeconds: number,
    twilio: { twilioCode?: number; moreInfo?: string } = {},
    message = 'Twilio is rate limiting this account; retry later',
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'rate_limited', message, {
      ...twilio,
      headers: { 'Retry-After': String(seconds) },
    });
    this.retryAfterSeconds = seconds;
  }
}

export class MisconfiguredError extends HttpError {
  constructor(message: string) {
    super(500, 'misconfigured', message);
  }
}

export class UpstreamError extends HttpError {
  constructor(message: string, twilio: { twilioCode?: number; moreInfo?: string; cause?: unknown; call?: string } = {}) {
    super(502, 'upstream_error', message, twilio);
  }
}

export class UpstreamTimeoutError extends HttpError {
  constructor(message = 'Twilio did not answer in time') {
    super(504, 'upstream_timeout', message);
  }
}

/** The fields of Twilio's `RestException` (and `TwilioServiceException`) we depend on. */
interface TwilioErrorShape {
  status: number;
  code?: number;
  moreInfo?: string;
  message?: string;
}

function isTwilioError(err: unknown): err is TwilioErrorShape {
  if (typeof err !== 'object' || err === null) return false;
  const name = (err as { constructor?: { name?: string } }).constructor?.name;
  return (name === 'RestException' || name === 'TwilioServiceException') && typeof (err as { status?: unknown }).status === 'number';
}

/** Twilio's message, kept only if it is a short plain sentence (never a dump of the request). */
function twilioMessage(err: TwilioErrorShape, fallback: string): string {
  const m = err.message;
  if (typeof m !== 'string' || m.length === 0 || m.length > 300 || /authorization|basic |bearer /i.test(m)) {
    return fallback;
  }
  return m;
}

/**
 * Translate whatever a Twilio call threw into the contract's errors. Our own `HttpError`s
 * (timeouts and retries decided by the HTTP client) pass through; Twilio's `RestException`
 * maps by status; a `SyntaxError` means Twilio answered with something that is not JSON.
 * Anything else is not Twilio's doing and is rethrown for the catch-all.
 */
export function fromTwilioError(err: unknown, what: string): unknown {
  if (err instanceof HttpError) return err;
  if (err instanceof SyntaxError) return new UpstreamError('Twilio answered with something unreadable', { cause: err, call: what });
  if (!isTwilioError(err)) return err;

  const twilio = {
    twilioCode: typeof err.code === 'number' ? err.code : undefined,
    moreInfo: typeof err.moreInfo === 'string' ? err.moreInfo : undefined,
  };
  const { status } = err;
  if (status === 404) return new NotFoundError(`${what} was not found`, twilio);
  if (status === 429) return new RateLimitedError(1, twilio);
  if (status === 401 || status === 403) {
    return new MisconfiguredError('Twilio refused the credentials this function is configured with');
  }
  if (status === 400 || status === 409 || status === 422) {
    return new ConflictError(twilioMessage(err, `Twilio refused the change to ${what}`), twilio);
  }
  return new UpstreamError(`Twilio answered HTTP ${status}`, { ...twilio, cause: err, call: what });
}
