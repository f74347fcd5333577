/**
 * The parameters of the participant functions (list-participants, update-participant), with the
 * same conventions as the others (contract/params): camelCase names, PascalCase aliases, a
 * failure naming each bad field.
 */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';
import { ChannelSid, InteractionSid } from './params';
import { isSid, sidRule } from './sids';

export const ListParticipantsParams = z.object({ interactionSid: InteractionSid, channelSid: ChannelSid });
export type ListParticipantsParams = Z.infer<typeof ListParticipantsParams>;

/**
 * A participant (UT…). A channel's SID (UO…) is the mistake Twilio's own OpenAPI made for this
 * parameter until 2023-08-24 (twilio-cli-core #217), so it gets a message of its own.
 */
const ParticipantSid = z.string({ error: 'participantSid must be a string' }).check(
  z.superRefine((value, ctx) => {
    if (isSid('participant', value)) return;
    const message = isSid('channel', value)
      ? 'participantSid must be a participant (UT followed by 32 hex digits), not a channel (UO…)'
      : `participantSid ${sidRule('participant')}`;
    ctx.addIssue({ code: 'custom', message, input: value });
  }),
);

/** The two statuses Twilio takes for a participant (UpdateInteractionChannelParticipant). */
export const PARTICIPANT_STATUSES = ['wrapup', 'closed'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export const UpdateParticipantParams = z.object({
  interactionSid: InteractionSid,
  channelSid: ChannelSid,
  status: z
    .enum(PARTICIPANT_STATUSES, { error: 'status must be "wrapup" or "closed"' })
    .check(z.describe("wrapup: the agent's task goes to wrapping; closed: it completes. The channel stays open either way.")),
  participantSid: z
    .optional(ParticipantSid)
    .check(z.describe('The agent participant (UT followed by 32 hex digits). A Flex agent may leave it out: their own participant on the channel.')),
});
export type UpdateParticipantParams = Z.infer<typeof UpdateParticipantParams>;
