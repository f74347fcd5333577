/**
 * A small stateful stand-in for the parts of Twilio this service talks to, on loopback: the Flex
 * Interactions Channels API (fake-twilio/channels.ts), channel Participants (participants.ts),
 * Invites and their tasks' routing (transfers.ts), TaskRouter (../fake-taskrouter.ts), IAM
 * token validation (iam.ts), Conversations (conversations.ts; every channel has one) and Sync
 * maps (sync.ts).
 * It keeps state (a close shows on the next fetch), answers errors in Twilio's shape
 * (`code`, `message`, `more_info`, `status`), checks Basic auth like Twilio, records every
 * request it receives, and injects faults on demand (4xx/5xx, 429 with or without
 * `Retry-After`, slow answers, reset connections, bodies that are not JSON).
 *
 * It backs `npm start`'s offline sandbox, the end-to-end tests and the benchmark. It shows only
 * what Twilio's OpenAPI shows; what it must assume beyond Twilio's documents is listed, each
 * with why it is the safe reading, in sandbox/ASSUMPTIONS.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChannelState, Fault, FakeState, FakeTwilioOptions, ParticipantState, RecordedRequest, TokenState } from './fake-twilio/types';

import { hex, notFound, send, twilioError } from './fake-twilio/types';
import { routeInteractions } from './fake-twilio/interactions';
import * as iam from './fake-twilio/iam';
import * as conversations from './fake-twilio/conversations';
import * as delivery from './fake-twilio/conversation-delivery';
import { FakeSync } from './fake-twilio/sync';
import { LoopbackServer, applyFault, basicUser, parseBody, readBody } from './fake-twilio/wire';
import { FakeTaskRouter } from './fake-taskrouter';
import { Router, addAgentTask, deliver, moveTask, type InviteState } from './fake-twilio/transfers';

export type { ChannelState, Fault, FakeTwilioOptions, ParticipantState, RecordedRequest, TokenState } from './fake-twilio/types';
export { flexTokenLike } from './fake-twilio/iam';

interface PendingFault {
  match: (req: RecordedRequest) => boolean;
  fault: Fault;
  remaining: number;
}

export class FakeTwilio implements FakeState {
  readonly channels = new Map<string, ChannelState>();
  readonly interactions = new Map<string, string[]>();
  readonly participants = new Map<string, ParticipantState[]>();
  readonly tokens = new Map<string, TokenState>();
  readonly requests: RecordedRequest[] = [];
  private faults: PendingFault[] = [];
  private readonly server = new LoopbackServer();
  private counter = 0;
  /** API keys of the account that callers may present (SID → secret); revoke by deleting. */
  readonly callerKeys = new Map<string, string>();
  /** TaskRouter's workspaces, tasks and reservations (sandbox/fake-taskrouter.ts). */
  readonly taskRouter = new FakeTaskRouter();
  /** Invites created, and the routing of their tasks (sandbox/fake-twilio/transfers.ts). */
  readonly invites: InviteState[] = [];
  readonly router = new Router(this);
  /** Conversations by SID (sandbox/fake-twilio/conversations.ts); `conversationOf` finds a channel's. */
  readonly conversations = new Map<string, conversations.ConversationState>();
  private readonly conversationOfChannel = new Map<string, string>();
  /** Sync services, maps and items (sandbox/fake-twilio/sync.ts). */
  readonly sync: FakeSync;
  /** Added to every answer, to model Twilio's own latency (the benchmark uses it). */
  latencyMs = 0;

  /** Largest page answered, whatever PageSize asks (Twilio's is 1000); lower it to make lists page. */
  maxPageSize = 1000;
  /** For the benchmark: participant updates are answered as applied but change nothing (see FakeState). */
  participantUpdatesKeepState = false;

  constructor(readonly options: FakeTwilioOptions) {
    this.sync = new FakeSync(options.accountSid);
  }

  /** A fresh SID with a given prefix (deterministic, so tests and the sandbox can print them). */
  nextSid(prefix: string): string {
    this.counter += 1;
    return `${prefix}${hex(this.counter)}`;
  }

  /** Add an interaction with channels; returns the SIDs. */
  addInteraction(
    channels: Array<{ type?: string; status?: string; sid?: string; workers?: string[]; workerKey?: ParticipantState['workerKey'] }>,
    interactionSid = this.nextSid('KD'),
  ): { interactionSid: string; channelSids: string[] } {
    const channelSids: string[] = [];
    for (const spec of channels) {
      const sid = spec.sid ?? this.nextSid('UO');
      this.channels.set(sid, {
        sid,
        interactionSid,
        type: spec.type ?? 'chat',
        status: spec.status ?? 'active',
        errorCode: null,
        errorMessage: null,
      });
      const conversationSid = this.nextSid('CH');
      this.conversations.set(conversationSid, { sid: conversationSid, state: 'active', attributes: '{}', messages: [], webhooks: [] });
      this.conversationOfChannel.set(sid, conversationSid);
      const participants: ParticipantState[] = [{ sid: this.nextSid('UT'), type: 'customer' }];
      this.participants.set(sid, participants);
      for (const workerSid of spec.workers ?? []) this.addParticipant(sid, { type: 'agent', workerSid, workerKey: spec.workerKey });
      channelSids.push(sid);
    }
    this.interactions.set(interactionSid, [...(this.interactions.get(interactionSid) ?? []), ...channelSids]);
    return { interactionSid, channelSids };
  }

  /** Add a participant to a channel (an agent gets a task in TaskRouter, assigned, and a reservation of its own); returns it. */
  addParticipant(channelSid: string, spec: Omit<ParticipantState, 'sid'> & { sid?: string }): ParticipantState {
    const agent = spec.type === 'agent';
    const participant: ParticipantState = {
      ...(agent ? { taskSid: this.nextSid('WT'), reservationSid: this.nextSid('WR'), taskStatus: 'assigned' as const } : {}),
      ...spec,
      sid: spec.sid ?? this.nextSid('UT'),
    };
    this.participants.set(channelSid, [...(this.participants.get(channelSid) ?? []), participant]);
    if (agent && participant.taskSid) addAgentTask(this, channelSid, participant);
    return participant;
  }

  /** Add `extra` to an agent participant's task attributes in TaskRouter (every agent has its task: addParticipant). */
  addAgentTask(channelSid: string, participant: ParticipantState, extra: Record<string, unknown> = {}): void {
    addAgentTask(this, channelSid, participant, extra);
  }

  /** An agent leaves as a participant update would make them (their task wrapping or completed), without a request: for tests arranging a state. */
  agentLeft(participant: ParticipantState, status: 'wrapup' | 'closed'): void {
    participant.status = status;
    participant.taskStatus = status === 'wrapup' ? 'wrapping' : 'completed';
    moveTask(this, participant.taskSid, participant.taskStatus);
  }

  /** The conversation (CH…) of an interaction channel. */
  conversationOf(channelSid: string): string | undefined {
    return this.conversationOfChannel.get(channelSid);
  }

  closeConversationOf(channelSid: string): void {
    const c = this.conversations.get(this.conversationOfChannel.get(channelSid) ?? '');
    if (c) c.state = 'closed';
  }

  /** The customer (or anyone) writes in a conversation: the message is added and posted to its webhooks, all at once. */
  addMessage(conversationSid: string, message: { author: string; body: string }): Promise<delivery.Delivery[]> {
    const c = this.conversations.get(conversationSid);
    if (!c) throw new Error(`the fake has no conversation ${conversationSid}`);
    return delivery.addMessage(this, c, message.author, message.body).deliveries;
  }

  /** The form Twilio posts for `onMessageAdded` of a message (for a test that delivers it itself with deliverEvent). */
  messageEvent(conversationSid: string, message: conversations.MessageState): Record<string, string> {
    return delivery.messageEvent(this, this.conversations.get(conversationSid)!, message);
  }

  /** Post TaskRouter events to an Event Callback URL, signed with the account's auth token. */
  deliverEvent(url: string, params: Record<string, string>): Promise<{ status: number; body: any }> {
    return deliver(this.options.authToken, url, params);
  }

  /** The participant updates received (`POST …/Participants/{UT}`). */
  participantUpdates(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/Participants\/UT[0-9a-fA-F]{32}$/.test(r.path));
  }

  /** Make `token` a valid Flex token (or an expired one, with an expiration in the past). */
  addToken(token: string, state: Partial<TokenState> & { identity: string }): void {
    this.tokens.set(token, { roles: ['agent'], expiration: new Date(Date.now() + 3600_000).toISOString(), ...state });
  }

  /** The next `times` requests that `match` get `fault` instead of their normal answer. */
  inject(fault: Fault, match: (req: RecordedRequest) => boolean = () => true, times = 1): void {
    this.faults.push({ match, fault, remaining: times });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Forget what was recorded (state stays). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Requests to the REST API (not IAM). */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith('/v1/Interactions'));
  }

  /** Requests to IAM token validation. */
  iamRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/Tokens/validate'));
  }

  /** Listen on loopback; returns the base URL. */
  start(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.server.start((req, res) => this.handle(req, res), port, host);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private authorized(creds: { user: string; password: string } | undefined): boolean {
    if (!creds) return false;
    const { accountSid, authToken, apiKey, apiSecret } = this.options;
    return (
      (creds.user === accountSid && creds.password === authToken) ||
      (apiKey !== undefined && creds.user === apiKey && creds.password === apiSecret) ||
      (this.callerKeys.has(creds.user) && this.callerKeys.get(creds.user) === creds.password)
    );
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const body = parseBody(raw, req.headers['content-type']);
    const creds = basicUser(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      search: url.search,
      body,
      rawBody: raw,
      basicUser: creds?.user,
      ...(typeof req.headers['if-match'] === 'string' ? { ifMatch: req.headers['if-match'] } : {}),
    };
    this.requests.push(recorded);

    const pending = this.faults.find((f) => f.remaining > 0 && f.match(recorded));
    if (pending) {
      pending.remaining -= 1;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      if (await applyFault(pending.fault, req, res)) return;
    }

    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (!this.authorized(creds)) {
      send(res, 401, twilioError(401, 20003, 'Authenticate'), { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
      return;
    }
    this.route(recorded, res);
  }

  private route(req: RecordedRequest, res: ServerResponse): void {
    const parts = req.path.split('/').filter(Boolean);
    // /v1/Accounts/{AC}/Tokens/validate
    if (req.method === 'POST' && parts.length === 5 && parts[1] === 'Accounts' && parts[3] === 'Tokens' && parts[4] === 'validate') {
      iam.validateToken(this, parts[2]!, req, res);
      return;
    }
    // /2010-04-01/Accounts/{AC}/Queues.json: what the functions read to check a caller's API key.
    if (req.method === 'GET' && parts[0] === '2010-04-01' && parts[1] === 'Accounts' && parts[3] === 'Queues.json' && parts.length === 4) {
      return iam.listQueues(this, parts[2]!, req, res);
    }
    if (this.taskRouter.route(req, res, send) || conversations.route(this, req, res) || this.sync.route(req, res)) return;
    if (!routeInteractions(this, req, res)) notFound(res, req.path);
  }
}
