/**
 * update-participant: one agent wraps up (`wrapup`) or completes (`closed`) their part in a
 * conversation while the channel stays open. Twilio's Channels page says to do exactly this
 * ("to keep the channel open but let agents complete their tasks, modify the participants"), and
 * its OpenAPI says of `Status`: "Participant must be an agent".
 *
 * Calls to Twilio, for every caller: one list of the channel's participants, then one update
 * (then, when other agents were counted, the list again: remainingAfter).
 * The list is what tells a customer participant from an agent (there is no fetch of a single
 * participant, and Twilio changes whatever participant it is given) and whether the SID given is
 * on this channel at all; it is also how an agent's own participant is found, and how many
 * agents remain. Nothing is updated until all of that is decided.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { UpdateParticipantParams } from '../contract/participant-params';
import type { UpdateParticipantResponse } from '../contract/answers';
import type { ParticipantScope } from '../credentials/policy';
import type { ListedParticipant } from '../adapters/participants';

import * as errors from '../edge/errors';
import * as policy from '../credentials/policy';
import * as participants from '../adapters/participants';

/** Throw, before any call to Twilio, what can be decided without the participants. */
export function assertChoosable(scope: ParticipantScope, participantSid: string | undefined): void {
  if (participantSid === undefined && scope.kind === 'any') {
    throw errors.InvalidRequestError.field(
      'participantSid',
      'is required: only a Flex agent without a supervisor role may leave it out (it then means their own participant)',
    );
  }
}

/**
 * The participant to change, or the refusal:
 * - named: it must be on this channel (400 naming participantSid) and an agent (400), and the
 *   caller's to change (403);
 * - left out (a Flex agent): the agent participants with the caller's worker SID; of several, the
 *   ones not yet finished; none: 403; still more than one: 400 asking for participantSid, since
 *   picking one could close the wrong task.
 */
export function choose(scope: ParticipantScope, listed: readonly ListedParticipant[], participantSid: string | undefined): ListedParticipant {
  if (participantSid !== undefined) {
    const found = listed.find((p) => p.sid === participantSid);
    if (found === undefined) throw errors.InvalidRequestError.field('participantSid', 'is not a participant of this channel');
    if (found.type !== 'agent') {
      throw errors.InvalidRequestError.field(
        'participantSid',
        `is a ${found.type ?? 'typeless'} participant; only an agent's participation can be wrapped up or closed`,
      );
    }
    policy.authorizeParticipantChange(scope, found);
    return found;
  }
  assertChoosable(scope, participantSid);
  const workerSid = scope.kind === 'own' ? scope.workerSid : undefined;
  let mine = listed.filter((p) => p.type === 'agent' && p.workerSid === workerSid);
  if (mine.length > 1) mine = mine.filter((p) => !p.finished);
  if (mine.length === 0) throw new errors.ForbiddenError('you are not an agent participant of this channel');
  if (mine.length > 1) {
    throw errors.InvalidRequestError.field(
      'participantSid',
      `must name one: you have ${mine.length} agent participants on this channel (${mine.map((p) => p.sid).join(', ')})`,
    );
  }
  return mine[0]!;
}

/** The agents still on the channel once `changed` has left: the others not known to be finished. */
export function agentsRemaining(listed: readonly ListedParticipant[], changed: ListedParticipant): number {
  return listed.filter((p) => p.type === 'agent' && p.sid !== changed.sid && !p.finished).length;
}

/**
 * The agents left once `chosen`'s update is made. Counted before it, two agents leaving at the
 * same moment (a warm transfer's two agents) would each count the other and both be told
 * someone remains, while the customer is left with nobody. Twilio documents no atomic claim on
 * participants (If-Match is documented for Tasks and Sync List Items only), so neither leave
 * can be refused; instead, when the first count found others, the list is read again **after**
 * the update. Of two leaves, the later re-read follows both updates, so at least one caller is
 * told `0` and offers park or close. ASSUMPTION: Twilio's list shows an update once it has
 * answered it (read-after-write) and marks a left agent's routing_properties `status` (if it
 * does not, the count stays an upper bound, as documented for agentsRemaining). A failed re-read
 * answers the first count: the update is made by then and must not turn into an error.
 */
async function remainingAfter(
  client: TwilioClient,
  ids: { interactionSid: string; channelSid: string },
  listed: readonly ListedParticipant[],
  chosen: ListedParticipant,
): Promise<number> {
  const before = agentsRemaining(listed, chosen);
  if (before === 0) return 0;
  try {
    return agentsRemaining(await participants.readParticipants(client, ids), chosen);
  } catch {
    return before;
  }
}

/** Decide (scope, list, choose), then update: `{ participant, status, taskStatus, agentsRemaining }`. */
export async function leave(client: TwilioClient, scope: ParticipantScope, p: UpdateParticipantParams): Promise<UpdateParticipantResponse> {
  assertChoosable(scope, p.participantSid);
  const ids = { interactionSid: p.interactionSid, channelSid: p.channelSid };
  const listed = await participants.readParticipants(client, ids);
  const chosen = choose(scope, listed, p.participantSid);
  const updated = await participants.updateParticipant(client, { ...ids, participantSid: chosen.sid, status: p.status }, chosen);
  return {
    participant: participants.publicParticipant(updated),
    status: p.status,
    taskStatus: p.status === 'wrapup' ? 'wrapping' : 'completed',
    agentsRemaining: await remainingAfter(client, ids, listed, chosen),
  };
}
