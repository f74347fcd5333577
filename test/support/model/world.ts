/**
 * The world a model-based sequence runs in (test/model/lifecycle.model.test.ts): one new
 * conversation with an agent on it, two server processes, the fake of Twilio, and the contract's
 * rules checked on the fake's state after every step. The model is tiny on purpose: what was
 * sent that can be sent again, and whether a Twilio call was made to fail.
 */
import twilio from 'twilio';
import type { FakeTwilio } from '../../../sandbox/fake-twilio';
import type { Running } from '../processes';
import * as f from '../fixtures';

export interface Model {
  /** Signed requests and events sent so far, to send again. */
  signed: Array<{ path: string; params: Record<string, string> }>;
  /** A Twilio call was made to fail in this sequence: 502/503/504 answers and a leftover watch are then allowed. */
  faulted: boolean;
}

export interface Step {
  check(m: Readonly<Model>): boolean;
  run(m: Model, w: ModelWorld): Promise<void>;
  toString(): string;
}

export type Answer = { status: number; body: any };

/** The tokens of the fixtures' agents (each on its own worker) and the supervisor's. */
export const AGENTS = [
  { worker: f.AGENT_WORKER, token: f.AGENT_TOKEN },
  { worker: f.OUTSIDER_WORKER, token: f.OUTSIDER_TOKEN },
] as const;
const LIVE = new Set(['pending', 'reserved']);

export class ModelWorld {
  readonly model: Model = { signed: [], faulted: false };
  readonly interactionSid: string;
  readonly channelSid: string;
  readonly conversationSid: string;
  private readonly answers: Array<{ step: string; answer: Answer }> = [];

  constructor(
    readonly fake: FakeTwilio,
    readonly servers: [Running, Running],
    readonly syncService: string,
  ) {
    const { interactionSid, channelSids } = fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
    this.interactionSid = interactionSid;
    this.channelSid = channelSids[0]!;
    this.conversationSid = fake.conversationOf(this.channelSid)!;
    const agent = fake.participants.get(this.channelSid)!.find((p) => p.type === 'agent')!;
    fake.addAgentTask(this.channelSid, agent, { customerName: 'Ada' });
  }

  get ids() {
    return { interactionSid: this.interactionSid, channelSid: this.channelSid };
  }

  /** Agent participants whose own task TaskRouter has `assigned`. */
  agentsOn() {
    return (this.fake.participants.get(this.channelSid) ?? []).filter(
      (p) => p.type === 'agent' && this.fake.taskRouter.tasks.get(p.taskSid ?? '')?.assignmentStatus === 'assigned',
    );
  }

  /** Tasks naming the channel that still route the customer. */
  routing() {
    return [...this.fake.taskRouter.tasks.values()].filter((t) => t.channelSid === this.channelSid && LIVE.has(t.assignmentStatus));
  }

  record() {
    return (this.fake.sync.items(this.syncService, 'flex-parked-channels') as Array<{ key: string; data: any }>).find(
      (i) => i.key === this.channelSid,
    );
  }

  ourWebhooks() {
    return this.fake.conversations
      .get(this.conversationSid)!
      .webhooks.filter((w) => w.url.includes('/webhooks/conversations') && w.url.includes(this.channelSid));
  }

  open(): boolean {
    const status = this.fake.channels.get(this.channelSid)!.status;
    return status === 'active' || status === 'setup';
  }

  private remember(step: string, answer: Answer): Answer {
    this.answers.push({ step, answer });
    return answer;
  }

  /** A form POST with a Flex token, as the plugin sends it. */
  async post(path: string, params: Record<string, string>, token: string, server = 0): Promise<Answer> {
    const r = await fetch(`${this.servers[server]!.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...params, Token: token }).toString(),
    });
    return this.remember(path, { status: r.status, body: await r.json().catch(() => 'not JSON') });
  }

  /** A form POST signed as Twilio signs it (a Studio twin, a webhook), remembered to be sent again. */
  async signed(path: string, params: Record<string, string>, server = 0, remember = true): Promise<Answer> {
    if (remember) this.model.signed.push({ path, params });
    const base = this.servers[server]!.url;
    const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `https://${new URL(base).host}${path}`, params);
    const r = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    return this.remember(path, { status: r.status, body: await r.json().catch(() => 'not JSON') });
  }

  /** TaskRouter events, one after the other, to a server's /webhooks/taskrouter. */
  async events(events: Array<Record<string, string>>, server = 0): Promise<void> {
    for (const event of events) await this.signed('/webhooks/taskrouter', event, server);
  }

  /** Wait until the webhooks' replays (ReplayAfter) have been delivered. */
  async settle(): Promise<void> {
    const c = this.fake.conversations.get(this.conversationSid)!;
    for (let i = 0; i < 5; i++) {
      const pending = c.webhooks.map((w) => w.replayed).filter((p) => p !== undefined);
      if (pending.length === 0) return;
      await Promise.all(pending);
      for (const w of c.webhooks) w.replayed = undefined;
    }
  }

  /** The contract's rules, on the fake's state, after `step`. */
  checkRules(step: string): void {
    const fail = (rule: string) => {
      throw new Error(`after "${step}": ${rule} (channel ${this.channelSid})`);
    };
    for (const { step: path, answer } of this.answers.splice(0)) {
      if (typeof answer.body !== 'object' || answer.body === null) fail(`${path} answered ${answer.status} with no JSON`);
      if (answer.status >= 500 && !(this.model.faulted && [502, 503, 504].includes(answer.status)))
        fail(`${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      if (JSON.stringify(answer.body).includes('    at ')) fail(`${path} answered a stack trace`);
    }
    const record = this.record();
    const watched = record !== undefined && this.ourWebhooks().length > 0;
    // Never alone.
    if (this.open() && this.agentsOn().length === 0 && this.routing().length === 0 && !watched)
      fail('never alone: the channel is open with no agent on it, no task routing the customer, and nothing watching the conversation');
    // One routing at a time.
    if (this.routing().length > 1) fail(`one routing at a time: ${this.routing().length} tasks route the customer`);
    const transferring = this.routing().some((t) => 'transfer' in JSON.parse(t.attributes));
    if (record !== undefined && transferring) fail('one routing at a time: a park record while a transfer is pending');
    // Nothing left behind (a leftover after an injected failure is cleaned by the next delivery).
    if (this.ourWebhooks().length > 1) fail(`nothing left behind: ${this.ourWebhooks().length} watches of ours on the conversation`);
    if (record === undefined && this.ourWebhooks().length > 0 && !this.model.faulted) fail('nothing left behind: a watch with no park record');
  }

  end(): void {
    this.fake.clearFaults();
  }
}
