/**
 * The steps of the lifecycle-findings e2e suites (test/e2e/lifecycle-findings*.e2e.test.ts):
 * calls through the gateway (a Flex token, or Twilio's signature), conversations whose agents
 * have their TaskRouter tasks, events and customer messages delivered, and the contract's
 * "Never alone" rule read from the fake's state, not from our answers:
 * after any answer, event or failure an agent is on the channel (an agent participant whose own
 * task TaskRouter still has `assigned`), or a live task routes the customer (`pending` or
 * `reserved`), or the conversation is watched (a park record and our webhook on it), or the
 * channel is closed or inactive.
 */
import twilio from 'twilio';
import type { FakeTwilio, ParticipantState } from '../../sandbox/fake-twilio';
import type { Running } from './processes';
import { expectDeclared } from './openapi-responses';
import * as f from './fixtures';

export const QUEUE = `WQ${'9'.repeat(32)}`;
/** The second agent (the outsider's worker: OUTSIDER_TOKEN is theirs). */
export const SECOND_AGENT = f.OUTSIDER_WORKER;
export const PARK_MAP = 'flex-parked-channels';
const CONVERSATIONS_HOOK = '/webhooks/conversations';

type Answer = { status: number; body: any };

export function lifecycleSteps(ctx: () => { fake: FakeTwilio; server: Running; syncService?: string }) {
  const fake = () => ctx().fake;

  /** A form POST with a Flex token, as the Flex plugin sends it. */
  async function post(path: string, params: Record<string, string>, token = f.AGENT_TOKEN): Promise<Answer> {
    const r = await fetch(`${ctx().server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, Token: token }).toString(),
    });
    return { status: r.status, body: (await r.json()) as any };
  }

  /** A form POST signed by Twilio for the gateway's public URL (Studio's Run Function widget); the same params make byte-identical requests. */
  async function signed(path: string, params: Record<string, string>): Promise<Answer> {
    const url = `https://${new URL(ctx().server.url).host}${path}`;
    const r = await fetch(`${ctx().server.url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    return { status: r.status, body: (await r.json()) as any };
  }

  const attributes = (taskSid: string) => JSON.parse(fake().taskRouter.tasks.get(taskSid)!.attributes) as Record<string, any>;
  const taskOf = (p: ParticipantState) => (p.taskSid === undefined ? undefined : fake().taskRouter.tasks.get(p.taskSid));

  /** Agent participants on the channel: not updated, and their own task (where TaskRouter has it) `assigned`. */
  function agentsOn(channelSid: string): ParticipantState[] {
    return (fake().participants.get(channelSid) ?? []).filter((p) => {
      if (p.type !== 'agent' || p.status !== undefined) return false;
      const task = taskOf(p);
      return task === undefined || task.assignmentStatus === 'assigned';
    });
  }

  /** Tasks naming the channel that still route the customer. */
  function liveTasks(channelSid: string) {
    return [...fake().taskRouter.tasks.values()].filter((t) => {
      if (t.assignmentStatus !== 'pending' && t.assignmentStatus !== 'reserved') return false;
      return (
        t.channelSid === channelSid || (JSON.parse(t.attributes) as { flexInteractionChannelSid?: unknown }).flexInteractionChannelSid === channelSid
      );
    });
  }

  function record(channelSid: string): { key: string; data: any } | undefined {
    const service = ctx().syncService;
    if (service === undefined) return undefined;
    return (fake().sync.items(service, PARK_MAP) as Array<{ key: string; data: any }>).find((r) => r.key === channelSid);
  }

  /** Our webhooks (to /webhooks/conversations) on the channel's conversation. */
  function ourWebhooks(channelSid: string) {
    const conversation = fake().conversations.get(fake().conversationOf(channelSid)!)!;
    return conversation.webhooks.filter((w) => new URL(w.url).pathname === CONVERSATIONS_HOOK);
  }

  /** Throw unless the customer of the channel is covered (the module's comment). */
  function assertCovered(channelSid: string, step: string): void {
    const channel = fake().channels.get(channelSid)!;
    if (channel.status === 'closed' || channel.status === 'inactive') return;
    if (agentsOn(channelSid).length > 0 || liveTasks(channelSid).length > 0) return;
    if (record(channelSid) !== undefined && ourWebhooks(channelSid).length > 0) return;
    const why = record(channelSid) !== undefined ? 'a park record but no webhook watching the conversation' : 'no park record watching it';
    throw new Error(
      `after "${step}": the channel ${channelSid} is ${channel.status} with no agent on it, no live task routing the customer, and ${why}`,
    );
  }

  /** A conversation with these agents on it, each with their assigned task in TaskRouter. */
  function conversation(workers: string[] = [f.AGENT_WORKER]) {
    const { interactionSid, channelSids } = fake().addInteraction([{ workers }]);
    const channelSid = channelSids[0]!;
    const ids = { interactionSid, channelSid };
    const agent = (worker = f.AGENT_WORKER) =>
      fake()
        .participants.get(channelSid)!
        .find((p) => p.workerSid === worker)!;
    for (const worker of workers) fake().addAgentTask(channelSid, agent(worker), { customerName: 'Ada', orderId: 'R-1234' });
    const conversationSid = fake().conversationOf(channelSid)!;
    return {
      ...ids,
      ids,
      conversationSid,
      agent,
      /** The agent's task's attributes, as TaskRouter has them now. */
      agentTask: (worker = f.AGENT_WORKER) => attributes(agent(worker).taskSid!),
      invites: () => fake().invites.filter((i) => i.channelSid === channelSid),
      updates: () =>
        fake()
          .participantUpdates()
          .filter((q) => q.path.includes(`/Channels/${channelSid}/Participants/`)),
      record: () => record(channelSid),
      ourWebhooks: () => ourWebhooks(channelSid),
      covered: (step: string) => assertCovered(channelSid, step),
    };
  }

  /** Deliver TaskRouter events, signed, to /webhooks/taskrouter, one after the other; each answer is a declared 200. */
  async function deliver(events: Array<Record<string, string>>): Promise<any[]> {
    const answers = [];
    for (const event of events) {
      const r = await fake().deliverEvent(`${ctx().server.url}/webhooks/taskrouter`, event);
      expect(r.status).toBe(200);
      expectDeclared('/webhooks/taskrouter', 'post', 200, r.body);
      answers.push(r.body);
    }
    return answers;
  }

  /** The customer writes: the fake posts onMessageAdded to the conversation's webhooks; each answer is a declared 200. */
  async function customerWrites(conversationSid: string, body: string): Promise<any[]> {
    const deliveries = await fake().addMessage(conversationSid, { author: 'customer-ada', body });
    for (const d of deliveries) {
      expect(d.status).toBe(200);
      expectDeclared('/webhooks/conversations', 'post', 200, d.body);
    }
    return deliveries.map((d) => d.body);
  }

  /** A new worker reserves and accepts the task (its events delivered): they join the channel. */
  async function accepted(taskSid: string, worker = SECOND_AGENT): Promise<any[]> {
    const { reservation, events } = fake().router.reserve(taskSid, worker);
    return deliver([...events, ...fake().router.accept(reservation.sid)]);
  }

  return { post, signed, attributes, agentsOn, liveTasks, conversation, deliver, customerWrites, accepted };
}

export type Conversation = ReturnType<ReturnType<typeof lifecycleSteps>['conversation']>;
