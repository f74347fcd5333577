/** Baseline: list a channel's participants (one page of up to 1000), answer Twilio's objects as they are. */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

export const handler = async (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  const participants = await baselineClient(context)
    .flexApi.v1.interaction(event.interactionSid!)
    .channels(event.channelSid!)
    .participants.list({ limit: 1000, pageSize: 1000 });
  callback(null, { participants: participants.map((p) => p.toJSON()) });
};
