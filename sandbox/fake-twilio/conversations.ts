/**
 * The fake's Conversations (sandbox/fake-twilio.ts routes `/v1/Conversations…` here), the parts
 * park and resume use, in the default Conversation Service's short URLs
 * ("Conversation Scoped Webhook Resource": `GET /v1/Conversations/CHxxx/Webhooks`):
 * - a conversation: fetch and update (`Attributes` JSON, at most 16 KB; `State`);
 * - its messages: list (`Order` asc|desc, `PageSize`) and create (`Author`, `Body`);
 * - its scoped webhooks: list, create (`Target=webhook`, `Configuration.Url`,
 *   `Configuration.Method`, `Configuration.Filters`, `Configuration.ReplayAfter`), fetch,
 *   delete (204, then 404). At most five per conversation, as Twilio documents.
 *
 * A message added (by the API or by `FakeTwilio.addMessage`, the test's customer) is posted to
 * every scoped webhook whose filters include `onMessageAdded`, signed like every Twilio webhook;
 * a webhook created with `ReplayAfter` = n is sent, right after its creation, every message whose
 * index is n or more ("pay specific attention to the ReplayAfter parameter to ensure that you
 * don't miss any messages that arrive while you're configuring the integration").
 */
import type { ServerResponse } from 'node:http';
import type { FakeState, RecordedRequest } from './types';
import { hex, notFound, send, twilioError } from './types';
import { addMessage, deliverMessages, type Delivery } from './conversation-delivery';

export interface MessageState {
  sid: string;
  index: number;
  author: string;
  body: string;
  dateCreated: string;
}

export interface ConversationWebhookState {
  sid: string;
  target: 'webhook';
  url: string;
  method: string;
  filters: string[];
  replayAfter?: number;
  dateCreated: string;
  /** The deliveries of its replay (`ReplayAfter`), for a test to wait on. */
  replayed?: Promise<Delivery[]>;
}

export interface ConversationState {
  sid: string;
  state: 'active' | 'inactive' | 'closed';
  /** JSON text, as Twilio keeps it. */
  attributes: string;
  messages: MessageState[];
  webhooks: ConversationWebhookState[];
}

export interface ConversationsHost extends FakeState {
  readonly conversations: Map<string, ConversationState>;
  nextSid(prefix: string): string;
}

const BASE = 'https://conversations.twilio.com/v1';
/** Twilio: "Each individual Conversation can have as many as five such webhooks". */
export const MAX_SCOPED_WEBHOOKS = 5;
const MAX_ATTRIBUTES_BYTES = 16 * 1024;

export function conversationJson(host: ConversationsHost, c: ConversationState) {
  return {
    account_sid: host.options.accountSid,
    chat_service_sid: `IS${hex(7)}`,
    sid: c.sid,
    state: c.state,
    attributes: c.attributes,
    url: `${BASE}/Conversations/${c.sid}`,
  };
}

function messageJson(host: ConversationsHost, c: ConversationState, m: MessageState) {
  return {
    account_sid: host.options.accountSid,
    conversation_sid: c.sid,
    sid: m.sid,
    index: m.index,
    author: m.author,
    body: m.body,
    attributes: '{}',
    date_created: m.dateCreated,
    url: `${BASE}/Conversations/${c.sid}/Messages/${m.sid}`,
  };
}

function webhookJson(host: ConversationsHost, c: ConversationState, w: ConversationWebhookState) {
  return {
    account_sid: host.options.accountSid,
    conversation_sid: c.sid,
    sid: w.sid,
    target: w.target,
    configuration: { url: w.url, method: w.method, filters: w.filters, ...(w.replayAfter === undefined ? {} : { replay_after: w.replayAfter }) },
    date_created: w.dateCreated,
    url: `${BASE}/Conversations/${c.sid}/Webhooks/${w.sid}`,
  };
}

/** The values of a form field the helper repeats once per item (`Configuration.Filters`). */
const all = (req: RecordedRequest, name: string): string[] => new URLSearchParams(req.rawBody ?? '').getAll(name);

/** Route `/v1/Conversations/{CH}…`; false when the path is not a conversation's. */
export function route(host: ConversationsHost, req: RecordedRequest, res: ServerResponse): boolean {
  const parts = req.path.split('/').filter(Boolean); // v1 Conversations CH [Messages|Webhooks [WH]]
  if (parts[0] !== 'v1' || parts[1] !== 'Conversations' || parts.length < 3) return false;
  const c = host.conversations.get(parts[2]!);
  if (!c) {
    notFound(res, req.path);
    return true;
  }
  const [get, post] = [req.method === 'GET', req.method === 'POST'];
  if (parts.length === 3 && get) send(res, 200, conversationJson(host, c));
  else if (parts.length === 3 && post) updateConversation(host, c, req, res);
  else if (parts[3] === 'Messages' && parts.length === 4 && get) listMessages(host, c, req, res);
  else if (parts[3] === 'Messages' && parts.length === 4 && post) {
    const { message } = addMessage(host, c, String(req.body.Author ?? 'system'), String(req.body.Body ?? ''));
    send(res, 201, messageJson(host, c, message));
  } else if (parts[3] === 'Webhooks' && parts.length === 4 && get) {
    const url = `${BASE}/Conversations/${c.sid}/Webhooks?PageSize=50&Page=0`;
    send(res, 200, {
      webhooks: c.webhooks.map((w) => webhookJson(host, c, w)),
      meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: 'webhooks' },
    });
  } else if (parts[3] === 'Webhooks' && parts.length === 4 && post) createWebhook(host, c, req, res);
  else if (parts[3] === 'Webhooks' && parts.length === 5) {
    const w = c.webhooks.find((x) => x.sid === parts[4]);
    if (!w) notFound(res, req.path);
    else if (get) send(res, 200, webhookJson(host, c, w));
    else if (req.method === 'DELETE') {
      c.webhooks = c.webhooks.filter((x) => x !== w);
      res.writeHead(204).end();
    } else send(res, 405, twilioError(405, 20004, 'Method not allowed'));
  } else send(res, 405, twilioError(405, 20004, 'Method not allowed'));
  return true;
}

function updateConversation(host: ConversationsHost, c: ConversationState, req: RecordedRequest, res: ServerResponse): void {
  if (req.body.Attributes !== undefined) {
    const text = String(req.body.Attributes);
    try {
      JSON.parse(text);
    } catch {
      return send(res, 400, twilioError(400, 50207, 'Attributes must be a valid JSON string'));
    }
    if (Buffer.byteLength(text) > MAX_ATTRIBUTES_BYTES) return send(res, 400, twilioError(400, 50207, 'Attributes are larger than 16 KB'));
    c.attributes = text;
  }
  if (req.body.State !== undefined) {
    if (!['active', 'inactive', 'closed'].includes(String(req.body.State))) return send(res, 400, twilioError(400, 20001, 'Invalid State'));
    c.state = String(req.body.State) as ConversationState['state'];
  }
  send(res, 200, conversationJson(host, c));
}

function listMessages(host: ConversationsHost, c: ConversationState, req: RecordedRequest, res: ServerResponse): void {
  const order = req.query.Order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') return send(res, 400, twilioError(400, 20001, 'Invalid Order'));
  const pageSize = Math.min(100, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
  const sorted = order === 'desc' ? [...c.messages].reverse() : c.messages;
  const url = `${BASE}/Conversations/${c.sid}/Messages?Order=${order}&PageSize=${pageSize}&Page=0`;
  const more = sorted.length > pageSize;
  send(res, 200, {
    messages: sorted.slice(0, pageSize).map((m) => messageJson(host, c, m)),
    meta: {
      page: 0,
      page_size: pageSize,
      first_page_url: url,
      previous_page_url: null,
      url,
      next_page_url: more ? `${url}&PageToken=PT1` : null,
      key: 'messages',
    },
  });
}

function createWebhook(host: ConversationsHost, c: ConversationState, req: RecordedRequest, res: ServerResponse): void {
  if (req.body.Target !== 'webhook') return send(res, 400, twilioError(400, 20001, 'This fake models only Target=webhook'));
  const url = String(req.body['Configuration.Url'] ?? '');
  if (!/^https?:\/\//.test(url)) return send(res, 400, twilioError(400, 20001, 'Configuration.Url is required for a webhook target'));
  const method = String(req.body['Configuration.Method'] ?? 'POST').toUpperCase();
  if (method !== 'POST' && method !== 'GET') return send(res, 400, twilioError(400, 20001, 'Invalid Configuration.Method'));
  const replay = req.body['Configuration.ReplayAfter'];
  if (replay !== undefined && !/^\d+$/.test(String(replay))) return send(res, 400, twilioError(400, 20001, 'Invalid Configuration.ReplayAfter'));
  if (c.webhooks.length >= MAX_SCOPED_WEBHOOKS) return send(res, 400, twilioError(400, 50419, 'A conversation has at most five scoped webhooks'));
  const w: ConversationWebhookState = {
    sid: host.nextSid('WH'),
    target: 'webhook',
    url,
    method,
    filters: all(req, 'Configuration.Filters'),
    ...(replay === undefined ? {} : { replayAfter: Number(replay) }),
    dateCreated: new Date().toISOString(),
  };
  c.webhooks.push(w);
  send(res, 201, webhookJson(host, c, w));
  if (w.replayAfter !== undefined) {
    const missed = c.messages.filter((m) => m.index >= w.replayAfter!);
    // After the answer, as Twilio replays once the webhook exists; a delivery's failure is the receiver's to log.
    if (missed.length > 0)
      w.replayed = new Promise((resolve) => setImmediate(resolve)).then(() => deliverMessages(host, c, missed, w).catch(() => []));
  }
}
