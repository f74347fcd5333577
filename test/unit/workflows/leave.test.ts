/**
 * /update-participant and /list-participants through the fake Runtime (test/support/invoke) and
 * the fake of Twilio: who may change whose participation, how an agent's own participant is
 * found from the token, what is refused before anything is sent, and the one update each time.
 */
import { handler as updateParticipant } from '../../../functions/update-participant';
import { handler as listParticipants } from '../../../functions/list-participants';
import * as answers from '../../../src/contract/answers';
import type { Seeded } from '../../support/fake';
import { invoke, seededPerTest, settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
let env: Record<string, string>;
seededPerTest((seeded, settings) => {
  s = seeded;
  env = settings;
});

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const account = { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };
const update = (params: Record<string, unknown>, headers: Record<string, string>) =>
  invoke(updateParticipant, env, {
    path: '/update-participant',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid, ...params },
    headers,
  });
const agentOf = (channelSid: string, workerSid: string) => s.fake.participants.get(channelSid)!.find((p) => p.workerSid === workerSid)!;
const customerOf = (channelSid: string) => s.fake.participants.get(channelSid)!.find((p) => p.type === 'customer')!;
/**
 * What reached Twilio's Interactions API, as method and last path segment; each run of reads
 * sorted, since the channel's state reads the channel and its participants at the same time.
 */
const sent = () => {
  const out: string[] = [];
  let run: string[] = [];
  for (const q of s.fake.apiRequests().map((r) => `${r.method} ${r.path.split('/').pop()}`)) {
    if (q.startsWith('GET ')) run.push(q);
    else {
      out.push(...run.sort(), q);
      run = [];
    }
  }
  return [...out, ...run.sort()];
};
/** The channel's state, as sent() shows it: its participants and the channel. */
const READ = () => ['GET Participants', `GET ${s.channelSid}`];

describe('an agent leaves their own participation; the channel stays open', () => {
  it.each([
    ['wrapup', 'wrapping'],
    ['closed', 'completed'],
  ] as const)('%s: one reading of the state, one update, the task %s, the answer exactly its schema', async (status, taskStatus) => {
    const mine = agentOf(s.channelSid, f.AGENT_WORKER);
    const r = await update({ status, participantSid: mine.sid }, bearer(f.AGENT_TOKEN));
    expect(r.statusCode).toBe(200);
    expect(answers.UpdateParticipantResponse.parse(r.json)).toEqual(r.json);
    expect(r.json).toEqual({
      participant: { sid: mine.sid, type: 'agent', workerSid: f.AGENT_WORKER, taskSid: mine.taskSid, reservationSid: mine.reservationSid },
      status,
      taskStatus,
      agentsRemaining: 0,
    });
    expect(sent()).toEqual([...READ(), `POST ${mine.sid}`]);
    expect(s.fake.participantUpdates().map((q) => q.body)).toEqual([{ Status: status }]);
    expect(mine.taskStatus).toBe(taskStatus);
    expect(s.fake.channels.get(s.channelSid)!.status).toBe('active');
  });

  it('wraps up, then completes: one update each time, and a third change is refused as Twilio refuses it (409)', async () => {
    for (const status of ['wrapup', 'closed']) {
      s.fake.clearRequests();
      expect((await update({ status }, bearer(f.AGENT_TOKEN))).statusCode).toBe(200);
      expect(s.fake.participantUpdates()).toHaveLength(1);
    }
    const again = await update({ status: 'closed' }, bearer(f.AGENT_TOKEN));
    expect(again.statusCode).toBe(409);
    expect(again.json.error.code).toBe('conflict');
    expect(s.fake.channels.get(s.channelSid)!.status).toBe('active');
  });

  it('without participantSid, the agent participant carrying the worker of the token is the one changed', async () => {
    const other = s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
    const r = await update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN));
    expect(r.json.participant.sid).toBe(agentOf(s.channelSid, f.AGENT_WORKER).sid);
    expect(r.json.agentsRemaining).toBe(1);
    expect(other.status).toBeUndefined();
  });

  it("without participantSid, a non-agent participant carrying the agent's worker (say, a supervisor's monitor) is never the one chosen", async () => {
    s.fake.addParticipant(s.channelSid, { type: 'supervisor', workerSid: f.AGENT_WORKER });
    const r = await update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN));
    expect(r.statusCode).toBe(200);
    expect(r.json.participant.sid).toBe(agentOf(s.channelSid, f.AGENT_WORKER).sid);
  });

  it('agentsRemaining counts the other agents whose task is not yet done: 0 once both have left', async () => {
    s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
    expect((await update({ status: 'wrapup' }, bearer(f.OUTSIDER_TOKEN))).json.agentsRemaining).toBe(1);
    expect((await update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN))).json.agentsRemaining).toBe(0);
  });

  it('two agents leaving at the same moment (both read the list before either updates): at least one is told 0', async () => {
    s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
    s.fake.inject({ kind: 'together', count: 2 }, (q) => q.method === 'GET' && q.path.endsWith('/Participants'), 2);
    const answers = await Promise.all([update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN)), update({ status: 'wrapup' }, bearer(f.OUTSIDER_TOKEN))]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect(Math.min(...answers.map((a) => a.json.agentsRemaining as number))).toBe(0);
    expect(s.fake.participantUpdates()).toHaveLength(2);
  });

  it('the recount after the update is one more list, only when others were counted; a failed recount answers the first count', async () => {
    const other = s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
    const mine = agentOf(s.channelSid, f.AGENT_WORKER);
    s.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'GET' && q.path.endsWith('/Participants') && mine.status !== undefined, 10);
    const r = await update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN));
    expect(r.statusCode).toBe(200);
    expect(r.json.agentsRemaining).toBe(1);
    expect(sent().slice(0, 3)).toEqual([...READ(), `POST ${mine.sid}`]);
    expect(sent().slice(3).length).toBeGreaterThan(0);
    expect(
      sent()
        .slice(3)
        .every((q) => READ().includes(q)),
    ).toBe(true);
    expect(other.status).toBeUndefined();
  });
});

describe('who may change whose participation', () => {
  it("an agent cannot change another agent's participant: 403, and no update is sent", async () => {
    const other = s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.SUPERVISOR_WORKER });
    const r = await update({ status: 'closed', participantSid: other.sid }, bearer(f.AGENT_TOKEN));
    expect(r.statusCode).toBe(403);
    expect(r.json.error.message).toBe("an agent may change only their own participant; a supervisor may change anyone's");
    expect(s.fake.participantUpdates()).toHaveLength(0);
    expect(other.status).toBeUndefined();
  });

  it("a supervisor (CLOSE_ANY_ROLES) may change an agent's participant on a channel they are not on", async () => {
    const mine = agentOf(s.channelSid, f.AGENT_WORKER);
    const r = await update({ status: 'closed', participantSid: mine.sid }, bearer(f.SUPERVISOR_TOKEN));
    expect(r.statusCode).toBe(200);
    expect(mine.taskStatus).toBe('completed');
    expect(sent()).toEqual([...READ(), `POST ${mine.sid}`]);
  });

  it('CLOSE_ANY_ROLES is the setting: a supervisor role that is not in it is only an agent here', async () => {
    env = settings(s.baseUrl, { CLOSE_ANY_ROLES: 'admin' });
    const r = await update({ status: 'closed', participantSid: agentOf(s.channelSid, f.AGENT_WORKER).sid }, bearer(f.SUPERVISOR_TOKEN));
    expect(r.statusCode).toBe(403);
    expect(s.fake.participantUpdates()).toHaveLength(0);
  });

  it('the account (server credentials) acts as the account: one reading of the state, one update', async () => {
    const r = await update({ status: 'wrapup', participantSid: agentOf(s.channelSid, f.AGENT_WORKER).sid }, account);
    expect(r.statusCode).toBe(200);
    expect(sent()).toHaveLength(3);
  });

  it('an agent who is no participant of the channel and names none: 403 saying so, no update', async () => {
    const r = await update({ status: 'wrapup' }, bearer(f.OUTSIDER_TOKEN));
    expect(r.statusCode).toBe(403);
    expect(r.json.error.message).toBe('you are not an agent participant of this channel');
    expect(s.fake.participantUpdates()).toHaveLength(0);
  });

  it('a token that names no worker: 403 before anything reaches Twilio', async () => {
    const token = f.flexToken('no-worker');
    s.fake.addToken(token, { identity: 'nw', roles: ['agent'] });
    const r = await update({ status: 'wrapup' }, bearer(token));
    expect(r.statusCode).toBe(403);
    expect(r.json.error.message).toMatch(/^your Flex token names no worker/);
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('listing follows READ_ROLES: a guest may not, an agent may', async () => {
    const token = f.flexToken('guest');
    s.fake.addToken(token, { identity: 'g', roles: ['guest'], workerSid: f.AGENT_WORKER });
    const params = { interactionSid: s.interactionSid, channelSid: s.channelSid };
    const refused = await invoke(listParticipants, env, { path: '/list-participants', method: 'GET', params, headers: bearer(token) });
    expect(refused.statusCode).toBe(403);
    expect(s.fake.apiRequests()).toHaveLength(0);
    const listed = await invoke(listParticipants, env, { path: '/list-participants', method: 'GET', params, headers: bearer(f.OUTSIDER_TOKEN) });
    expect(listed.statusCode).toBe(200);
    expect(answers.ListParticipantsResponse.parse(listed.json)).toEqual(listed.json);
    expect(listed.json).toMatchObject({
      ...params,
      count: 2,
      participants: [
        { type: 'customer', workerSid: null },
        { type: 'agent', workerSid: f.AGENT_WORKER },
      ],
    });
  });
});

describe('refused as bad input, naming participantSid, nothing updated', () => {
  it('two participants of the same agent, none finished: 400 asking to name one', async () => {
    s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.AGENT_WORKER });
    const r = await update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0]).toEqual({
      field: 'participantSid',
      message: expect.stringMatching(/^must name one: 2 agent participants are on this channel/),
    });
    expect(s.fake.participantUpdates()).toHaveLength(0);
  });

  it('two participants of the same agent, one already finished: the other is chosen', async () => {
    const old = agentOf(s.channelSid, f.AGENT_WORKER);
    old.status = 'closed';
    s.fake.taskRouter.change(s.fake.taskRouter.tasks.get(old.taskSid!)!, { assignmentStatus: 'completed' });
    const current = s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.AGENT_WORKER });
    const r = await update({ status: 'wrapup' }, bearer(f.AGENT_TOKEN));
    expect(r.json.participant.sid).toBe(current.sid);
  });

  it.each([
    ['a customer participant', () => customerOf(s.channelSid).sid, /^is a customer participant/],
    ['a participant of another channel', () => agentOf(s.otherChannelSid, f.AGENT_WORKER).sid, /^is not a participant of this channel$/],
  ])('%s: 400, for the supervisor too', async (_name, sid, message) => {
    s.fake.addParticipant(s.otherChannelSid, { type: 'agent', workerSid: f.AGENT_WORKER });
    for (const headers of [bearer(f.AGENT_TOKEN), bearer(f.SUPERVISOR_TOKEN), account]) {
      const r = await update({ status: 'closed', participantSid: sid() }, headers);
      expect(r.statusCode).toBe(400);
      expect(r.json.error.details).toEqual([{ field: 'participantSid', message: expect.stringMatching(message) }]);
    }
    expect(s.fake.participantUpdates()).toHaveLength(0);
  });

  it.each([
    ['a channel SID (UO…), the mistake Twilio’s own spec made', { participantSid: `UO${'1'.repeat(32)}` }, 'participantSid', /not a channel/],
    ['a malformed participantSid', { participantSid: 'UT123' }, 'participantSid', /must look like UT followed by 32 hex digits/],
    ['a status other than the two', { status: 'inactive' }, 'status', /^status must be "wrapup" or "closed"$/],
    ['no status', { status: undefined }, 'status', /^status must be "wrapup" or "closed"$/],
  ])('%s: 400 naming the field, nothing sent to Twilio', async (_name, params, field, message) => {
    const r = await update({ status: 'wrapup', ...params }, bearer(f.AGENT_TOKEN));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details).toEqual([{ field, message: expect.stringMatching(message) }]);
    expect(s.fake.requests).toHaveLength(0);
  });

  it.each([
    ['the account', account],
    ['a supervisor', bearer(f.SUPERVISOR_TOKEN)],
  ])('%s without participantSid: 400 naming it, nothing sent to the REST API', async (_name, headers) => {
    const r = await update({ status: 'wrapup' }, headers);
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe('participantSid');
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('GET is 405: a change is a POST', async () => {
    const r = await invoke(updateParticipant, env, { path: '/update-participant', method: 'GET', params: {}, headers: account });
    expect(r.statusCode).toBe(405);
  });
});
