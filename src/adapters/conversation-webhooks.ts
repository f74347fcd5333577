/**
 * The conversation-scoped webhook that watches a parked conversation for the customer's next
 * message (Conversations "Conversation Scoped Webhook Resource": target `webhook`,
 * `Configuration.Url`, `Configuration.Method`, `Configuration.Filters` = `onMessageAdded`, at most
 * five per conversation). `Configuration.ReplayAfter` is the index of the first message after
 * the last one read at park time: Twilio delivers every message with an index from it on right
 * after creation, so a customer message that came while the agent's participant was being closed
 * is not missed (the page's own advice for bot integrations).
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';

import * as errors from '../edge/errors';

/** Our protected endpoint for onMessageAdded (src/contract/api.ts, CONVERSATIONS_WEBHOOK). */
export const WEBHOOK_PATH = '/webhooks/conversations';

/** The URL the webhook posts to: the deployed domain, with the channel it resumes. */
export function webhookUrl(config: Pick<Config, 'publicBaseUrl'>, ids: { interactionSid: string; channelSid: string }): string {
  return `${config.publicBaseUrl}${WEBHOOK_PATH}?interactionSid=${ids.interactionSid}&channelSid=${ids.channelSid}`;
}

/** The index of the conversation's last message, -1 when it has none (`GET …/Messages?Order=desc&PageSize=1`). */
export async function lastMessageIndex(client: TwilioClient, conversationSid: string): Promise<number> {
  let messages;
  try {
    messages = await client.conversations.v1.conversations(conversationSid).messages.list({ order: 'desc', limit: 1, pageSize: 1 });
  } catch (err) {
    throw errors.fromTwilioError(err, 'the conversation');
  }
  const index = messages[0]?.index;
  return typeof index === 'number' && Number.isInteger(index) ? index : -1;
}

/** Create the webhook; answers its SID (WH…). */
export async function create(client: TwilioClient, conversationSid: string, url: string, replayAfter: number): Promise<string> {
  try {
    const webhook = await client.conversations.v1.conversations(conversationSid).webhooks.create({
      target: 'webhook',
      'configuration.url': url,
      'configuration.method': 'post',
      'configuration.filters': ['onMessageAdded'],
      'configuration.replayAfter': replayAfter,
    });
    return webhook.sid;
  } catch (err) {
    throw errors.fromTwilioError(err, "the conversation's webhook");
  }
}

/** Delete the webhook; one already gone (404) is fine. */
export async function remove(client: TwilioClient, conversationSid: string, webhookSid: string): Promise<void> {
  try {
    await client.conversations.v1.conversations(conversationSid).webhooks(webhookSid).remove();
  } catch (err) {
    if ((err as { status?: unknown } | null)?.status !== 404) throw errors.fromTwilioError(err, "the conversation's webhook");
  }
}

/**
 * The conversation's webhooks that post to `url` (`GET /v1/Conversations/{CH}/Webhooks`, each
 * with `configuration.url`): ours for this channel, whatever record remembers them or not.
 * A conversation has at most five scoped webhooks, and the list's PageSize is at most 5 (Twilio's
 * OpenAPI), so one page of five holds them all.
 */
export async function listTo(client: TwilioClient, conversationSid: string, url: string): Promise<string[]> {
  let list;
  try {
    list = await client.conversations.v1.conversations(conversationSid).webhooks.list({ limit: 5, pageSize: 5 });
  } catch (err) {
    throw errors.fromTwilioError(err, "the conversation's webhooks");
  }
  return list.filter((w) => (w.configuration as { url?: unknown } | null)?.url === url).map((w) => w.sid);
}
