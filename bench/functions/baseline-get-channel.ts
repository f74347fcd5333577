/** Baseline: fetch a channel, answer Twilio's object as it is. */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

export const handler = async (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  const channel = await baselineClient(context).flexApi.v1.interaction(event.interactionSid!).channels(event.channelSid!).fetch();
  callback(null, channel.toJSON());
};
