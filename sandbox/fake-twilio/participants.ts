/**
 * The fake's channel Participants: list (paged) and update (`Status` `wrapup` or `closed`).
 *
 * An update changes the participant's task, never the channel: `wrapup` → its task is wrapping,
 * `closed` → completed (Twilio's Participants page). Twilio's OpenAPI says of `Status`
 * "Participant must be an agent": a customer's update is refused (400).
 *
 * Its answer shows what Twilio's OpenAPI shows for a participant: `routing_properties` with
 * `task_sid`, `worker_sid`, `reservation_sid` for an agent (the "updateStatusClosed" example) and
 * no status, which Twilio does not document. What the fake assumes beyond that (a participant
 * stays listed after it left; an update that would not move its task forward is 409):
 * sandbox/ASSUMPTIONS.md.
 */
import type { ServerResponse } from 'node:http';
import { moveTask } from './transfers';
import { API, findChannel, notFound, page, send, twilioError, type FakeState, type ParticipantState, type RecordedRequest } from './types';

export function participantJson(interactionSid: string, channelSid: string, p: ParticipantState) {
  return {
    sid: p.sid,
    channel_sid: channelSid,
    interaction_sid: interactionSid,
    type: p.type,
    // As the OpenAPI's examples show an agent's: task_sid, worker_sid, reservation_sid.
    routing_properties:
      p.type === 'agent'
        ? {
            ...(p.taskSid ? { task_sid: p.taskSid } : {}),
            ...(p.reservationSid ? { reservation_sid: p.reservationSid } : {}),
            ...(p.workerKey === 'none' || !p.workerSid ? {} : { [p.workerKey ?? 'worker_sid']: p.workerSid }),
          }
        : null,
    url: `${API}/Interactions/${interactionSid}/Channels/${channelSid}/Participants/${p.sid}`,
  };
}

export function listParticipants(state: FakeState, interactionSid: string, channelSid: string, req: RecordedRequest, res: ServerResponse): void {
  const channel = findChannel(state, interactionSid, channelSid);
  if (!channel) return notFound(res, req.path);
  const items = (state.participants.get(channelSid) ?? []).map((p) => participantJson(interactionSid, channelSid, p));
  send(res, 200, page(state, req, 'participants', items));
}

export function updateParticipant(
  state: FakeState,
  interactionSid: string,
  channelSid: string,
  participantSid: string,
  req: RecordedRequest,
  res: ServerResponse,
): void {
  const channel = findChannel(state, interactionSid, channelSid);
  const participant = channel ? state.participants.get(channelSid)?.find((p) => p.sid === participantSid) : undefined;
  if (!participant) return notFound(res, req.path);
  const status = req.body.Status;
  if (status !== 'closed' && status !== 'wrapup') return send(res, 400, twilioError(400, 20001, 'Invalid participant status'));
  if (participant.type !== 'agent') return send(res, 400, twilioError(400, 20001, 'Participant must be an agent'));
  if (state.participantUpdatesKeepState)
    return send(
      res,
      200,
      participantJson(interactionSid, channelSid, { ...participant, status, taskStatus: status === 'wrapup' ? 'wrapping' : 'completed' }),
    );
  if (participant.status === 'closed' || (participant.status === 'wrapup' && status === 'wrapup')) {
    return send(res, 409, twilioError(409, 45000, `The participant is already ${participant.status === 'closed' ? 'closed' : 'wrapping up'}`));
  }
  participant.status = status;
  participant.taskStatus = status === 'wrapup' ? 'wrapping' : 'completed';
  moveTask(state, participant.taskSid, participant.taskStatus);
  send(res, 200, participantJson(interactionSid, channelSid, participant));
}
