/**
 * A typed client for flex-interaction-channels, for Flex plugins. One file, no dependencies:
 * copy it into your plugin (e.g. src/services/) and pass the agent's token in.
 *
 *   const channels = new FlexInteractionChannelsClient({
 *     baseUrl: 'https://flex-interaction-channels-1234-dev.twil.io',
 *     token: () => manager.user.token,
 *   });
 *   const { channel, taskStatus } = await channels.closeChannel({ interactionSid, channelSid, routing: { status: 'closed' } });
 *
 * Errors of the service's contract come back as `FlexInteractionChannelsError` (with `code`,
 * `status`, `details`); a 429 is retried, waiting as long as `Retry-After` says, up to `maxRetries`.
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

export interface CloseChannelRequest {
  interactionSid: string;
  channelSid: string;
  /** Default `closed`; `inactive` needs `routing`. */
  status?: 'closed' | 'inactive';
  /** `{ status: 'closed' }` completes the channel's tasks; without it they go to wrapping. */
  routing?: Routing;
}

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
  /** The agent's Flex token; a function, so a renewed token is used (`() => manager.user.token`). */
  token: string | (() => string);
  /** How many times a 429 is retried (default 2). */
  maxRetries?: number;
  /** Longest wait between retries, in seconds (default 10). */
  maxRetryAfter?: number;
  /** For tests or other runtimes; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Defaults to setTimeout; for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export class FlexInteractionChannelsClient {
  private readonly options: Required<Omit<ClientOptions, 'fetch' | 'sleep'>> & Pick<ClientOptions, 'fetch' | 'sleep'>;

  constructor(options: ClientOptions) {
    this.options = { maxRetries: 2, maxRetryAfter: 10, ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  getChannel(request: GetChannelRequest): Promise<GetChannelResponse> {
    return this.post<GetChannelResponse>('/get-channel', request);
  }

  listChannels(request: ListChannelsRequest): Promise<ListChannelsResponse> {
    return this.post<ListChannelsResponse>('/list-channels', request);
  }

  closeChannel(request: CloseChannelRequest): Promise<CloseChannelResponse> {
    return this.post<CloseChannelResponse>('/close-channel', request);
  }

  private async post<T>(path: string, body: object): Promise<T> {
    const fetchImpl = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0; ; attempt++) {
      const token = typeof this.options.token === 'function' ? this.options.token() : this.options.token;
      let response: Response;
      try {
        response = await fetchImpl(`${this.options.baseUrl}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
          body: JSON.stringify(body),
        });
      } catch (err) {
        throw new FlexInteractionChannelsError({ code: 'network_error', status: 0, message: `could not reach the service: ${(err as Error).message}` });
      }
      let json: unknown;
      try {
        json = await response.json();
      } catch {
        throw new FlexInteractionChannelsError({ code: 'unreadable_response', status: response.status, message: `HTTP ${response.status} without a JSON body` });
      }
      if (response.ok) return json as T;

      const header = response.headers.get('Retry-After');
      const seconds = header === null || header.trim() === '' ? NaN : Number(header);
      const retryAfter = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
      if (response.status === 429 && attempt < this.options.maxRetries && (retryAfter ?? 1) <= this.options.maxRetryAfter) {
        await sleep((retryAfter ?? 1) * 1000);
        continue;
      }
      const error = (json as { error?: ErrorBody }).error;
      if (typeof error !== 'object' || error === null || typeof error.code !== 'string') {
        throw new FlexInteractionChannelsError({ code: 'unreadable_response', status: response.status, message: `HTTP ${response.status}` }, retryAfter);
      }
      throw new FlexInteractionChannelsError(error, retryAfter);
    }
  }
}
