/** The answers of /park-channel, /resume-channel, /list-parked and /webhooks/conversations. */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';

/** Who parked a conversation: their worker and identity (null when the caller was the account). */
export const ParkedBy = z.object({ workerSid: z.nullable(z.string()), identity: z.nullable(z.string()) });

/** A park as the contract shows it (what its record in the Sync Map says). */
export const Park = z.object({
  interactionSid: z.string(),
  channelSid: z.string(),
  conversationSid: z.string(),
  state: z.enum(['parked', 'resuming']),
  parkedBy: ParkedBy,
  parkedAt: z.string(),
  queueSid: z.nullable(z.string()),
  workflowSid: z.nullable(z.string()),
  taskSid: z.string(),
});
export type Park = Z.infer<typeof Park>;

/** What a resume (a customer's message, a click, a park that could not be watched) did, and why. */
export const ResumeDecision = z.object({
  action: z.enum(['resumed', 'ignored', 'cleaned', 'failed']),
  reason: z.string(),
  invite: z.optional(z.object({ sid: z.string() })),
  task: z.optional(z.object({ sid: z.nullable(z.string()) })),
  to: z.optional(
    z.object({ resumeTo: z.enum(['agent', 'queue']), queueSid: z.string(), workflowSid: z.nullable(z.string()), workerSid: z.nullable(z.string()) }),
  ),
});
export type ResumeDecision = Z.infer<typeof ResumeDecision>;

export const ParkChannelResponse = z.object({
  park: Park,
  participant: z.object({ sid: z.string(), status: z.literal('closed') }),
  /** The conversation-scoped webhook watching for the customer's next message (null: none could be made, and the park was resumed at once). */
  webhookSid: z.nullable(z.string()),
  /** Set only when the webhook could not be made after the agent left: the conversation was routed again right away. */
  resumed: z.optional(ResumeDecision),
});
export type ParkChannelResponse = Z.infer<typeof ParkChannelResponse>;

export const ResumeChannelResponse = ResumeDecision;
export type ResumeChannelResponse = Z.infer<typeof ResumeChannelResponse>;

export const ListParkedResponse = z.object({
  parked: z.array(Park),
  count: z.int(),
  /** Pass as pageToken for the next page; null on the last. A page may hold fewer than pageSize (an agent's are filtered from each page of the map). */
  nextPageToken: z.nullable(z.string()),
});
export type ListParkedResponse = Z.infer<typeof ListParkedResponse>;

export const ConversationWebhookResponse = ResumeDecision;
export type ConversationWebhookResponse = Z.infer<typeof ConversationWebhookResponse>;
