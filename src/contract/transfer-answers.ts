/** The answers of /transfer-channel and of the TaskRouter webhook (/webhooks/taskrouter). */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';
import { TRANSFER_MODES } from './transfer-params';
import { OrphanGuardResponse } from './answers';

export const TransferChannelResponse = z.object({
  /** Names this transfer in the new task's attributes (`transfer.id`) and in a failure (`transferFailed.id`). */
  transferId: z.string(),
  mode: z.enum(TRANSFER_MODES),
  invite: z.object({ sid: z.string() }),
  /** The new task the invite created (null if Twilio's answer did not name it). */
  task: z.object({ sid: z.nullable(z.string()) }),
  from: z.object({ participantSid: z.string(), workerSid: z.nullable(z.string()), taskSid: z.string() }),
  to: z.object({ queueSid: z.nullable(z.string()), workerSid: z.nullable(z.string()), workflowSid: z.nullable(z.string()) }),
  workspaceSid: z.string(),
});
export type TransferChannelResponse = Z.infer<typeof TransferChannelResponse>;

/** What the transfer finisher did with one event, and why. */
export const TransferDecision = z.object({
  action: z.enum(['finished', 'failed', 'ignored']),
  reason: z.string(),
  transferId: z.optional(z.string()),
  /** Cold and finished: the transferring participant's new status, or null when it was left alone. */
  participantStatus: z.optional(z.nullable(z.string())),
});
export type TransferDecision = Z.infer<typeof TransferDecision>;

/** The shared TaskRouter webhook: the decision that acted (else the first), and each part's own. */
export const TaskRouterWebhookResponse = z.object({
  action: z.enum(['closed', 'finished', 'failed', 'reparked', 'ignored']),
  reason: z.string(),
  transfer: z.optional(TransferDecision),
  /** A resumed park nobody took, parked again (src/workflows/repark.ts). */
  park: z.optional(z.object({ action: z.enum(['reparked', 'ignored']), reason: z.string() })),
  orphanGuard: z.optional(OrphanGuardResponse),
});
export type TaskRouterWebhookResponse = Z.infer<typeof TaskRouterWebhookResponse>;
