/**
 * /webhooks/conversations: the conversation-scoped webhook's `onMessageAdded` deliveries for a
 * parked conversation (conversation-webhook.ts made it, naming the channel in its URL). Each is
 * handed to resume.ts, whose claim makes one invite of any number of deliveries, twice-delivered
 * or concurrent, in any containers. Always 200 with what was done and why; each decision logged.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { ConversationEvent } from '../contract/park-params';
import type { ConversationWebhookResponse } from '../contract/park-answers';

import * as log from '../edge/log';
import * as records from '../adapters/park-records';
import * as webhooks from '../adapters/conversation-webhooks';
import * as resumes from '../workflows/resume';

export async function onMessage(client: TwilioClient, event: ConversationEvent, config: Config): Promise<ConversationWebhookResponse> {
  const decide = (d: ConversationWebhookResponse): ConversationWebhookResponse => {
    log.info('park webhook', { action: d.action, reason: d.reason, channelSid: event.channelSid, eventType: event.eventType, index: event.index });
    return d;
  };
  if (event.eventType !== 'onMessageAdded') return decide({ action: 'ignored', reason: `${event.eventType} is not onMessageAdded` });
  const ids = { interactionSid: event.interactionSid, channelSid: event.channelSid };
  const decision = await resumes.resume(client, config, ids, { kind: 'message', author: event.author, conversationSid: event.conversationSid });
  if (decision.action === 'ignored' && decision.reason.startsWith(resumes.NOT_PARKED) && event.conversationSid !== undefined) {
    return decide(await abandoned(client, config, ids, event.conversationSid, decision));
  }
  return decide(decision);
}

/**
 * Nothing left behind: a delivery for a channel with no park record came through a webhook of
 * ours that a resume or a park could not delete (a conversation takes at most five). Our
 * webhooks on the conversation for this channel (listed, matched by the URL park gives them)
 * are deleted, unless a record exists again by then: a new park made it before its webhook,
 * so a webhook seen in the list before that second look is the new park's and is kept.
 */
async function abandoned(
  client: TwilioClient,
  config: Config,
  ids: { interactionSid: string; channelSid: string },
  conversationSid: string,
  decision: ConversationWebhookResponse,
): Promise<ConversationWebhookResponse> {
  const ours = await webhooks.listTo(client, conversationSid, webhooks.webhookUrl(config, ids));
  if (ours.length === 0) return decision;
  if ((await records.fetch(client, records.whereOf(config), ids.channelSid)) !== undefined) return decision;
  await Promise.all(ours.map((sid) => webhooks.remove(client, conversationSid, sid)));
  return { action: 'cleaned', reason: `${decision.reason}; the webhook left watching the conversation was deleted (${ours.join(', ')})` };
}
