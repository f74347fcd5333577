/**
 * Who acts: the one chooser of the agent participant a leave, a transfer or a park acts for,
 * over the channel's state (channel-state.ts). Every refusal happens here, before anything is
 * sent to Twilio:
 * - named (`participantSid`): it must be a participant of this channel (400), an agent (400),
 *   the caller's to act for (403: an agent only their own); to transfer or park, they must be
 *   **on the channel** (409: an agent who wrapped up or closed has left);
 * - left out: a Flex agent's own participant (on the channel, to transfer or park; of several
 *   to leave, the ones still on it); none: 403; several: 400 asking for participantSid. The
 *   account and supervisors get the one agent on the channel (none or several: 400) — except a
 *   Twilio-signed request, which must name it to transfer or park: a signature carries no time,
 *   so a request sent again would act for whoever is on the channel by then.
 */
import type { ParticipantScope } from '../credentials/policy';
import type { Agent, ChannelState } from './channel-state';

import * as errors from '../edge/errors';
import * as policy from '../credentials/policy';

export type Acting = 'leave' | 'transfer' | 'park';

const VERB: Record<Acting, string> = { leave: 'change', transfer: 'transfer', park: 'park' };
const NOBODY: Record<Acting, string> = {
  leave: 'no agent is on this channel',
  transfer: 'no agent is on this channel to transfer from',
  park: 'no agent is on this channel to park',
};

/** "their task is wrapping in TaskRouter", or that TaskRouter has none. */
const taskWords = (agent: Agent | undefined, whose: string): string =>
  agent?.task === undefined ? `${whose} task is not in TaskRouter` : `${whose} task is ${agent.task.assignmentStatus} in TaskRouter`;

/** Throw, before any call to Twilio, what can be decided without the channel's state. */
export function assertChoosable(scope: ParticipantScope, participantSid: string | undefined, acting: Acting): void {
  if (participantSid !== undefined || scope.kind === 'own') return;
  if (acting === 'leave') {
    throw errors.InvalidRequestError.field(
      'participantSid',
      'is required: only a Flex agent without a supervisor role may leave it out (it then means their own participant)',
    );
  }
  if (scope.signed) {
    throw errors.InvalidRequestError.field(
      'participantSid',
      `is required for a Twilio-signed request: a signature carries no time, so a request sent again must name whom it acts for, never "the agent on the channel now"`,
    );
  }
}

function named(scope: ParticipantScope, state: ChannelState, participantSid: string, acting: Acting): Agent {
  const found = state.participants.find((p) => p.sid === participantSid);
  if (found === undefined) throw errors.InvalidRequestError.field('participantSid', 'is not a participant of this channel');
  if (found.type !== 'agent') {
    throw errors.InvalidRequestError.field(
      'participantSid',
      acting === 'leave'
        ? `is a ${found.type ?? 'typeless'} participant; only an agent's participation can be wrapped up or closed`
        : `is a ${found.type ?? 'typeless'} participant, not an agent`,
    );
  }
  policy.authorizeParticipantChange(scope, found);
  const agent = state.agents.find((a) => a.participant.sid === participantSid)!;
  if (acting !== 'leave' && !agent.on) {
    throw new errors.ConflictError(
      `participantSid has left the conversation (${taskWords(agent, 'their')}): only an agent on the channel can ${VERB[acting]} it`,
    );
  }
  return agent;
}

/** The agent to act for, or the refusal (see the module's comment). */
export function choose(scope: ParticipantScope, state: ChannelState, participantSid: string | undefined, acting: Acting): Agent {
  assertChoosable(scope, participantSid, acting);
  if (participantSid !== undefined) return named(scope, state, participantSid, acting);
  let candidates: Agent[];
  switch (scope.kind) {
    case 'own': {
      const mine = state.agents.filter((a) => a.participant.workerSid === scope.workerSid);
      const on = mine.filter((a) => a.on);
      candidates = acting === 'leave' && on.length === 0 ? mine : on;
      if (acting === 'leave' && mine.length === 1) candidates = mine;
      if (candidates.length === 0) {
        throw new errors.ForbiddenError(
          mine.length > 0
            ? `you are no longer on this conversation (${taskWords(mine[0], 'your')}): only an agent on the channel or a supervisor may ${VERB[acting]} it`
            : acting === 'leave'
              ? 'you are not an agent participant of this channel'
              : `you are not an agent participant of this channel: only its agents or a supervisor may ${VERB[acting]} it`,
        );
      }
      break;
    }
    case 'any':
      candidates = state.onChannel;
      if (candidates.length === 0) throw errors.InvalidRequestError.field('participantSid', NOBODY[acting]);
      break;
  }
  if (candidates.length > 1) {
    throw errors.InvalidRequestError.field(
      'participantSid',
      `must name one: ${candidates.length} agent participants are on this channel (${candidates.map((a) => a.participant.sid).join(', ')})`,
    );
  }
  return candidates[0]!;
}
