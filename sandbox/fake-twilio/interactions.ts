/** Routes the Flex Interactions API's paths (`/v1/Interactions/{KD}/Channels…`) to the fake's resources. */
import type { ServerResponse } from 'node:http';
import type { InviteState, TransferHost } from './transfers';

import * as channelRoutes from './channels';
import * as participants from './participants';
import { createInvite } from './transfers';
import { send, twilioError, type RecordedRequest } from './types';

/** False when the path is not the Interactions API's. */
export function routeInteractions(host: TransferHost & { readonly invites: InviteState[] }, req: RecordedRequest, res: ServerResponse): boolean {
  const parts = req.path.split('/').filter(Boolean);
  if (parts[0] !== 'v1' || parts[1] !== 'Interactions' || parts.length < 4 || parts[3] !== 'Channels') return false;
  const interactionSid = parts[2]!;
  const channelSid = parts[4]!;
  const get = req.method === 'GET';
  const post = req.method === 'POST';
  if (parts.length === 4 && get) channelRoutes.listChannels(host, interactionSid, req, res);
  else if (parts.length === 5 && get) channelRoutes.fetchChannel(host, interactionSid, channelSid, req, res);
  else if (parts.length === 5 && post) channelRoutes.updateChannel(host, interactionSid, channelSid, req, res);
  else if (parts.length === 6 && parts[5] === 'Invites' && post) createInvite(host, host.invites, interactionSid, channelSid, req, res);
  else if (parts.length === 6 && parts[5] === 'Participants' && get) participants.listParticipants(host, interactionSid, channelSid, req, res);
  else if (parts.length === 7 && parts[5] === 'Participants' && post)
    participants.updateParticipant(host, interactionSid, channelSid, parts[6]!, req, res);
  else send(res, 405, twilioError(405, 20004, 'Method not allowed'));
  return true;
}
