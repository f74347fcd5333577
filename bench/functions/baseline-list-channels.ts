/** Baseline: list an interaction's channels, answer Twilio's objects as they are. */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

export const handler = async (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  const channels = await baselineClient(context).flexApi.v1.interaction(event.interactionSid!).channels.list({ limit: 50, pageSize: 50 });
  callback(null, { channels: channels.map((c) => c.toJSON()) });
};
