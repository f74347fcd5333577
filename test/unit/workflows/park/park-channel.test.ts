/**
 * /park-channel through the fake Runtime and the fake of Twilio (real HTTP, the real helper):
 * what park changes and in which order, the record and the webhook, who may, bad input with
 * nothing sent, and failures that never leave the customer without a way back.
 */
import { ParkChannelResponse } from '../../../../src/contract/park-answers';
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

const agent = () => w.fake.participants.get(w.channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
const invites = () => w.fake.requests.filter((q) => q.path.endsWith('/Invites'));

describe('park', () => {
  it("closes the agent's participant, records what resuming needs, and watches the conversation from the next message", async () => {
    w.write('hello');
    w.write('where is my receipt?');
    const r = await w.park();
    expect(r.statusCode).toBe(200);
    expect(ParkChannelResponse.parse(r.json)).toEqual(r.json);
    expect(w.sent()).toEqual([
      // The channel's state, its reads at the same time: the channel, the park record, its participants, the tasks naming it
      // (the agent's among them: no fetch of its own), the workspace (looked up once per container).
      `GET Channels/${w.channelSid}`,
      `GET Items/${w.channelSid}`,
      `GET ${w.channelSid}/Participants`,
      `GET WS${'5'.repeat(32)}/Tasks`,
      'GET v1/Workspaces',
      'POST flex-parked-channels/Items',
      `POST ${w.syncService}/Maps`,
      'POST flex-parked-channels/Items',
      `GET ${w.conversationSid}/Messages`,
      `POST Participants/${agent().sid}`,
      `POST ${w.conversationSid}/Webhooks`,
      `POST Items/${w.channelSid}`,
    ]);
    expect(agent()).toMatchObject({ status: 'closed', taskStatus: 'completed' });
    expect(w.fake.channels.get(w.channelSid)!.status).toBe('active');
    expect(w.webhooks()).toHaveLength(1);
    expect(w.webhooks()[0]).toMatchObject({
      url: `https://functions.example.twil.io/webhooks/conversations?interactionSid=${w.interactionSid}&channelSid=${w.channelSid}`,
      filters: ['onMessageAdded'],
      replayAfter: 2,
    });
    const records = w.records();
    expect(records).toHaveLength(1);
    expect(records[0]!.key).toBe(w.channelSid);
    expect(records[0]!.data).toMatchObject({
      state: 'parked',
      interactionSid: w.interactionSid,
      conversationSid: w.conversationSid,
      parkedBy: { workerSid: f.AGENT_WORKER, identity: 'alice' },
      taskSid: w.agentTaskSid,
      queueSid: `WQ${'7'.repeat(32)}`,
      workflowSid: `WW${'8'.repeat(32)}`,
      taskChannelUniqueName: 'chat',
      webhookSid: w.webhooks()[0]!.sid,
      attributes: { customerName: 'Ada', conversationSid: w.conversationSid, flexInteractionChannelSid: w.channelSid },
    });
    expect(records[0]!.data.attributes).not.toHaveProperty('transfer');
    expect(r.json).toMatchObject({ webhookSid: w.webhooks()[0]!.sid, participant: { sid: agent().sid, status: 'closed' } });
  });

  it('a second park of the same channel: refused, no agent is left to park (400 naming participantSid), nothing changes', async () => {
    await w.park();
    w.fake.clearRequests();
    const again = await w.park({}, f.SUPERVISOR_TOKEN);
    expect(again.statusCode).toBe(400);
    // The agent left, so the channel has no agent to park: refused before the record is even tried.
    expect(again.json.error.details[0].field).toBe('participantSid');
    expect(w.fake.participantUpdates()).toHaveLength(0);
  });

  it('a record already there (a park under way elsewhere): 409 already_parked, the agent keeps the conversation', async () => {
    await w.park(); // makes the map
    const second = w.fake.addInteraction([{ type: 'chat', workers: [f.AGENT_WORKER] }]);
    const channelSid = second.channelSids[0]!;
    const p = w.fake.participants.get(channelSid)!.find((x) => x.type === 'agent')!;
    w.fake.addAgentTask(channelSid, p);
    const map = w.fake.sync;
    const items = await fetch(`${w.baseUrl}/v1/Services/${w.syncService}/Maps/flex-parked-channels/Items`, {
      method: 'POST',
      headers: { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ Key: channelSid, Data: '{}' }),
    });
    expect(items.status).toBe(201);
    expect(map.items(w.syncService, 'flex-parked-channels')).toHaveLength(2);
    const r = await w.park({ interactionSid: second.interactionSid, channelSid });
    expect(r.statusCode).toBe(409);
    expect(r.json.error.code).toBe('already_parked');
    expect(p.status).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no channelSid', { channelSid: '' }, 'channelSid'],
    ['a channelSid of the wrong kind', { channelSid: `KD${'1'.repeat(32)}` }, 'channelSid'],
    ['a participantSid of the wrong kind', { participantSid: f.AGENT_WORKER }, 'participantSid'],
  ])('bad input (%s): 400 naming the field, nothing sent to Twilio', async (_, params, field) => {
    const r = await w.park(params);
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe(field);
    expect(w.sent()).toEqual([]);
  });

  it('without SYNC_SERVICE_SID: 500 misconfigured naming it, nothing sent to the REST API', async () => {
    const { SYNC_SERVICE_SID: _gone, ...env } = w.env;
    const r = await w.park({}, f.AGENT_TOKEN, env);
    expect(r.statusCode).toBe(500);
    expect(r.json.error).toMatchObject({ code: 'misconfigured' });
    expect(r.json.error.message).toContain('SYNC_SERVICE_SID');
    expect(w.sent()).toEqual([]);
  });

  it('an agent not on the channel: 403, nothing changed; a supervisor may park it', async () => {
    const r = await w.park({}, f.OUTSIDER_TOKEN);
    expect(r.statusCode).toBe(403);
    expect(w.records()).toHaveLength(0);
    expect(w.fake.participantUpdates()).toHaveLength(0);
    const s = await w.park({}, f.SUPERVISOR_TOKEN);
    expect(s.statusCode).toBe(200);
    expect(s.json.park.parkedBy).toEqual({ workerSid: f.AGENT_WORKER, identity: 'sam' });
  });

  it('closing the participant fails: the record is deleted, the agent keeps the conversation, the error is answered', async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'POST' && q.path.includes('/Participants/'), 3);
    const r = await w.park();
    expect(r.statusCode).toBe(502);
    expect(w.records()).toHaveLength(0);
    expect(w.webhooks()).toHaveLength(0);
    expect(agent().status).toBeUndefined();
    assertCustomerNotAlone(w.fake, w.channelSid, 'failed park');
  });

  it('the webhook cannot be made once the agent left: resumed at once (one invite), no record left', async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'POST' && q.path.endsWith('/Webhooks'), 3);
    const r = await w.park();
    expect(r.statusCode).toBe(200);
    expect(r.json.webhookSid).toBeNull();
    expect(r.json.resumed).toMatchObject({ action: 'resumed' });
    expect(invites()).toHaveLength(1);
    expect(w.records()).toHaveLength(0);
    assertCustomerNotAlone(w.fake, w.channelSid, 'unwatched park');
  });
});
