/**
 * The parameters of /park-channel, /resume-channel, /list-parked and of the Conversations webhook
 * that resumes a park (/webhooks/conversations), validated before anything is sent to Twilio.
 */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';
import { InteractionSid, ChannelSid } from './params';
import { sidPattern, sidRule } from './sids';

export const ParkChannelParams = z.object({
  interactionSid: InteractionSid,
  channelSid: ChannelSid,
  participantSid: z.optional(
    z
      .string({ error: 'participantSid must be a string' })
      .check(
        z.regex(sidPattern('participant'), `participantSid ${sidRule('participant')}`),
        z.describe(
          "The parking agent's participant (UT…); a Flex agent may leave it out (their own), others must name it when several agents are on the channel.",
        ),
      ),
  ),
});
export type ParkChannelParams = Z.infer<typeof ParkChannelParams>;

export const ResumeChannelParams = z.object({ interactionSid: InteractionSid, channelSid: ChannelSid });
export type ResumeChannelParams = Z.infer<typeof ResumeChannelParams>;

/** Sync answers at most 100 items a page ("Sync Map Item" list, PageSize). */
export const MAX_PARKED_PAGE = 100;

const pageSizeInput = z.pipe(
  z.union(
    [
      z.number(),
      z.pipe(
        z.string().check(z.regex(/^\s*\d{1,4}\s*$/)),
        z.transform((s: string) => Number(s)),
      ),
    ],
    {
      error: `pageSize must be a whole number from 1 to ${MAX_PARKED_PAGE}`,
    },
  ),
  z
    .int({ error: 'pageSize must be a whole number' })
    .check(z.minimum(1, 'pageSize must be at least 1'), z.maximum(MAX_PARKED_PAGE, `pageSize must be at most ${MAX_PARKED_PAGE}`)),
);

export const ListParkedParams = z.object({
  pageSize: z
    ._default(pageSizeInput, 50)
    .check(z.describe(`Items of the Sync Map read for this page, 1 to ${MAX_PARKED_PAGE} (an agent sees only their own of them).`)),
  pageToken: z.optional(
    z
      .string({ error: 'pageToken must be a string' })
      .check(
        z.regex(/^[A-Za-z0-9_=%.+-]{1,512}$/, 'pageToken must be the nextPageToken of a previous answer'),
        z.describe('The nextPageToken of the previous page.'),
      ),
  ),
});
export type ListParkedParams = Z.infer<typeof ListParkedParams>;

/**
 * An `onMessageAdded` delivery of a conversation-scoped webhook: our own `interactionSid` and
 * `channelSid` (in the webhook's URL, set at park), and the fields of Twilio's form we read
 * (Conversations "Webhooks" page: EventType, ConversationSid, MessageSid, Index, Author, Body, …).
 */
export const ConversationEvent = z.object({
  interactionSid: InteractionSid,
  channelSid: ChannelSid,
  eventType: z.string({ error: 'EventType is required' }).check(z.minLength(1), z.maxLength(100), z.describe('onMessageAdded')),
  conversationSid: z.optional(z.string().check(z.regex(sidPattern('conversation'), `ConversationSid ${sidRule('conversation')}`))),
  author: z.optional(z.string().check(z.maxLength(1024))),
  index: z.optional(z.string().check(z.regex(/^\d{1,10}$/, 'Index must be a whole number'))),
});
export type ConversationEvent = Z.infer<typeof ConversationEvent>;
