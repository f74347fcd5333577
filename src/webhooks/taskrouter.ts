/**
 * The one TaskRouter Event Callback URL (/webhooks/taskrouter): a workspace has one, and both the
 * orphan guard (orphan-guard.ts) and the transfer finisher (transfer-finish.ts) need its events.
 * Each event goes to the finisher (when its task carries a transfer of ours: markers.ts) and then to the guard (when
 * its type is one of ORPHAN_GUARD_EVENTS): in that order, so a transfer's failure is recorded
 * before the guard looks, and the guard still closes nothing while an agent is on the channel.
 * A resumed park's task that nobody took (src/workflows/repark.ts) is parked again first, and then
 * not given to the guard, which would close the channel it keeps open for the customer's next
 * message; should parking again fail, the guard decides as for any task (closed beats stranded).
 * Always 200 with what was done and why; each decision is logged.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { TaskRouterWebhookEvent } from '../contract/transfer-params';
import type { TaskRouterWebhookResponse } from '../contract/transfer-answers';

import * as log from '../edge/log';
import * as finisher from '../workflows/transfer-finish';
import * as orphans from '../workflows/orphan-guard';
import * as reparks from '../workflows/repark';

export async function handle(client: TwilioClient, event: TaskRouterWebhookEvent, config: Config): Promise<TaskRouterWebhookResponse> {
  const park = await reparks.repark(client, event, config).catch((err: unknown) => {
    log.warn('repark failed: the orphan guard decides', { taskSid: event.taskSid, reason: log.describeError(err) });
    return undefined;
  });
  if (park !== undefined) return { action: park.action, reason: park.reason, park };
  const transfer = await finisher.finish(client, config, event);
  if (transfer !== undefined) {
    log.info('transfer', {
      action: transfer.action,
      reason: transfer.reason,
      eventType: event.eventType,
      taskSid: event.taskSid,
      transferId: transfer.transferId,
    });
  }
  const orphanGuard = config.orphanGuardEvents.includes(event.eventType)
    ? await orphans.guard(client, config, event, config.orphanGuardEvents)
    : undefined;
  const acted = [transfer, orphanGuard].find((d) => d !== undefined && d.action !== 'ignored') ?? transfer ?? orphanGuard;
  if (acted === undefined) {
    const reason = `${event.eventType} is neither a transfer's event nor one of ORPHAN_GUARD_EVENTS`;
    log.info('taskrouter webhook', { action: 'ignored', reason, eventType: event.eventType, taskSid: event.taskSid });
    return { action: 'ignored', reason };
  }
  return { action: acted.action, reason: acted.reason, ...(transfer ? { transfer } : {}), ...(orphanGuard ? { orphanGuard } : {}) };
}
