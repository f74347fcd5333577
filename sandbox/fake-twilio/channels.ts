/** The fake's Interaction Channels: list, fetch, update (close or set inactive). */
import type { ServerResponse } from 'node:http';
import { moveTask } from './transfers';
import { API, findChannel, notFound, page, send, twilioError, type ChannelState, type FakeState, type RecordedRequest } from './types';

export function channelJson(c: ChannelState) {
  const url = `${API}/Interactions/${c.interactionSid}/Channels/${c.sid}`;
  return {
    sid: c.sid,
    interaction_sid: c.interactionSid,
    type: c.type,
    status: c.status,
    error_code: c.errorCode,
    error_message: c.errorMessage,
    url,
    links: { participants: `${url}/Participants`, invites: `${url}/Invites`, transfers: `${url}/Transfers` },
  };
}

export function listChannels(state: FakeState, interactionSid: string, req: RecordedRequest, res: ServerResponse): void {
  const sids = state.interactions.get(interactionSid);
  if (!sids) return notFound(res, req.path);
  send(
    res,
    200,
    page(
      state,
      req,
      'channels',
      sids.map((sid) => channelJson(state.channels.get(sid)!)),
    ),
  );
}

export function fetchChannel(state: FakeState, interactionSid: string, channelSid: string, req: RecordedRequest, res: ServerResponse): void {
  const channel = findChannel(state, interactionSid, channelSid);
  if (!channel) return notFound(res, req.path);
  send(res, 200, channelJson(channel));
}

export function updateChannel(state: FakeState, interactionSid: string, channelSid: string, req: RecordedRequest, res: ServerResponse): void {
  const channel = findChannel(state, interactionSid, channelSid);
  if (!channel) return notFound(res, req.path);
  const status = req.body.Status;
  if (status !== 'closed' && status !== 'inactive') {
    return send(res, 400, twilioError(400, 20001, 'Invalid channel status'));
  }
  let routingStatus: string | undefined;
  if (req.body.Routing !== undefined) {
    let routing: unknown;
    try {
      routing = JSON.parse(String(req.body.Routing));
    } catch {
      return send(res, 400, twilioError(400, 20001, 'Routing must be a JSON object'));
    }
    const r = routing as { status?: unknown } | null;
    if (typeof r !== 'object' || r === null || Array.isArray(r) || r.status !== 'closed') {
      return send(res, 400, twilioError(400, 20001, 'Invalid routing status'));
    }
    routingStatus = 'closed';
  }
  if (status === 'inactive' && routingStatus === undefined) {
    return send(res, 400, twilioError(400, 20001, 'Routing status is required when the channel status is inactive'));
  }
  if (channel.status === 'closed') {
    return send(res, 409, twilioError(409, 45004, 'The channel is already closed'));
  }
  channel.status = status;
  if (status === 'closed') state.closeConversationOf(channelSid);
  channel.routingStatus = routingStatus;
  channel.taskStatus = routingStatus === 'closed' ? 'completed' : 'wrapping';
  for (const task of state.taskRouter.tasks.values()) if (task.channelSid === channelSid) moveTask(state, task.sid, channel.taskStatus);
  send(res, 200, channelJson(channel));
}
