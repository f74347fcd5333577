/**
 * Transfers in end-to-end tests: a conversation whose agent has a TaskRouter task, and the
 * invariant every step must keep: **the channel has at least one agent on it, or the customer
 * has been routed again** (a task of the channel pending or reserved in TaskRouter), or the
 * conversation is over (the channel closed). Read from the fake's state, not from our answers.
 */
import type { FakeTwilio } from '../../sandbox/fake-twilio';

export function assertCustomerNotAlone(fake: FakeTwilio, channelSid: string, step: string): void {
  const channel = fake.channels.get(channelSid)!;
  if (channel.status === 'closed') return;
  const agents = (fake.participants.get(channelSid) ?? []).filter((p) => p.type === 'agent' && p.status === undefined);
  const routing = [...fake.taskRouter.tasks.values()].filter(
    (t) => t.channelSid === channelSid && (t.assignmentStatus === 'pending' || t.assignmentStatus === 'reserved'),
  );
  if (agents.length === 0 && routing.length === 0) {
    throw new Error(`after "${step}": the channel ${channelSid} is open with no agent on it and no task routing the customer`);
  }
}
