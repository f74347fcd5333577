/**
 * A typed client for flex-interaction-channels, for Flex plugins: ESM with its types, no
 * runtime dependencies (`npm run build` writes dist/client/flex-interaction-channels.mjs and
 * .d.ts; or copy this one file into your plugin).
 *
 *   const channels = new FlexInteractionChannelsClient({
 *     baseUrl: 'https://flex-interaction-channels-1234-dev.twil.io',
 *     token: () => manager.user.token,          // read fresh on every call
 *   });
 *   await channels.closeChannel(task, { complete: true });   // a Flex task: its channel closed, tasks completed
 *
 * Every call is a CORS "simple request": a form-encoded POST with the token as the `Token`
 * field, and no header of its own. So the browser sends no preflight (Twilio's gateway answers
 * preflights with `Access-Control-Allow-Headers: *`, which by the Fetch standard does not cover
 * `Authorization`; and a preflight costs the agent a round trip to Twilio on every call).
 *
 * Errors of the service's contract come back as `FlexInteractionChannelsError` (with `code`,
 * `status`, `details`); a 429 is retried after `Retry-After`, within the call's deadline; an
 * AbortSignal cancels a call.
 */

export type ChannelType = 'voice' | 'sms' | 'email' | 'web' | 'whatsapp' | 'chat' | 'messenger' | 'gbm' | (string & {});
export type ChannelStatus = 'setup' | 'active' | 'failed' | 'closed' | 'inactive' | 'pause' | 'transfer' | (string & {});

export interface Channel {
  sid: string;
  interactionSid: string;
  type: ChannelType | null;
  status: ChannelStatus | null;
  errorCode: number | null;
  errorMessage: string | null;
  url: string | null;
  links: { participants: string | null; invites: string | null; transfers: string | null };
}

export interface Routing {
  status: 'closed';
}

export interface GetChannelRequest {
  interactionSid: string;
  channelSid: string;
}

export interface ListChannelsRequest {
  interactionSid: string;
  /** 1 to 1000, default 50. */
  limit?: number;
}

/**
 * `status` `closed` (the default), with or without `routing`; or `inactive`, which the service
 * takes only with `routing` (a type error without it, as the service answers 400).
 */
export type CloseChannelRequest = GetChannelRequest &
  (
    | {
        status?: 'closed';
        /** `{ status: 'closed' }` completes the channel's tasks; without it they go to wrapping. */
        routing?: Routing;
      }
    | { status: 'inactive'; routing: Routing }
  );

/** Closing a Flex task's own channel: `complete` completes the task (routing), else it goes to wrapping; `inactive` needs `complete`. */
export type CloseTaskOptions = CallOptions & ({ status?: 'closed'; complete?: boolean } | { status: 'inactive'; complete: true });

export interface GetChannelResponse {
  channel: Channel;
}

export interface ListChannelsResponse {
  interactionSid: string;
  channels: Channel[];
  count: number;
}

export interface CloseChannelResponse {
  channel: Channel;
  routing: Routing | null;
  taskStatus: 'wrapping' | 'completed';
}

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'misconfigured'
  | 'internal_error'
  | 'upstream_error'
  | 'upstream_timeout';

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  status: number;
  details?: Array<{ field: string; message: string }>;
  twilioCode?: number;
  moreInfo?: string;
}

/** An error answered by the service (or `network_error` when it could not be reached). */
export class FlexInteractionChannelsError extends Error {
  readonly code: ErrorCode | 'network_error' | 'unreadable_response';
  readonly status: number;
  readonly details?: Array<{ field: string; message: string }>;
  readonly twilioCode?: number;
  readonly moreInfo?: string;
  /** Seconds to wait before trying again, when the service said so. */
  readonly retryAfter?: number;

  constructor(body: Omit<ErrorBody, 'code'> & { code: FlexInteractionChannelsError['code'] }, retryAfter?: number) {
    super(body.message);
    this.name = 'FlexInteractionChannelsError';
    this.code = body.code;
    this.status = body.status;
    this.details = body.details;
    this.twilioCode = body.twilioCode;
    this.moreInfo = body.moreInfo;
    this.retryAfter = retryAfter;
  }
}

export interface ClientOptions {
  /** The service's base URL, e.g. https://flex-interaction-channels-1234-dev.twil.io */
  baseUrl: string;
  /** The agent's Flex token, read on every call so a renewed token is used: `() => manager.user.token`. */
  token: string | (() => string | Promise<string>);
  /** How many times a 429 is retried (default 2). */
  maxRetries?: number;
  /** A call, its retries included, gives up after this long (default 15000 ms). */
  deadlineMs?: number;
  /** For tests or other runtimes; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to setTimeout (cancelled by the call's signal); for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface CallOptions {
  /** Cancels the call (and any wait before a retry). */
  signal?: AbortSignal;
  /** This call's deadline, instead of the client's. */
  deadlineMs?: number;
}

/** The part of a Flex task (`ITask`) the client reads. */
export interface FlexTaskLike {
  attributes?: { flexInteractionSid?: unknown; flexInteractionChannelSid?: unknown } | null;
}

/** The interaction and channel of a Flex Conversations task, from its attributes. */
export function channelOfTask(task: FlexTaskLike): GetChannelRequest {
  const a = task.attributes ?? {};
  if (typeof a.flexInteractionSid !== 'string' || typeof a.flexInteractionChannelSid !== 'string') {
    throw new FlexInteractionChannelsError({
      code: 'invalid_request',
      status: 0,
      message: 'the task has no flexInteractionSid and flexInteractionChannelSid attributes (not a Flex Conversations task)',
    });
  }
  return { interactionSid: a.flexInteractionSid, channelSid: a.flexInteractionChannelSid };
}

function isTask(value: unknown): value is FlexTaskLike {
  return typeof value === 'object' && value !== null && 'attributes' in value;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export class FlexInteractionChannelsClient {
  private readonly options: Required<Omit<ClientOptions, 'fetch' | 'sleep'>> & Pick<ClientOptions, 'fetch' | 'sleep'>;

  constructor(options: ClientOptions) {
    this.options = { maxRetries: 2, deadlineMs: 15_000, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  /** One channel, by its SIDs or by the Flex task it belongs to. */
  async getChannel(request: GetChannelRequest | FlexTaskLike, options: CallOptions = {}): Promise<GetChannelResponse> {
    return this.post<GetChannelResponse>('/get-channel', isTask(request) ? channelOfTask(request) : request, options);
  }

  async listChannels(request: ListChannelsRequest, options: CallOptions = {}): Promise<ListChannelsResponse> {
    return this.post<ListChannelsResponse>('/list-channels', request, options);
  }

  /**
   * Close a channel. Given a Flex task, its own channel: `closeChannel(task, { complete: true })`
   * also completes the task (routing `{"status":"closed"}`); without `complete` it goes to wrapping.
   */
  closeChannel(request: CloseChannelRequest, options?: CallOptions): Promise<CloseChannelResponse>;
  closeChannel(task: FlexTaskLike, options?: CloseTaskOptions): Promise<CloseChannelResponse>;
  async closeChannel(request: CloseChannelRequest | FlexTaskLike, options: CloseTaskOptions = {}): Promise<CloseChannelResponse> {
    const body: object = isTask(request)
      ? {
          ...channelOfTask(request),
          ...(options.status ? { status: options.status } : {}),
          ...(options.complete ? { routing: { status: 'closed' } } : {}),
        }
      : request;
    return this.post<CloseChannelResponse>('/close-channel', body, options);
  }

  private async post<T>(path: string, request: object, options: CallOptions): Promise<T> {
    const fetchImpl = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? defaultSleep;
    const until = Date.now() + (options.deadlineMs ?? this.options.deadlineMs);
    for (let attempt = 0; ; attempt++) {
      // A form body and nothing else: fetch sends application/x-www-form-urlencoded, a CORS
      // simple request (no preflight). routing travels as its JSON string, as the service takes it.
      const form = new URLSearchParams();
      for (const [key, value] of Object.entries(request)) {
        if (value !== undefined) form.append(key, typeof value === 'string' ? value : JSON.stringify(value));
      }
      const token = typeof this.options.token === 'function' ? await this.options.token() : this.options.token;
      form.append('Token', token);
      let response: Response;
      try {
        response = await fetchImpl(`${this.options.baseUrl}${path}`, { method: 'POST', body: form, signal: options.signal });
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        throw new FlexInteractionChannelsError({
          code: 'network_error',
          status: 0,
          message: `could not reach the service: ${(err as Error).message}`,
        });
      }
      let json: unknown;
      try {
        json = await response.json();
      } catch {
        throw new FlexInteractionChannelsError({
          code: 'unreadable_response',
          status: response.status,
          message: `HTTP ${response.status} without a JSON body`,
        });
      }
      if (response.ok) return json as T;

      const header = response.headers.get('Retry-After');
      const seconds = header === null || header.trim() === '' ? NaN : Number(header);
      const retryAfter = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
      const waitMs = (retryAfter ?? 1) * 1000;
      if (response.status === 429 && attempt < this.options.maxRetries && Date.now() + waitMs < until) {
        await sleep(waitMs, options.signal);
        continue;
      }
      const error = (json as { error?: ErrorBody }).error;
      if (typeof error !== 'object' || error === null || typeof error.code !== 'string') {
        throw new FlexInteractionChannelsError(
          { code: 'unreadable_response', status: response.status, message: `HTTP ${response.status}` },
          retryAfter,
        );
      }
      throw new FlexInteractionChannelsError(error, retryAfter);
    }
  }
}
