/**
 * Who may close what (CLOSE_POLICY):
 * - `participant` (default): an agent may close a channel only if their worker is one of its
 *   participants; roles in CLOSE_ANY_ROLES (supervisor, admin) may close any channel;
 * - `roles`: only roles in CLOSE_ANY_ROLES may close (agents may not);
 * - `off`: any authenticated caller may close any channel.
 * Calls vouched for by Twilio's signature or the account's credentials act as the account.
 */
import type { Caller } from './auth.private';
import type { Config } from './config.private';

const errors = require(Runtime.getFunctions()['lib/errors']!.path) as typeof import('./errors.private');

/**
 * Throw `ForbiddenError` unless `caller` may close the channel. `workersOnChannel` is asked
 * only when the answer depends on it (an agent under the participant policy).
 */
export async function authorizeClose(
  caller: Caller,
  config: Pick<Config, 'closePolicy' | 'closeAnyRoles'>,
  workersOnChannel: () => Promise<string[]>,
): Promise<void> {
  if (caller.kind !== 'flex-token' || config.closePolicy === 'off') return;
  if (caller.roles.some((role) => config.closeAnyRoles.includes(role))) return;
  if (config.closePolicy === 'participant' && caller.workerSid !== undefined) {
    const workers = await workersOnChannel();
    if (workers.includes(caller.workerSid)) return;
    throw new errors.ForbiddenError('only a participant of this channel or a supervisor may close it');
  }
  throw new errors.ForbiddenError(`closing channels needs one of the roles: ${config.closeAnyRoles.join(', ')}`);
}
