/**
 * A small stateful stand-in for the parts of Twilio this service talks to, on loopback:
 * - the Flex Interactions Channels API (fetch, list, update) and the channel Participants list;
 * - IAM token validation (`POST /v1/Accounts/{AC}/Tokens/validate`).
 * It keeps state (a close shows on the next fetch), answers errors in Twilio's shape
 * (`code`, `message`, `more_info`, `status`), checks Basic auth like Twilio, records every
 * request it receives, and injects faults on demand (4xx/5xx, 429 with or without
 * `Retry-After`, slow answers, reset connections, bodies that are not JSON).
 *
 * It backs `npm start`'s offline sandbox, the end-to-end tests and the benchmark.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FakeTaskRouter } from './fake-taskrouter';

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
  /** Which credentials came in Basic auth (the user part), if any. */
  basicUser?: string;
}

export type Fault =
  | { kind: 'status'; status: number; code?: number; message?: string; retryAfter?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'not-json'; status?: number }
  /** Any JSON answer, e.g. IAM saying something it never says for a real token. */
  | { kind: 'answer'; status: number; body: unknown }
  /** The status line and part of a JSON body, then the connection is cut. */
  | { kind: 'truncate' };

interface PendingFault {
  match: (req: RecordedRequest) => boolean;
  fault: Fault;
  remaining: number;
}

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  apiKey?: string;
  apiSecret?: string;
}

const API = 'https://flex-api.twilio.com/v1';
const hex = (n: number, width = 32) => n.toString(16).padStart(width, '0');

function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

export class FakeTwilio {
  readonly channels = new Map<string, ChannelState>();
  readonly interactions = new Map<string, string[]>();
  readonly participants = new Map<string, ParticipantState[]>();
  readonly tokens = new Map<string, TokenState>();
  readonly requests: RecordedRequest[] = [];
  private faults: PendingFault[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private counter = 0;
  /** API keys of the account that callers may present (SID → secret); revoke by deleting. */
  readonly callerKeys = new Map<string, string>();
  /** TaskRouter's tasks (sandbox/fake-taskrouter.ts), which the orphan guard reads. */
  readonly taskRouter = new FakeTaskRouter();
  /** Added to every answer, to model Twilio's own latency (the benchmark uses it). */
  latencyMs = 0;

  constructor(private readonly options: FakeTwilioOptions) {}

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
      const participants: ParticipantState[] = [{ sid: this.nextSid('UT'), type: 'customer' }];
      for (const workerSid of spec.workers ?? []) participants.push({ sid: this.nextSid('UT'), type: 'agent', workerSid, workerKey: spec.workerKey });
      this.participants.set(sid, participants);
      channelSids.push(sid);
    }
    this.interactions.set(interactionSid, [...(this.interactions.get(interactionSid) ?? []), ...channelSids]);
    return { interactionSid, channelSids };
  }

  /** Make `token` a valid Flex token (or an expired one, with an expiration in the past). */
  addToken(token: string, state: Partial<TokenState> & { identity: string }): void {
    this.tokens.set(token, {
      roles: ['agent'],
      expiration: new Date(Date.now() + 3600_000).toISOString(),
      ...state,
    });
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

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    const address = server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 1024 * 1024) break;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private basicUser(req: IncomingMessage): { user: string; password: string } | undefined {
    const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (!match) return undefined;
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
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

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await this.readBody(req);
    let body: Record<string, unknown> = {};
    if ((req.headers['content-type'] ?? '').includes('application/json')) {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
    } else {
      body = Object.fromEntries(new URLSearchParams(raw));
    }
    const creds = this.basicUser(req);
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      search: url.search,
      body,
      basicUser: creds?.user,
    };
    this.requests.push(recorded);

    const pending = this.faults.find((f) => f.remaining > 0 && f.match(recorded));
    if (pending) {
      pending.remaining -= 1;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      const fault = pending.fault;
      if (fault.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (fault.kind === 'answer') {
        this.send(res, fault.status, fault.body);
        return;
      }
      if (fault.kind === 'truncate') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
        res.write('{"sid": "UO');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      if (fault.kind === 'not-json') {
        res.writeHead(fault.status ?? 200, { 'Content-Type': 'text/html' });
        res.end('<html><body>Bad Gateway</body></html>');
        return;
      }
      if (fault.kind === 'status') {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
        this.send(res, fault.status, twilioError(fault.status, fault.code ?? fault.status * 100, fault.message ?? 'Injected fault'), headers);
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.ms);
        timer.unref();
        req.socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (res.destroyed || req.socket.destroyed) return;
    }

    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (!this.authorized(creds)) {
      this.send(res, 401, twilioError(401, 20003, 'Authenticate'), { 'WWW-Authenticate': 'Basic realm="Twilio API"' });
      return;
    }
    this.route(recorded, res);
  }

  private route(req: RecordedRequest, res: ServerResponse): void {
    const parts = req.path.split('/').filter(Boolean);
    // /v1/Accounts/{AC}/Tokens/validate
    if (req.method === 'POST' && parts.length === 5 && parts[1] === 'Accounts' && parts[3] === 'Tokens' && parts[4] === 'validate') {
      this.validateToken(parts[2]!, req, res);
      return;
    }
    // /2010-04-01/Accounts/{AC}/Queues.json: what the functions read to check a caller's API key.
    if (req.method === 'GET' && parts[0] === '2010-04-01' && parts[1] === 'Accounts' && parts[3] === 'Queues.json' && parts.length === 4) {
      if (parts[2] !== this.options.accountSid)
        return this.send(res, 404, twilioError(404, 20404, `The requested resource ${req.path} was not found`));
      this.send(res, 200, {
        queues: [],
        start: 0,
        end: 0,
        page: 0,
        page_size: Number(req.query.PageSize ?? 50),
        uri: req.path,
        first_page_uri: req.path,
        next_page_uri: null,
        previous_page_uri: null,
      });
      return;
    }
    if (this.taskRouter.route(req, res, (r, status, body) => this.send(r, status, body))) return;
    if (parts[0] !== 'v1' || parts[1] !== 'Interactions' || parts.length < 4 || parts[3] !== 'Channels') {
      this.send(res, 404, twilioError(404, 20404, `The requested resource ${req.path} was not found`));
      return;
    }
    const interactionSid = parts[2]!;
    const channelSid = parts[4];
    if (parts.length === 4 && req.method === 'GET') return this.listChannels(interactionSid, req, res);
    if (parts.length === 5 && req.method === 'GET') return this.fetchChannel(interactionSid, channelSid!, req, res);
    if (parts.length === 5 && req.method === 'POST') return this.updateChannel(interactionSid, channelSid!, req, res);
    if (parts.length === 6 && parts[5] === 'Participants' && req.method === 'GET') {
      return this.listParticipants(interactionSid, channelSid!, req, res);
    }
    this.send(res, 405, twilioError(405, 20004, 'Method not allowed'));
  }

  private channelJson(c: ChannelState) {
    const url = `${API}/Interactions/${c.interactionSid}/Channels/${c.sid}`;
    return {
      sid: c.sid,
      interaction_sid: c.interactionSid,
      type: c.type,
      status: c.status,
      error_code: c.errorCode,
      error_message: c.errorMessage,
      url,
      links: { participants: `${url}/Participants`, invites: `${url}/Invites`, transfers: `${url}/Transfers` },
    };
  }

  private findChannel(interactionSid: string, channelSid: string): ChannelState | undefined {
    const channel = this.channels.get(channelSid);
    return channel?.interactionSid === interactionSid ? channel : undefined;
  }

  private notFound(res: ServerResponse, path: string): void {
    this.send(res, 404, twilioError(404, 20404, `The requested resource ${path} was not found`));
  }

  private page(req: RecordedRequest, key: string, items: unknown[]) {
    const pageSize = Math.min(1000, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
    const url = `${API}${req.path.slice(3)}?PageSize=${pageSize}&Page=0`;
    return {
      [key]: items.slice(0, pageSize),
      meta: { page: 0, page_size: pageSize, first_page_url: url, previous_page_url: null, url, next_page_url: null, key },
    };
  }

  private listChannels(interactionSid: string, req: RecordedRequest, res: ServerResponse): void {
    const sids = this.interactions.get(interactionSid);
    if (!sids) return this.notFound(res, req.path);
    this.send(
      res,
      200,
      this.page(
        req,
        'channels',
        sids.map((sid) => this.channelJson(this.channels.get(sid)!)),
      ),
    );
  }

  private fetchChannel(interactionSid: string, channelSid: string, req: RecordedRequest, res: ServerResponse): void {
    const channel = this.findChannel(interactionSid, channelSid);
    if (!channel) return this.notFound(res, req.path);
    this.send(res, 200, this.channelJson(channel));
  }

  private updateChannel(interactionSid: string, channelSid: string, req: RecordedRequest, res: ServerResponse): void {
    const channel = this.findChannel(interactionSid, channelSid);
    if (!channel) return this.notFound(res, req.path);
    const status = req.body.Status;
    if (status !== 'closed' && status !== 'inactive') {
      return this.send(res, 400, twilioError(400, 20001, 'Invalid channel status'));
    }
    let routingStatus: string | undefined;
    if (req.body.Routing !== undefined) {
      let routing: unknown;
      try {
        routing = JSON.parse(String(req.body.Routing));
      } catch {
        return this.send(res, 400, twilioError(400, 20001, 'Routing must be a JSON object'));
      }
      const r = routing as { status?: unknown } | null;
      if (typeof r !== 'object' || r === null || Array.isArray(r) || r.status !== 'closed') {
        return this.send(res, 400, twilioError(400, 20001, 'Invalid routing status'));
      }
      routingStatus = 'closed';
    }
    if (status === 'inactive' && routingStatus === undefined) {
      return this.send(res, 400, twilioError(400, 20001, 'Routing status is required when the channel status is inactive'));
    }
    if (channel.status === 'closed') {
      return this.send(res, 409, twilioError(409, 45004, 'The channel is already closed'));
    }
    channel.status = status;
    channel.routingStatus = routingStatus;
    channel.taskStatus = routingStatus === 'closed' ? 'completed' : 'wrapping';
    this.send(res, 200, this.channelJson(channel));
  }

  private listParticipants(interactionSid: string, channelSid: string, req: RecordedRequest, res: ServerResponse): void {
    const channel = this.findChannel(interactionSid, channelSid);
    if (!channel) return this.notFound(res, req.path);
    const items = (this.participants.get(channelSid) ?? []).map((p) => ({
      sid: p.sid,
      channel_sid: channelSid,
      interaction_sid: interactionSid,
      type: p.type,
      routing_properties: p.workerSid
        ? {
            workspace_sid: `WS${hex(1)}`,
            task_sid: `WT${hex(1)}`,
            ...(p.workerKey === 'none' ? {} : { [p.workerKey ?? 'worker_sid']: p.workerSid }),
            status: 'accepted',
          }
        : null,
      url: `${API}/Interactions/${interactionSid}/Channels/${channelSid}/Participants/${p.sid}`,
    }));
    this.send(res, 200, this.page(req, 'participants', items));
  }

  private validateToken(accountSid: string, req: RecordedRequest, res: ServerResponse): void {
    if (accountSid !== this.options.accountSid) {
      return this.send(res, 403, twilioError(403, 20003, 'Permission denied'));
    }
    const token = req.body.token;
    const state = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!state) return this.send(res, 200, { valid: false, code: 20101, message: 'Invalid Access Token' });
    if (Date.parse(state.expiration) <= Date.now()) {
      return this.send(res, 200, { valid: false, code: 20104, message: 'Access Token expired or expiration date invalid' });
    }
    this.send(res, 200, {
      valid: true,
      code: 0,
      message: null,
      expiration: state.expiration,
      realm_user_id: `US${hex(7)}`,
      identity: state.identity,
      roles: state.roles,
      worker_sid: state.workerSid ?? null,
      flex_instance_sid: `GO${hex(1)}`,
      flex_user_sid: `FU${hex(1)}`,
    });
  }
}

/**
 * A string shaped like a Flex token: a JWE in compact form with `"alg":"dir"` (header, empty
 * key, IV, ciphertext, tag), its parts made from `label`. It encrypts nothing: only IAM (here,
 * this fake) says whether it is valid, which is all the functions ask.
 */
export function flexTokenLike(label: string): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  return [
    b64(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'fake' })),
    '',
    b64(`iv-${label}`),
    b64(`ciphertext of ${label}`),
    b64(`tag-${label}`),
  ].join('.');
}
