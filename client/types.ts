/**
 * The types of the service's contract as a Flex plugin sees them (checked against the service's
 * zod schemas in test/unit/client.test.ts), and the client's error.
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

export type ParticipantType = 'agent' | 'customer' | 'supervisor' | 'external' | 'unknown' | (string & {});

/** A channel participant; `workerSid`, `taskSid` and `reservationSid` are an agent's (null otherwise). */
export interface Participant {
  sid: string;
  type: ParticipantType | null;
  workerSid: string | null;
  taskSid: string | null;
  reservationSid: string | null;
}

export interface ListParticipantsRequest {
  interactionSid: string;
  channelSid: string;
}

export interface ListParticipantsResponse {
  interactionSid: string;
  channelSid: string;
  participants: Participant[];
  count: number;
}

export interface UpdateParticipantRequest {
  interactionSid: string;
  channelSid: string;
  /** `wrapup`: the agent's task goes to wrapping; `closed`: it completes. The channel stays open. */
  status: 'wrapup' | 'closed';
  /** UT…; a Flex agent may leave it out: their own participant on the channel. */
  participantSid?: string;
}

export interface UpdateParticipantResponse {
  participant: Participant;
  status: 'wrapup' | 'closed';
  taskStatus: 'wrapping' | 'completed';
  /** Other agents still on the channel; 0: the customer is left with nobody (offer park or close). */
  agentsRemaining: number;
}

/** A transfer's target: exactly one of a queue (WQ…) and a worker (WK…, routed through the agent's task queue). */
export type TransferTarget = { queueSid: string; workerSid?: never } | { workerSid: string; queueSid?: never };

export type TransferChannelRequest = TransferTarget & {
  interactionSid: string;
  channelSid: string;
  workflowSid?: string;
  /** UT…; a Flex agent may leave it out: their own participant. */
  participantSid?: string;
  /** `cold` (default): the agent leaves once the new agent accepted; `warm`: both stay. */
  mode?: 'cold' | 'warm';
};

export interface TransferChannelResponse {
  /** Also in the new task's `transfer.id`, and in `transferFailed.id` on your task if it fails. */
  transferId: string;
  mode: 'cold' | 'warm';
  invite: { sid: string };
  task: { sid: string | null };
  from: { participantSid: string; workerSid: string | null; taskSid: string };
  to: { queueSid: string | null; workerSid: string | null; workflowSid: string | null };
  workspaceSid: string;
}

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'already_parked'
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
