/** The fake's state and wire shapes, shared by its resources (sandbox/fake-twilio.ts is the front door). */
import type { ServerResponse } from 'node:http';
import type { FakeTaskRouter } from '../fake-taskrouter';

export interface ChannelState {
  sid: string;
  interactionSid: string;
  type: string;
  status: string;
  errorCode: number | null;
  errorMessage: string | null;
  /** The routing status sent with the last close, if any. */
  routingStatus?: string;
  /** The tasks' state after the last close (the reference's table). */
  taskStatus?: 'wrapping' | 'completed';
}

export interface ParticipantState {
  sid: string;
  type: 'agent' | 'customer' | 'supervisor' | 'external' | 'unknown';
  workerSid?: string;
  /** How routing_properties names the worker: Twilio leaves the field untyped. */
  workerKey?: 'worker_sid' | 'workerSid' | 'none';
  /** The agent's task and reservation (made up when the participant is added). */
  taskSid?: string;
  reservationSid?: string;
  /** The last Status the participant was updated with (Twilio documents no status field). */
  status?: 'wrapup' | 'closed';
  /** Its task: assigned until the participant wraps up (wrapping) or closes (completed). */
  taskStatus?: 'assigned' | 'wrapping' | 'completed';
}

export interface TokenState {
  identity: string;
  roles: string[];
  workerSid?: string;
  /** ISO date; in the past means expired. */
  expiration: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw query string (a repeated parameter keeps every value here). */
  search?: string;
  /** Form fields (REST API) or the JSON body (IAM). */
  body: Record<string, unknown>;
  /** The body as it came (a form's repeated fields, e.g. `Configuration.Filters`, are all here). */
  rawBody?: string;
  /** Which credentials came in Basic auth (the user part), if any. */
  basicUser?: string;
  /** The If-Match header, if any (TaskRouter Task updates, Sync Map Item updates and deletes). */
  ifMatch?: string;
}

export type Fault =
  | { kind: 'status'; status: number; code?: number; message?: string; retryAfter?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'not-json'; status?: number }
  /** Any JSON answer, e.g. IAM saying something it never says for a real token. */
  | { kind: 'answer'; status: number; body: unknown }
  /** The status line and part of a JSON body, then the connection is cut. */
  | { kind: 'truncate' }
  /** Hold each matching request until `count` of them arrived (or 5 s passed), then answer them normally: a race made certain. */
  | { kind: 'together'; count: number; arrived?: number; open?: () => void; opened?: Promise<void> };

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  apiKey?: string;
  apiSecret?: string;
}

/** What a resource's handlers read and change. */
export interface FakeState {
  readonly taskRouter: FakeTaskRouter;
  readonly options: FakeTwilioOptions;
  readonly channels: Map<string, ChannelState>;
  readonly interactions: Map<string, string[]>;
  readonly participants: Map<string, ParticipantState[]>;
  readonly tokens: Map<string, TokenState>;
  /** Largest page the fake answers, whatever PageSize asks (Twilio's is 1000). */
  maxPageSize: number;
  /**
   * For the benchmark only, which repeats one update under load: a participant update is
   * answered as applied but changes nothing, so the next one is accepted too.
   */
  participantUpdatesKeepState: boolean;
  /** A channel closed: its conversation closes too (Flex closes the media channel with the interaction channel). */
  closeConversationOf(channelSid: string): void;
}

export const API = 'https://flex-api.twilio.com/v1';
export const hex = (n: number, width = 32) => n.toString(16).padStart(width, '0');

export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function notFound(res: ServerResponse, path: string): void {
  send(res, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
}

/**
 * One page of a list, as Twilio's v1 APIs page them: `PageSize` (at most `maxPageSize`), `Page`,
 * and a `next_page_url` (with a `PageToken`) while items remain.
 */
export function page(state: FakeState, req: RecordedRequest, key: string, items: unknown[]) {
  const pageSize = Math.min(state.maxPageSize, 1000, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
  const index = Math.max(0, Number(req.query.Page ?? 0) || 0);
  const at = (n: number) => `${API}${req.path.slice(3)}?PageSize=${pageSize}&Page=${n}${n > 0 ? `&PageToken=PT${n}` : ''}`;
  const more = (index + 1) * pageSize < items.length;
  return {
    [key]: items.slice(index * pageSize, (index + 1) * pageSize),
    meta: {
      page: index,
      page_size: pageSize,
      first_page_url: at(0),
      previous_page_url: index > 0 ? at(index - 1) : null,
      url: at(index),
      next_page_url: more ? at(index + 1) : null,
      key,
    },
  };
}

export function findChannel(state: FakeState, interactionSid: string, channelSid: string): ChannelState | undefined {
  const channel = state.channels.get(channelSid);
  return channel?.interactionSid === interactionSid ? channel : undefined;
}
