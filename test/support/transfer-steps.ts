/**
 * The steps of the transfer e2e suites (test/e2e/transfer*.e2e.test.ts), against a fake of Twilio
 * and a functions server behind the gateway: a conversation with the agent's task in
 * TaskRouter, a transfer, events delivered signed to /webhooks/taskrouter; the never-alone
 * invariant (./transfer.ts) checked after every step, every answer checked against the contract.
 */
import type { FakeTwilio } from '../../sandbox/fake-twilio';
import { expectDeclared } from './openapi-responses';
import { assertCustomerNotAlone } from './transfer';
import * as f from './fixtures';

export const QUEUE = `WQ${'9'.repeat(32)}`;
export const NEW_AGENT = f.OUTSIDER_WORKER;

export function transferSteps(ctx: () => { fake: FakeTwilio; url: string }) {
  const hook = (url = ctx().url) => `${url}/webhooks/taskrouter`;

  async function post(path: string, params: Record<string, string>, token = f.AGENT_TOKEN) {
    const r = await fetch(`${ctx().url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, Token: token }).toString(),
    });
    return { status: r.status, body: (await r.json()) as any };
  }

  /** A conversation with the demo agent on it, and the agent's task in TaskRouter. */
  function conversation() {
    const fake = ctx().fake;
    const { interactionSid, channelSids } = fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
    const channelSid = channelSids[0]!;
    const agent = (worker: string) => fake.participants.get(channelSid)!.find((p) => p.workerSid === worker);
    fake.addAgentTask(channelSid, agent(f.AGENT_WORKER)!, { customerName: 'Ada', channelType: 'web' });
    /** Set by a test once it asks for the conversation to be closed. */
    const closing = { asked: false };
    const check = (step: string) => assertCustomerNotAlone(fake, channelSid, step, closing);
    check('the conversation starts');
    return {
      interactionSid,
      channelSid,
      agent,
      check,
      closing,
      agentTask: () => JSON.parse(fake.taskRouter.tasks.get(agent(f.AGENT_WORKER)!.taskSid!)!.attributes),
    };
  }
  type Conversation = ReturnType<typeof conversation>;

  async function transfer(c: Conversation, target: Record<string, string>, mode = 'cold') {
    const r = await post('/transfer-channel', { interactionSid: c.interactionSid, channelSid: c.channelSid, ...target, mode });
    expect(r.status).toBe(200);
    expectDeclared('/transfer-channel', 'post', 200, r.body);
    c.check('the transfer is started');
    expect(ctx().fake.participantUpdates()).toHaveLength(0);
    return r.body as { transferId: string; task: { sid: string } };
  }

  /** Deliver events one after the other (to `url`'s webhook), checking the invariant after each. */
  async function deliver(c: Conversation, events: Array<Record<string, string>>, url = ctx().url) {
    const answers = [];
    for (const event of events) {
      const r = await ctx().fake.deliverEvent(hook(url), event);
      expect(r.status).toBe(200);
      expectDeclared('/webhooks/taskrouter', 'post', 200, r.body);
      c.check(`${event.EventType} is delivered`);
      answers.push(r.body);
    }
    return answers;
  }

  const transferState = (taskSid: string) => JSON.parse(ctx().fake.taskRouter.tasks.get(taskSid)!.attributes).transfer.state;

  return { hook, post, conversation, transfer, deliver, transferState };
}
