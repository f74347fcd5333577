/**
 * The parameters of /transfer-channel and of the TaskRouter webhook (/webhooks/taskrouter),
 * validated before anything is sent to Twilio. A target is exactly one of `queueSid` (WQ…) and
 * `workerSid` (WK…); each is checked against its own SID shape, so a queue SID where a worker SID
 * belongs is refused naming the field.
 */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';
import { InteractionSid, ChannelSid, TaskRouterEvent } from './params';
import { sidPattern, sidRule, type SidKind } from './sids';

const optionalSid = (kind: SidKind, field: string, description: string) =>
  z.optional(z.string({ error: `${field} must be a string` }).check(z.regex(sidPattern(kind), `${field} ${sidRule(kind)}`), z.describe(description)));

export const TRANSFER_MODES = ['cold', 'warm'] as const;
export type TransferMode = (typeof TRANSFER_MODES)[number];

export const TransferChannelParams = z
  .object({
    interactionSid: InteractionSid,
    channelSid: ChannelSid,
    queueSid: optionalSid('queue', 'queueSid', 'Transfer to this TaskRouter queue (WQ…). Exactly one of queueSid and workerSid.'),
    workerSid: optionalSid(
      'worker',
      'workerSid',
      "Transfer to this worker (WK…), routed through the transferring agent's task queue. Exactly one of queueSid and workerSid.",
    ),
    workflowSid: optionalSid('workflow', 'workflowSid', "The workflow (WW…) the new task goes through; default: the transferring agent's task's."),
    participantSid: optionalSid(
      'participant',
      'participantSid',
      "The transferring agent's participant (UT…); a Flex agent may leave it out (their own), others must name it when several agents are on the channel.",
    ),
    mode: z
      ._default(z.enum(TRANSFER_MODES, { error: 'mode must be "cold" or "warm"' }), 'cold')
      .check(z.describe('cold (default): the transferring agent leaves once the new agent accepts; warm: both stay.')),
  })
  .check(
    z.superRefine((p, ctx) => {
      if (p.queueSid === undefined && p.workerSid === undefined) {
        ctx.addIssue({ code: 'custom', path: ['queueSid'], message: 'queueSid or workerSid is required: the transfer needs a target' });
      }
      if (p.queueSid !== undefined && p.workerSid !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['workerSid'], message: 'workerSid and queueSid cannot both be given: name one target' });
      }
    }),
  );
export type TransferChannelParams = Z.infer<typeof TransferChannelParams>;

/** A TaskRouter event as the shared webhook reads it: the orphan guard's fields plus the reservation's. */
export const TaskRouterWebhookEvent = z.extend(TaskRouterEvent, {
  reservationSid: z.optional(z.string().check(z.regex(sidPattern('reservation'), `ReservationSid ${sidRule('reservation')}`))),
  workerSid: z.optional(z.string().check(z.regex(sidPattern('worker'), `WorkerSid ${sidRule('worker')}`))),
});
export type TaskRouterWebhookEvent = Z.infer<typeof TaskRouterWebhookEvent>;
