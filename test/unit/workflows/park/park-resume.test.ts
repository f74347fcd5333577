/**
 * Resume on the customer's message, through the fake Runtime and the fake of Twilio: one invite
 * with the original attributes, the exactly-once claim against concurrent deliveries and clicks,
 * stale claims, failed invites, closed and deleted channels.
 */
import { ResumeDecision } from '../../../../src/contract/park-answers';
import { assertCustomerNotAlone } from '../../../support/transfer';
import { parkWorld, type ParkWorld } from './support';
import * as f from '../../../support/fixtures';

let w: ParkWorld;
beforeEach(async () => {
  w = await parkWorld();
});
afterEach(async () => {
  await w.fake.stop();
});

const invites = () => w.fake.requests.filter((q) => q.path.endsWith('/Invites'));
const routed = () => JSON.parse(String(invites()[0]!.body.Routing)).properties;

describe('resume on the customer’s message', () => {
  beforeEach(async () => {
    expect((await w.park()).statusCode).toBe(200);
  });

  it('one invite with the original attributes plus resumedFrom, through the workflow to the parking agent; webhook and record gone', async () => {
    const { index } = w.write('found it!');
    const webhookSid = w.webhooks()[0]!.sid;
    w.fake.clearRequests();
    const r = await w.deliver(index);
    expect(r.statusCode).toBe(200);
    expect(w.sent()).toEqual([
      `GET Items/${w.channelSid}`,
      `POST Items/${w.channelSid}`,
      `GET Channels/${w.channelSid}`,
      `GET Tasks/${w.agentTaskSid}`,
      `GET ${w.channelSid}/Participants`,
      `GET WS${'5'.repeat(32)}/Tasks`,
      `POST ${w.channelSid}/Invites`,
      `DELETE Webhooks/${webhookSid}`,
      `DELETE Items/${w.channelSid}`,
    ]);
    expect(ResumeDecision.parse(r.json)).toEqual(r.json);
    expect(r.json).toMatchObject({ action: 'resumed', to: { resumeTo: 'agent', workerSid: f.AGENT_WORKER } });
    expect(invites()).toHaveLength(1);
    const p = routed();
    expect(p).toMatchObject({ workflow_sid: `WW${'8'.repeat(32)}`, queue_sid: `WQ${'7'.repeat(32)}`, task_channel_unique_name: 'chat' });
    expect(p).not.toHaveProperty('worker_sid');
    expect(p.attributes).toMatchObject({
      customerName: 'Ada',
      conversationSid: w.conversationSid,
      resumeWorkerSid: f.AGENT_WORKER,
      resumedFrom: { parkedBy: { workerSid: f.AGENT_WORKER, identity: 'alice' }, taskSid: w.agentTaskSid },
    });
    expect(w.webhooks()).toHaveLength(0);
    expect(w.records()).toHaveLength(0);
    assertCustomerNotAlone(w.fake, w.channelSid, 'resumed');
  });

  it('ten deliveries at once (a burst, and each twice): one invite', async () => {
    const a = w.write('1').index;
    const b = w.write('2').index;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => w.deliver(i % 2 === 0 ? a : b)));
    expect(answers.map((x) => x.statusCode)).toEqual(Array(10).fill(200));
    expect(answers.filter((x) => x.json.action === 'resumed')).toHaveLength(1);
    expect(invites()).toHaveLength(1);
    expect(w.records()).toHaveLength(0);
  });

  it('a click and a message at the same moment: one invite', async () => {
    const { index } = w.write('hi again');
    const [click, message] = await Promise.all([w.resume(), w.deliver(index)]);
    expect([click.statusCode, message.statusCode]).toEqual([200, 200]);
    expect([click.json.action, message.json.action].sort()).toEqual(['ignored', 'resumed']);
    expect(invites()).toHaveLength(1);
  });

  it("the parking agent's own message does not resume it", async () => {
    const { index } = w.write('note to self', 'alice');
    const r = await w.deliver(index);
    expect(r.json).toMatchObject({ action: 'ignored' });
    expect(invites()).toHaveLength(0);
    expect(w.records()).toHaveLength(1);
  });

  it('a message of another conversation, or another event, does not resume it', async () => {
    const { index } = w.write('x');
    expect((await w.deliver(index, { ConversationSid: `CH${'0'.repeat(32)}` })).json.action).toBe('ignored');
    expect((await w.deliver(index, { EventType: 'onMessageUpdated' })).json.action).toBe('ignored');
    expect(invites()).toHaveLength(0);
  });

  it('the channel closed meanwhile: the park is cleaned up, no invite', async () => {
    w.fake.channels.get(w.channelSid)!.status = 'closed';
    const { index } = w.write('anyone?');
    const r = await w.deliver(index);
    expect(r.json).toMatchObject({ action: 'cleaned' });
    expect(invites()).toHaveLength(0);
    expect(w.records()).toHaveLength(0);
    expect(w.webhooks()).toHaveLength(0);
    expect((await w.deliver(index)).json.action).toBe('ignored');
  });

  it('the channel deleted meanwhile (404): cleaned up, no invite', async () => {
    w.fake.channels.delete(w.channelSid);
    const r = await w.deliver(w.write('anyone?').index);
    expect(r.json).toMatchObject({ action: 'cleaned' });
    expect(w.records()).toHaveLength(0);
  });

  it('the invite fails: still parked (claim given back), the next message resumes it', async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/Invites'), 1);
    const first = await w.deliver(w.write('1').index);
    expect(first.statusCode).toBe(200);
    expect(first.json.action).toBe('failed');
    expect(w.records()[0]!.data.state).toBe('parked');
    const second = await w.deliver(w.write('2').index);
    expect(second.json.action).toBe('resumed');
    expect(w.fake.invites).toHaveLength(1);
  });

  it('a claim left by a crash is taken over once it is stale, not before', async () => {
    const items = w.fake.sync.items(w.syncService, 'flex-parked-channels');
    expect(items).toHaveLength(1);
    const item = (w.fake.sync as any).map(w.syncService, 'flex-parked-channels').items.get(w.channelSid);
    const data = JSON.parse(item.data);
    item.data = JSON.stringify({ ...data, state: 'resuming', claim: { id: 'crashed', at: Date.now() - 5_000 } });
    expect((await w.deliver(w.write('1').index)).json.action).toBe('ignored');
    item.data = JSON.stringify({ ...data, state: 'resuming', claim: { id: 'crashed', at: Date.now() - 31_000 } });
    expect((await w.deliver(w.write('2').index)).json.action).toBe('resumed');
    expect(invites()).toHaveLength(1);
  });

  it('RESUME_TO=queue: the original queue, no workflow, no worker', async () => {
    const { index } = w.write('x');
    const env = { ...w.env, RESUME_TO: 'queue' };
    const { invoke } = await import('../../../support/invoke');
    const { handler } = await import('../../../../functions/webhooks/conversations.protected');
    const r = await invoke(handler, env, {
      path: '/webhooks/conversations',
      params: {
        ...w.fake.messageEvent(w.conversationSid, w.fake.conversations.get(w.conversationSid)!.messages[index]!),
        interactionSid: w.interactionSid,
        channelSid: w.channelSid,
      },
    });
    expect(r.json.to).toEqual({ resumeTo: 'queue', queueSid: `WQ${'7'.repeat(32)}`, workflowSid: null, workerSid: null });
    expect(routed()).not.toHaveProperty('workflow_sid');
    expect(routed().attributes).not.toHaveProperty('resumeWorkerSid');
  });
});
