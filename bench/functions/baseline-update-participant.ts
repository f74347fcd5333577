/**
 * Baseline: the calls /update-participant makes for an agent leaving, with no auth, validation
 * or normalization: list the channel's participants, update the first agent's with the status
 * given, answer Twilio's object as it is.
 */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

export const handler = async (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  const channel = baselineClient(context).flexApi.v1.interaction(event.interactionSid!).channels(event.channelSid!);
  const participants = await channel.participants.list({ limit: 1000, pageSize: 1000 });
  const agent = participants.find((p) => p.type === 'agent');
  const updated = await channel.participants(agent!.sid).update({ status: event.status as 'wrapup' });
  callback(null, updated.toJSON());
};
