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
import * as resumes from '../workflows/resume';

export async function onMessage(
  client: TwilioClient,
  event: ConversationEvent,
  config: Pick<Config, 'syncServiceSid' | 'parkMapName' | 'resumeTo'>,
): Promise<ConversationWebhookResponse> {
  const decide = (d: ConversationWebhookResponse): ConversationWebhookResponse => {
    log.info('park webhook', { action: d.action, reason: d.reason, channelSid: event.channelSid, eventType: event.eventType, index: event.index });
    return d;
  };
  if (event.eventType !== 'onMessageAdded') return decide({ action: 'ignored', reason: `${event.eventType} is not onMessageAdded` });
  const ids = { interactionSid: event.interactionSid, channelSid: event.channelSid };
  return decide(await resumes.resume(client, config, ids, { kind: 'message', author: event.author, conversationSid: event.conversationSid }));
}
