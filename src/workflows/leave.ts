/**
 * update-participant: one agent wraps up (`wrapup`) or completes (`closed`) their part in a
 * conversation while the channel stays open. Twilio's Channels page says to do exactly this
 * ("to keep the channel open but let agents complete their tasks, modify the participants"), and
 * its OpenAPI says of `Status`: "Participant must be an agent".
 *
 * Calls to Twilio: the channel's state (channel-state.ts: the channel, its participants, the
 * tasks naming it, the park record, at the same time; a left agent's task), then one update,
 * then, when another agent was on the channel, the state again (`remainingAfter`). The state is
 * what tells a customer participant from an agent (there is no fetch of a single participant,
 * and Twilio changes whatever participant it is given), whether the SID given is on this
 * channel at all, which participant is an agent's own, and who remains. Nothing is updated until
 * all of that is decided.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { UpdateParticipantParams } from '../contract/participant-params';
import type { UpdateParticipantResponse } from '../contract/answers';
import type { ParticipantScope } from '../credentials/policy';

import * as participants from '../adapters/participants';
import * as acting from './acting-agent';
import * as channelState from './channel-state';

/** Throw, before any call to Twilio, what can be decided without the participants. */
export function assertChoosable(scope: ParticipantScope, participantSid: string | undefined): void {
  acting.assertChoosable(scope, participantSid, 'leave');
}

/**
 * The agents left on the channel once `chosen` has left. Counted before the update, two agents
 * leaving at the same moment (a warm transfer's two agents) would each count the other and both
 * be told someone remains, while the customer is left with nobody. Twilio documents no atomic
 * claim on participants (If-Match is documented for Tasks and Sync List Items only), so neither
 * leave can be refused; instead, when another agent was on the channel, the state is read again
 * **after** the update, from TaskRouter's tasks. Of two leaves, the later re-read follows both
 * updates, so at least one caller is told `0`. ASSUMPTION: TaskRouter shows a task's new status
 * once Twilio has answered the participant update (read-after-write); if it does not, the count
 * is an upper bound. A failed re-read answers the first count: the update is made by then and
 * must not turn into an error.
 */
async function remainingAfter(client: TwilioClient, config: Config, before: channelState.ChannelState, chosenSid: string): Promise<number> {
  const others = channelState.othersOn(before, chosenSid).length;
  if (others === 0) return 0;
  try {
    return channelState.othersOn(await channelState.read(client, config, before.ids, { park: false }), chosenSid).length;
  } catch {
    return others;
  }
}

/** Decide (scope, state, choose), then update: `{ participant, status, taskStatus, agentsRemaining }`. */
export async function leave(
  client: TwilioClient,
  scope: ParticipantScope,
  config: Config,
  p: UpdateParticipantParams,
): Promise<UpdateParticipantResponse> {
  assertChoosable(scope, p.participantSid);
  const ids = { interactionSid: p.interactionSid, channelSid: p.channelSid };
  const state = await channelState.read(client, config, ids, { park: false });
  const chosen = acting.choose(scope, state, p.participantSid, 'leave').participant;
  const updated = await participants.updateParticipant(client, { ...ids, participantSid: chosen.sid, status: p.status }, chosen);
  return {
    participant: participants.publicParticipant(updated),
    status: p.status,
    taskStatus: p.status === 'wrapup' ? 'wrapping' : 'completed',
    agentsRemaining: await remainingAfter(client, config, state, chosen.sid),
  };
}
