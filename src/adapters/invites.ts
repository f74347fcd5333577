/**
 * Channel invites (`POST /v1/Interactions/{KD}/Channels/{UO}/Invites`, form field `Routing` =
 * `{"properties": {workspace_sid, workflow_sid?, queue_sid, worker_sid?, task_channel_unique_name?,
 * attributes}}`: Twilio's "Invites subresource" page, OpenAPI CreateInteractionChannelInvite).
 * An invite creates a new task for the interaction; Twilio does not carry the original task's
 * attributes over ("Park an Interaction"), so callers send them again.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');

import * as errors from '../edge/errors';

export interface InviteRouting {
  workspace_sid: string;
  workflow_sid?: string;
  queue_sid: string;
  worker_sid?: string;
  task_channel_unique_name?: string;
  attributes: Record<string, unknown>;
}

/**
 * Create the invite; answers its SID (KG…) and the new task's SID when the answer shows it
 * (`routing.properties.sid`, as the page's example answer does; null otherwise).
 */
export async function createInvite(
  client: TwilioClient,
  ids: { interactionSid: string; channelSid: string },
  properties: InviteRouting,
): Promise<{ sid: string; taskSid: string | null }> {
  let invite;
  try {
    invite = await client.flexApi.v1.interaction(ids.interactionSid).channels(ids.channelSid).invites.create({ routing: { properties } });
  } catch (err) {
    throw errors.fromTwilioError(err, 'the invite');
  }
  const taskSid = (invite.routing as { properties?: { sid?: unknown } } | null)?.properties?.sid;
  return { sid: invite.sid, taskSid: typeof taskSid === 'string' ? taskSid : null };
}
