/**
 * /transfer-channel through the fake Runtime and the fake of Twilio: the invite carries the
 * original task's attributes and the transfer marker; who may transfer what; bad input answered
 * 4xx naming the field with nothing sent; the workspace from the setting or looked up once.
 */
import { handler as transferChannel } from '../../../../functions/transfer-channel';
import { handler as studioTransfer } from '../../../../functions/studio/transfer-channel.protected';
import { TransferChannelResponse } from '../../../../src/contract/transfer-answers';
import { forgetWorkspace } from '../../../../src/adapters/workspace';
import { DEFAULT_WORKSPACE } from '../../../../sandbox/fake-taskrouter';
import { startSeededFake, type Seeded } from '../../../support/fake';
import { invoke, settings } from '../../../support/invoke';
import * as f from '../../../support/fixtures';
import { sortReads } from '../park/support';

let s: Seeded;
let env: Record<string, string>;
beforeEach(async () => {
  forgetWorkspace();
  s = await startSeededFake();
  env = settings(s.baseUrl);
  const agent = s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
  s.fake.addAgentTask(s.channelSid, agent, { customerName: 'Ada', transferFailed: { id: 'old' } });
});
afterEach(async () => {
  await s.fake.stop();
});

const QUEUE = `WQ${'9'.repeat(32)}`;
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const transfer = (params: Record<string, unknown>, headers: Record<string, string> = bearer(f.AGENT_TOKEN), e = env) =>
  invoke(transferChannel, e, {
    path: '/transfer-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid, ...params },
    headers,
  });
const agent = () => s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
const sent = () =>
  sortReads(s.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate')).map((q) => `${q.method} ${q.path.split('/').slice(-2).join('/')}`));
const invites = () => s.fake.requests.filter((q) => q.path.endsWith('/Invites'));

it('cold to a queue: the channel state (channel, participants, workspaces once, the tasks naming it), invite; the invite carries the attributes and the signed marker', async () => {
  const r = await transfer({ queueSid: QUEUE });
  expect(r.statusCode).toBe(200);
  expect(TransferChannelResponse.parse(r.json)).toEqual(r.json);
  // The channel's state (its reads at the same time; the agent's task comes with the channel's tasks), then the invite.
  expect(sent()).toEqual([
    ...sortReads([`GET Channels/${s.channelSid}`, `GET ${s.channelSid}/Participants`, 'GET v1/Workspaces', `GET WS${'5'.repeat(32)}/Tasks`]),
    `POST ${s.channelSid}/Invites`,
  ]);
  const routing = JSON.parse(String(invites()[0]!.body.Routing));
  expect(routing).toEqual({
    properties: {
      workspace_sid: DEFAULT_WORKSPACE,
      workflow_sid: `WW${'8'.repeat(32)}`,
      queue_sid: QUEUE,
      task_channel_unique_name: 'chat',
      attributes: {
        flexInteractionSid: s.interactionSid,
        flexInteractionChannelSid: s.channelSid,
        conversationSid: s.fake.conversationOf(s.channelSid),
        customerName: 'Ada',
        transfer: {
          id: r.json.transferId,
          mac: expect.any(String),
          state: 'pending',
          mode: 'cold',
          from: { participantSid: agent().sid, workerSid: f.AGENT_WORKER, taskSid: agent().taskSid },
          to: { queueSid: QUEUE, workerSid: null },
          then: 'wrapup',
        },
      },
    },
  });
  expect(r.json).toMatchObject({
    mode: 'cold',
    invite: { sid: s.fake.invites[0]!.sid },
    task: { sid: s.fake.invites[0]!.taskSid },
    workspaceSid: DEFAULT_WORKSPACE,
  });
  expect(s.fake.participantUpdates()).toHaveLength(0);
  // The first transfer times out (one routing at a time), then a warm one: the workspace is not looked up again.
  s.fake.router.end(s.fake.invites[0]!.taskSid, 'workflow.timeout');
  s.fake.clearRequests();
  expect((await transfer({ queueSid: QUEUE, mode: 'warm' })).statusCode).toBe(200);
  expect(sent()).not.toContain('GET v1/Workspaces');
  expect(JSON.parse(String(invites().at(-1)!.body.Routing)).properties.attributes.transfer.then).toBe('stay');
});

it("to a worker: routed through the agent's task queue, worker_sid set; TRANSFER_LEAVE_STATUS=closed and the workspace setting", async () => {
  const ws = `WS${'1'.repeat(32)}`;
  const task = s.fake.taskRouter.tasks.get(agent().taskSid!)!;
  s.fake.taskRouter.tasks.set(task.sid, { ...task, workspaceSid: ws });
  const r = await transfer({ workerSid: f.OUTSIDER_WORKER }, bearer(f.AGENT_TOKEN), {
    ...env,
    TASKROUTER_WORKSPACE_SID: ws,
    TRANSFER_LEAVE_STATUS: 'closed',
  });
  expect(r.statusCode).toBe(200);
  expect(sent()).not.toContain('GET v1/Workspaces');
  const p = JSON.parse(String(invites()[0]!.body.Routing)).properties;
  expect(p).toMatchObject({ workspace_sid: ws, queue_sid: `WQ${'7'.repeat(32)}`, worker_sid: f.OUTSIDER_WORKER });
  expect(p.attributes.transfer).toMatchObject({ then: 'closed', to: { workerSid: f.OUTSIDER_WORKER, queueSid: null } });
});

it.each([
  ['neither target', {}, 'queueSid'],
  ['both targets', { queueSid: QUEUE, workerSid: f.OUTSIDER_WORKER }, 'workerSid'],
  ['a queue SID where a worker SID belongs', { workerSid: QUEUE }, 'workerSid'],
  ['a worker SID where a queue SID belongs', { queueSid: f.OUTSIDER_WORKER }, 'queueSid'],
  ['an unknown mode', { queueSid: QUEUE, mode: 'lukewarm' }, 'mode'],
  ['a bad workflow', { queueSid: QUEUE, workflowSid: QUEUE }, 'workflowSid'],
])('%s: 400 naming the field, nothing sent to Twilio (not even IAM)', async (_name, params, field) => {
  const r = await transfer(params);
  expect(r.statusCode).toBe(400);
  expect(r.json.error.details[0].field).toBe(field);
  expect(s.fake.requests).toHaveLength(0);
});

it('a closed channel: 400 naming channelSid, no invite', async () => {
  s.fake.channels.get(s.channelSid)!.status = 'closed';
  const r = await transfer({ queueSid: QUEUE });
  expect(r.statusCode).toBe(400);
  expect(r.json.error.details[0].field).toBe('channelSid');
  expect(s.fake.requests.filter((q) => q.method === 'POST' && !q.path.endsWith('/Tokens/validate'))).toHaveLength(0);
});

it('to themselves: 400 naming workerSid, no invite', async () => {
  const r = await transfer({ workerSid: f.AGENT_WORKER });
  expect(r.json.error.details[0].field).toBe('workerSid');
  expect(invites()).toHaveLength(0);
});

it('an agent not on the channel: 403, no invite; a supervisor may; the account must name the agent when several are on', async () => {
  const refused = await transfer({ queueSid: QUEUE }, bearer(f.OUTSIDER_TOKEN));
  expect(refused.statusCode).toBe(403);
  expect(invites()).toHaveLength(0);
  const another = await transfer({ queueSid: QUEUE, participantSid: agent().sid }, bearer(f.OUTSIDER_TOKEN));
  expect(another.statusCode).toBe(403);
  expect(invites()).toHaveLength(0);
  expect((await transfer({ queueSid: QUEUE }, bearer(f.SUPERVISOR_TOKEN))).statusCode).toBe(200);
  // One routing at a time: the supervisor's transfer is pending, so a second is 409 whoever asks; once it is gone, again.
  const second = await transfer({ queueSid: QUEUE, participantSid: agent().sid }, { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) });
  expect(second.statusCode).toBe(409);
  expect(second.json.error).toMatchObject({
    code: 'conflict',
    message: expect.stringMatching(/^a cold transfer is pending on this channel \(transfer [0-9a-f-]+, task WT/),
  });
  expect(invites()).toHaveLength(1);
  s.fake.router.end(s.fake.invites[0]!.taskSid, 'workflow.timeout');
  s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
  s.fake.clearRequests();
  const several = await transfer({ queueSid: QUEUE }, { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) });
  expect(several.statusCode).toBe(400);
  expect(several.json.error.details[0].field).toBe('participantSid');
  expect(invites()).toHaveLength(0);
  const named = await transfer({ queueSid: QUEUE, participantSid: agent().sid }, { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) });
  expect(named.statusCode).toBe(200);
});

it('an agent who already left cannot transfer (403); the twin, signed, must name the participant (a replay must not pick whoever is on), then transfers as the account', async () => {
  const task = s.fake.taskRouter.tasks.get(agent().taskSid!)!;
  s.fake.taskRouter.change(task, { assignmentStatus: 'wrapping' });
  expect((await transfer({ queueSid: QUEUE })).statusCode).toBe(403);
  expect(invites()).toHaveLength(0);
  s.fake.taskRouter.change(task, { assignmentStatus: 'assigned' });
  const twin = (extra: Record<string, string>) =>
    invoke(studioTransfer, env, {
      path: '/studio/transfer-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid, queueSid: QUEUE, ...extra },
    });
  s.fake.clearRequests();
  const unnamed = await twin({});
  expect(unnamed.statusCode).toBe(400);
  expect(unnamed.json.error.details[0].field).toBe('participantSid');
  expect(s.fake.apiRequests()).toHaveLength(0);
  expect((await twin({ participantSid: agent().sid })).statusCode).toBe(200);
  expect(invites()).toHaveLength(1);
});

it('no workspace setting and the account has none or several: 500 misconfigured naming TASKROUTER_WORKSPACE_SID, no invite', async () => {
  for (const workspaces of [[], [DEFAULT_WORKSPACE, `WS${'2'.repeat(32)}`]]) {
    forgetWorkspace();
    s.fake.taskRouter.workspaces = workspaces;
    const r = await transfer({ queueSid: QUEUE });
    expect(r.statusCode).toBe(500);
    expect(r.json.error).toMatchObject({ code: 'misconfigured', message: expect.stringContaining('TASKROUTER_WORKSPACE_SID') });
    expect(invites()).toHaveLength(0);
  }
});
