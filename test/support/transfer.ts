/**
 * Transfers in end-to-end tests: a conversation whose agent has a TaskRouter task, and the
 * invariant every step must keep: **the channel has at least one agent on it, or the customer
 * has been routed again** (a task of the channel pending or reserved in TaskRouter). A closed
 * channel counts only when the test itself asked for closing (`closing.asked`): a channel that
 * closed on its own, or that our webhook closed while the test did not, fails the check, as
 * does an open one with nobody. Read from the fake's state, not from our answers.
 */
import type { FakeTwilio } from '../../sandbox/fake-twilio';

export function assertCustomerNotAlone(fake: FakeTwilio, channelSid: string, step: string, closing: { asked: boolean } = { asked: false }): void {
  const channel = fake.channels.get(channelSid)!;
  const routing = [...fake.taskRouter.tasks.values()].filter(
    (t) => t.channelSid === channelSid && (t.assignmentStatus === 'pending' || t.assignmentStatus === 'reserved'),
  );
  if (channel.status === 'closed') {
    if (closing.asked || routing.length > 0) return;
    throw new Error(`after "${step}": the channel ${channelSid} is closed, though nobody asked for closing and no task routes the customer`);
  }
  const agents = (fake.participants.get(channelSid) ?? []).filter((p) => p.type === 'agent' && p.status === undefined);
  if (agents.length === 0 && routing.length === 0) {
    throw new Error(`after "${step}": the channel ${channelSid} is open with no agent on it and no task routing the customer`);
  }
}
