/**
 * What a caller may do. Every decision starts from the caller's authority, and that is decided
 * by one exhaustive `switch` over the kinds of caller: a kind added to `Caller` does not compile
 * until someone decides here what it may do, and at run time an unknown kind may do nothing.
 *
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
 * Calls vouched for by Twilio's signature, the account's credentials or an API key act as the account.
 */
import type { Caller } from './auth';
import type { Config } from '../config';
/** Who is on a channel, as far as the close policy needs to know (workflows/channel-state.ts reads it). */
export interface ChannelWorkers {
  /** The worker SIDs of the agents on the channel (their task assigned). */
  workerSids: string[];
  /** Agents on the channel whose routing properties name no worker. */
  agentsWithoutWorker: number;
}

import * as errors from '../edge/errors';

/** The account itself (Twilio, or a server holding the account's credentials), or a Flex user with roles. */
export type Authority = { kind: 'account' } | { kind: 'flex-user'; roles: readonly string[]; workerSid?: string };

/** The caller's authority; a kind of caller this does not know may do nothing. */
export function authorityOf(caller: Caller): Authority {
  switch (caller.kind) {
    case 'twilio-signature':
    case 'twilio-platform':
    case 'account-credentials':
    case 'api-key':
      return { kind: 'account' };
    case 'flex-token':
      return { kind: 'flex-user', roles: caller.roles, workerSid: caller.workerSid };
    default:
      return unknownCaller(caller);
  }
}

function unknownCaller(caller: never): never {
  throw new errors.ForbiddenError(`a caller of kind ${String((caller as { kind?: unknown }).kind)} may do nothing`);
}

const hasRole = (authority: { roles: readonly string[] }, roles: readonly string[]): boolean => authority.roles.some((role) => roles.includes(role));

/** Throw `ForbiddenError` unless `caller` may use the functions at all. */
export function authorizeCaller(caller: Caller, config: Pick<Config, 'readRoles'>): void {
  const authority = authorityOf(caller);
  switch (authority.kind) {
    case 'account':
      return;
    case 'flex-user':
      if (hasRole(authority, config.readRoles)) return;
      throw new errors.ForbiddenError(`these functions need one of the Flex roles: ${config.readRoles.join(', ')}`);
  }
}

/**
 * Throw `ForbiddenError` unless `caller` may close the channel. `workersOnChannel` is asked
 * only when the answer depends on it (an agent under the participant policy). When the
 * channel's agents carry no worker SID at all, nobody can be matched: refused, never allowed.
 */
export async function authorizeClose(
  caller: Caller,
  config: Pick<Config, 'closePolicy' | 'closeAnyRoles'>,
  workersOnChannel: () => Promise<ChannelWorkers>,
): Promise<void> {
  const authority = authorityOf(caller);
  switch (authority.kind) {
    case 'account':
      return;
    case 'flex-user':
      return authorizeUserClose(authority, config, workersOnChannel);
  }
}

async function authorizeUserClose(
  user: { roles: readonly string[]; workerSid?: string },
  config: Pick<Config, 'closePolicy' | 'closeAnyRoles'>,
  workersOnChannel: () => Promise<ChannelWorkers>,
): Promise<void> {
  if (config.closePolicy === 'off' || hasRole(user, config.closeAnyRoles)) return;
  if (config.closePolicy === 'participant' && user.workerSid !== undefined) {
    const { workerSids, agentsWithoutWorker } = await workersOnChannel();
    if (workerSids.includes(user.workerSid)) return;
    if (workerSids.length === 0 && agentsWithoutWorker > 0) {
      throw new errors.ForbiddenError("this channel's participants carry no worker to match; a supervisor may close it");
    }
    throw new errors.ForbiddenError('only an agent on this channel (their task assigned) or a supervisor may close it');
  }
  throw new errors.ForbiddenError(`closing channels needs one of the roles: ${config.closeAnyRoles.join(', ')}`);
}

/**
 * Whose participation a caller may change on a channel (update-participant):
 * - `any`: the account (Twilio-signed calls, the account's credentials, an API key) and Flex
 *   users with a role in CLOSE_ANY_ROLES (supervisor, admin by default);
 * - `own`: any other Flex user, only the agent participants that carry their worker SID.
 * CLOSE_POLICY does not apply: leaving one's own participation never closes the channel.
 */
export type ParticipantScope = { kind: 'any'; signed: boolean } | { kind: 'own'; workerSid: string };

/** A request vouched for by Twilio's signature: it carries no time, so it can be sent again as it is. */
function isSigned(caller: Caller): boolean {
  switch (caller.kind) {
    case 'twilio-signature':
    case 'twilio-platform':
      return true;
    case 'account-credentials':
    case 'api-key':
    case 'flex-token':
      return false;
    default:
      return unknownCaller(caller);
  }
}

/** Whose participant a caller may act on ("changing" or "transferring"), decided before any call to Twilio; a Flex user whose token names no worker is refused. */
function scopeOf(caller: Caller, config: Pick<Config, 'closeAnyRoles'>, acting: string): ParticipantScope {
  const authority = authorityOf(caller);
  switch (authority.kind) {
    case 'account':
      return { kind: 'any', signed: isSigned(caller) };
    case 'flex-user':
      if (hasRole(authority, config.closeAnyRoles)) return { kind: 'any', signed: false };
      if (authority.workerSid === undefined) {
        throw new errors.ForbiddenError(
          `your Flex token names no worker, so no participant can be yours; ${acting} others' needs one of the roles: ${config.closeAnyRoles.join(', ')}`,
        );
      }
      return { kind: 'own', workerSid: authority.workerSid };
    default:
      return unknownAuthority(authority);
  }
}

/** The caller's scope for update-participant. */
export function participantScope(caller: Caller, config: Pick<Config, 'closeAnyRoles'>): ParticipantScope {
  return scopeOf(caller, config, 'changing');
}

/** Throw `ForbiddenError` unless a caller of this scope may change this participant. */
export function authorizeParticipantChange(scope: ParticipantScope, participant: { workerSid: string | null }): void {
  switch (scope.kind) {
    case 'any':
      return;
    case 'own':
      if (participant.workerSid === scope.workerSid) return;
      throw new errors.ForbiddenError("an agent may change only their own participant; a supervisor may change anyone's");
  }
}

/**
 * Who may transfer a channel's conversation, and from whom (transfer-channel):
 * - `any`: the account (Twilio-signed calls, the account's credentials, an API key) and Flex
 *   users with a role in CLOSE_ANY_ROLES: from any agent participant of the channel;
 * - `own`: any other Flex user, only from their own agent participant (so only a channel they
 *   are a participant of). A Flex user whose token names no worker is refused.
 * Decided before any call to Twilio; CLOSE_POLICY does not apply (a transfer closes nothing).
 */
export function transferScope(caller: Caller, config: Pick<Config, 'closeAnyRoles'>): ParticipantScope {
  return scopeOf(caller, config, 'transferring');
}

/**
 * Who may park, resume and see parks (park-channel, resume-channel, list-parked): `any` for the
 * account and CLOSE_ANY_ROLES, `own` for other Flex users (their own participation, the parks
 * they made). CLOSE_POLICY does not apply: a park closes only the agent's participant.
 */
export function parkScope(caller: Caller, config: Pick<Config, 'closeAnyRoles'>): ParticipantScope {
  return scopeOf(caller, config, 'parking or resuming');
}

/**
 * Throw `ForbiddenError` unless a caller of this scope may resume the park made by `parkedBy`
 * (undefined: the channel is not parked). An agent gets the same refusal for a channel that is
 * not parked and for one another agent parked, so an agent cannot learn which channels are parked.
 */
export function authorizeResume(scope: ParticipantScope, parkedBy: { workerSid: string | null } | undefined): void {
  switch (scope.kind) {
    case 'any':
      return;
    case 'own':
      if (parkedBy !== undefined && parkedBy.workerSid === scope.workerSid) return;
      throw new errors.ForbiddenError("an agent may resume only a conversation they parked and that is parked now; a supervisor may resume anyone's");
  }
}

/** The Flex identity of a caller, null for account-like callers (who parked, in a park record). */
export function identityOf(caller: Caller): string | null {
  switch (caller.kind) {
    case 'flex-token':
      return caller.identity;
    case 'twilio-signature':
    case 'twilio-platform':
    case 'account-credentials':
    case 'api-key':
      return null;
    default:
      return unknownCaller(caller);
  }
}

function unknownAuthority(authority: never): never {
  throw new errors.ForbiddenError(`an authority of kind ${String((authority as { kind?: unknown }).kind)} may do nothing`);
}
