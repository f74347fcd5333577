/**
 * How the fake's conversations (conversations.ts) tell webhooks about messages: the form Twilio
 * posts for `onMessageAdded`, signed like every Twilio webhook, sent to every scoped webhook
 * that listens for it.
 */
import type { ConversationState, ConversationsHost, ConversationWebhookState, MessageState } from './conversations';
import { hex } from './types';
import { deliver } from './transfers';

export type Delivery = { url: string; status: number; body: unknown };

/** The form Twilio posts to a webhook for `onMessageAdded`. */
export function messageEvent(host: ConversationsHost, c: ConversationState, m: MessageState, webhookSid = ''): Record<string, string> {
  return {
    AccountSid: host.options.accountSid,
    ChatServiceSid: `IS${hex(7)}`,
    EventType: 'onMessageAdded',
    ConversationSid: c.sid,
    MessageSid: m.sid,
    Index: String(m.index),
    Author: m.author,
    Body: m.body,
    Attributes: '{}',
    DateCreated: m.dateCreated,
    Source: 'API',
    RetryCount: '0',
    WebhookType: 'webhook',
    WebhookSid: webhookSid,
  };
}

/** Post `messages` to every webhook of `c` that listens for them, all at once. */
export function deliverMessages(
  host: ConversationsHost,
  c: ConversationState,
  messages: MessageState[],
  only?: ConversationWebhookState,
): Promise<Delivery[]> {
  const hooks = (only ? [only] : c.webhooks).filter((w) => w.filters.includes('onMessageAdded'));
  return Promise.all(
    hooks.flatMap((w) =>
      messages.map(async (m) => ({ url: w.url, ...(await deliver(host.options.authToken, reachable(w.url), messageEvent(host, c, m, w.sid))) })),
    ),
  );
}

/**
 * Where a webhook URL is reached from here: a loopback https URL (what a function running behind
 * the local gateway names as its own) is reached over http, and signed over https, as the local
 * gateway, like Twilio's, reconstructs it (`deliver`'s default).
 */
function reachable(url: string): string {
  const u = new URL(url);
  return u.protocol === 'https:' && ['127.0.0.1', 'localhost'].includes(u.hostname) ? url.replace(/^https:/, 'http:') : url;
}

/** Add a message to `c` (as its author wrote it) and post it to the webhooks. */
export function addMessage(
  host: ConversationsHost,
  c: ConversationState,
  author: string,
  body: string,
): { message: MessageState; deliveries: Promise<Delivery[]> } {
  const message: MessageState = { sid: host.nextSid('IM'), index: c.messages.length, author, body, dateCreated: new Date().toISOString() };
  c.messages.push(message);
  return { message, deliveries: deliverMessages(host, c, [message]) };
}
