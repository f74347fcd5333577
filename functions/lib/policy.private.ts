/**
 * Who may call at all (READ_ROLES): a Flex user needs one of these roles for any of the
 * functions (closing a channel needs reading it); by default agent, supervisor and admin, so a
 * `guest` token (or one with no role) is refused. Checked right after authentication, before
 * any call to the REST API.
 *
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

/** Throw `ForbiddenError` unless `caller` may use the functions at all. */
export function authorizeCaller(caller: Caller, config: Pick<Config, 'readRoles'>): void {
  if (caller.kind !== 'flex-token') return;
  if (caller.roles.some((role) => config.readRoles.includes(role))) return;
  throw new errors.ForbiddenError(`these functions need one of the Flex roles: ${config.readRoles.join(', ')}`);
}

/**
 * Throw `ForbiddenError` unless `caller` may close the channel. `workersOnChannel` is asked
 * only when the answer depends on it (an agent under the participant policy). When the
 * channel's agents carry no worker SID at all, nobody can be matched: refused, never allowed.
 */
export async function authorizeClose(
  caller: Caller,
  config: Pick<Config, 'closePolicy' | 'closeAnyRoles'>,
  workersOnChannel: () => Promise<import('./channels.private').ChannelWorkers>,
): Promise<void> {
  if (caller.kind !== 'flex-token' || config.closePolicy === 'off') return;
  if (caller.roles.some((role) => config.closeAnyRoles.includes(role))) return;
  if (config.closePolicy === 'participant' && caller.workerSid !== undefined) {
    const { workerSids, agentsWithoutWorker } = await workersOnChannel();
    if (workerSids.includes(caller.workerSid)) return;
    if (workerSids.length === 0 && agentsWithoutWorker > 0) {
      throw new errors.ForbiddenError("this channel's participants carry no worker to match; a supervisor may close it");
    }
    throw new errors.ForbiddenError('only a participant of this channel or a supervisor may close it');
  }
  throw new errors.ForbiddenError(`closing channels needs one of the roles: ${config.closeAnyRoles.join(', ')}`);
}
