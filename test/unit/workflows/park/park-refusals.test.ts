/**
 * /park-channel refusing what cannot be parked, with what callers read, and nothing changed:
 * the channel not open, the agent's task missing or without what a resume needs; and the
 * clean-ups when a step after the record fails (the park modules' mutation run found these
 * branches and texts unchecked).
 */
import { parkWorld, type ParkWorld } from './support';
import * as f from '../../../support/fixtures';

let w: ParkWorld;
beforeEach(async () => {
  w = await parkWorld();
});
afterEach(async () => {
  await w.fake.stop();
});

const agent = () => w.fake.participants.get(w.channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
const task = () => w.fake.taskRouter.tasks.get(w.agentTaskSid)!;
const nothingChanged = () => {
  expect(w.records()).toHaveLength(0);
  expect(w.webhooks()).toHaveLength(0);
  expect(w.fake.participantUpdates()).toHaveLength(0);
};

describe('park refuses', () => {
  it.each(['closed', 'inactive'])('a %s channel: 400 on channelSid saying its status', async (status) => {
    w.fake.channels.get(w.channelSid)!.status = status as never;
    const r = await w.park();
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0]).toEqual({ field: 'channelSid', message: `is ${status}: only an open channel can be parked` });
    nothingChanged();
  });

  it('a channel in setup may be parked', async () => {
    w.fake.channels.get(w.channelSid)!.status = 'setup' as never;
    expect((await w.park()).statusCode).toBe(200);
  });

  it("the agent's task gone from TaskRouter: they are not on the channel, 403 saying so", async () => {
    w.fake.taskRouter.tasks.delete(w.agentTaskSid);
    const r = await w.park();
    expect(r.statusCode).toBe(403);
    expect(r.json.error.message).toBe(
      'you are no longer on this conversation (your task is not in TaskRouter): only an agent on the channel or a supervisor may park it',
    );
    nothingChanged();
  });

  it('a task naming no conversation: 409 saying there is nothing to watch', async () => {
    const { conversationSid: _c, ...rest } = JSON.parse(task().attributes);
    task().attributes = JSON.stringify({ ...rest, conversationSid: 'not-a-CH' });
    const r = await w.park();
    expect(r.statusCode).toBe(409);
    expect(r.json.error.message).toBe("the agent's task names no conversationSid (CH…): there is no conversation to watch");
    nothingChanged();
  });

  it('a task in no queue: 409 saying a resume would have nowhere to go', async () => {
    task().queueSid = null as never;
    const r = await w.park();
    expect(r.statusCode).toBe(409);
    expect(r.json.error.message).toBe("the agent's task names no queue: a resume would have nowhere to go");
    nothingChanged();
  });

  it('an agent whose routing carries no task: not on the channel (nothing says they are), 403', async () => {
    const url = `${w.baseUrl}/v1/Interactions/${w.interactionSid}/Channels/${w.channelSid}/Participants`;
    const listed = (await (await fetch(url, { headers: { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) } })).json()) as {
      participants: Array<{ routing_properties?: Record<string, unknown> }>;
    };
    for (const p of listed.participants) if (p.routing_properties) delete p.routing_properties.task_sid;
    w.fake.clearRequests();
    w.fake.inject({ kind: 'answer', status: 200, body: listed }, (q) => q.method === 'GET' && q.path.endsWith('/Participants'));
    const r = await w.park();
    expect(r.statusCode).toBe(403);
    expect(r.json.error.message).toMatch(/^you are no longer on this conversation \(your task is not in TaskRouter\)/);
    nothingChanged();
  });
});

describe('park cleans up', () => {
  it("reading the conversation's messages fails: the record is deleted, the agent stays, nothing closed", async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'GET' && q.path.endsWith('/Messages'), 3);
    const r = await w.park();
    expect(r.statusCode).toBe(502);
    nothingChanged();
    expect(agent().status).toBeUndefined();
  });

  it('the webhook cannot be made: the answer says why, and what the resume did', async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'POST' && q.path.endsWith('/Webhooks'), 3);
    const r = await w.park();
    expect(r.statusCode).toBe(200);
    expect(r.json.park).toMatchObject({ state: 'parked', channelSid: w.channelSid, conversationSid: w.conversationSid });
    expect(r.json.participant).toEqual({ sid: agent().sid, status: 'closed' });
    expect(r.json.resumed.reason).toMatch(/^the webhook could not be made \(Twilio answered HTTP 500\): ./);
  });

  it('the record gone before the webhook SID was written (resumed and cleaned up): the webhook is deleted, the answer has no SID', async () => {
    w.fake.inject({ kind: 'status', status: 404, code: 20404 }, (q) => q.method === 'POST' && q.path.endsWith(`/Items/${w.channelSid}`));
    const r = await w.park();
    expect(r.statusCode).toBe(200);
    expect(r.json.webhookSid).toBeNull();
    expect(r.json.participant).toEqual({ sid: agent().sid, status: 'closed' });
    expect(w.webhooks()).toHaveLength(0);
    expect(w.sent().slice(-2)).toEqual([`POST Items/${w.channelSid}`, expect.stringMatching(/^DELETE Webhooks\/WH/)]);
  });

  it('the record changed (412) but is still parked without a webhook (a claim given back): the SID is written again, the watch kept', async () => {
    w.fake.inject({ kind: 'status', status: 412 }, (q) => q.method === 'POST' && q.path.endsWith(`/Items/${w.channelSid}`));
    const r = await w.park();
    expect(r.statusCode).toBe(200);
    expect(w.webhooks()).toHaveLength(1);
    expect(r.json.webhookSid).toBe(w.webhooks()[0]!.sid);
    expect(w.records()[0]!.data).toMatchObject({ state: 'parked', webhookSid: w.webhooks()[0]!.sid });
    expect(w.sent().slice(-3)).toEqual([`POST Items/${w.channelSid}`, `GET Items/${w.channelSid}`, `POST Items/${w.channelSid}`]);
  });

  it('the answer shows the record as saved, with the webhook SID', async () => {
    const r = await w.park();
    expect(r.json.park).toEqual({
      interactionSid: w.interactionSid,
      channelSid: w.channelSid,
      conversationSid: w.conversationSid,
      state: 'parked',
      parkedBy: { workerSid: f.AGENT_WORKER, identity: 'alice' },
      parkedAt: expect.any(String),
      queueSid: `WQ${'7'.repeat(32)}`,
      workflowSid: `WW${'8'.repeat(32)}`,
      taskSid: w.agentTaskSid,
    });
    expect(r.json.webhookSid).toBe(w.records()[0]!.data.webhookSid);
  });
});
