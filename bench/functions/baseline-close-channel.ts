/** Baseline: update a channel with the parameters as given, answer Twilio's object as it is. */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

export const handler = async (context: Record<string, unknown>, event: Record<string, unknown>, callback: (e: unknown, r?: object) => void) => {
  const channel = await baselineClient(context)
    .flexApi.v1.interaction(String(event.interactionSid))
    .channels(String(event.channelSid))
    .update({ status: event.status as 'inactive', routing: event.routing });
  callback(null, channel.toJSON());
};
