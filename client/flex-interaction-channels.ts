/**
 * A typed client for flex-interaction-channels, for Flex plugins: ESM with its types, no
 * runtime dependencies (`npm run build` writes dist/client/flex-interaction-channels.mjs and
 * .d.ts; or copy client/*.ts into your plugin).
 *
 *   const channels = new FlexInteractionChannelsClient({
 *     baseUrl: 'https://flex-interaction-channels-1234-dev.twil.io',
 *     token: () => manager.user.token,          // read fresh on every call
 *   });
 *   await channels.closeChannel(task, { complete: true });   // a Flex task: its channel closed, tasks completed
 *   await channels.leaveChannel(task, { status: 'wrapup' });  // or: only this agent leaves, the conversation stays open
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

import type {
  GetChannelRequest,
  ListChannelsRequest,
  CloseChannelRequest,
  CloseTaskOptions,
  GetChannelResponse,
  ListChannelsResponse,
  CloseChannelResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  UpdateParticipantRequest,
  UpdateParticipantResponse,
  TransferChannelRequest,
  TransferChannelResponse,
  TransferTarget,
  ErrorBody,
  ClientOptions,
  CallOptions,
  FlexTaskLike,
} from './types';
import type { ListParkedRequest, ListParkedResponse, ParkChannelResponse, ResumeChannelRequest, ResumeChannelResponse } from './park-types';
import { FlexInteractionChannelsError } from './types';

export * from './types';
export * from './park-types';

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

  /** The participants of a channel, by its SIDs or by the Flex task it belongs to. */
  async listParticipants(request: ListParticipantsRequest | FlexTaskLike, options: CallOptions = {}): Promise<ListParticipantsResponse> {
    return this.post<ListParticipantsResponse>('/list-participants', isTask(request) ? channelOfTask(request) : request, options);
  }

  /** Wrap up (`wrapup`) or complete (`closed`) one participant; the channel stays open. */
  async updateParticipant(request: UpdateParticipantRequest, options: CallOptions = {}): Promise<UpdateParticipantResponse> {
    return this.post<UpdateParticipantResponse>('/update-participant', request, options);
  }

  /**
   * The agent leaves the conversation of a Flex task, which stays open for the customer:
   * `leaveChannel(task, { status: 'wrapup' })` wraps their task up, `'closed'` completes it. Their
   * own participant is found by the service from the token. `agentsRemaining: 0` in the answer:
   * nobody else is with the customer.
   */
  async leaveChannel(task: FlexTaskLike, options: CallOptions & { status: 'wrapup' | 'closed' }): Promise<UpdateParticipantResponse> {
    const { status, ...call } = options;
    return this.updateParticipant({ ...channelOfTask(task), status }, call);
  }

  /**
   * Transfer the conversation of a Flex task: `transferChannel(task, { queueSid })` or
   * `{ workerSid }`, `mode` `cold` (default; you leave once the new agent accepted) or `warm`.
   * If it fails, your task's attributes get `transferFailed: { id, reason, at }` (`id` = `transferId`).
   */
  transferChannel(request: TransferChannelRequest, options?: CallOptions): Promise<TransferChannelResponse>;
  transferChannel(
    task: FlexTaskLike,
    options: CallOptions & TransferTarget & { mode?: 'cold' | 'warm'; workflowSid?: string },
  ): Promise<TransferChannelResponse>;
  async transferChannel(
    request: TransferChannelRequest | FlexTaskLike,
    options: CallOptions & Partial<{ queueSid: string; workerSid: string; mode: 'cold' | 'warm'; workflowSid: string }> = {},
  ): Promise<TransferChannelResponse> {
    const { signal, deadlineMs, ...target } = options;
    const body = isTask(request) ? { ...channelOfTask(request), ...target } : request;
    return this.post<TransferChannelResponse>('/transfer-channel', body, { signal, deadlineMs });
  }

  /**
   * Park the conversation of your Flex task: your participant is closed (the task completes),
   * and the customer's next message brings it back (`already_parked` if it is parked already).
   */
  async parkChannel(task: FlexTaskLike, options: CallOptions & { participantSid?: string } = {}): Promise<ParkChannelResponse> {
    const { signal, deadlineMs, participantSid } = options;
    return this.post<ParkChannelResponse>('/park-channel', { ...channelOfTask(task), participantSid }, { signal, deadlineMs });
  }

  /** Resume a parked conversation now (a park from listParked(), or a task's ids): one invite, whoever else resumes it at once. */
  async resumeChannel(request: ResumeChannelRequest | FlexTaskLike, options: CallOptions = {}): Promise<ResumeChannelResponse> {
    const ids = isTask(request) ? channelOfTask(request) : { interactionSid: request.interactionSid, channelSid: request.channelSid };
    return this.post<ResumeChannelResponse>('/resume-channel', ids, options);
  }

  /** The parked conversations you may see (a supervisor all, an agent their own), one page. */
  async listParked(request: ListParkedRequest = {}, options: CallOptions = {}): Promise<ListParkedResponse> {
    return this.post<ListParkedResponse>('/list-parked', request, options);
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
