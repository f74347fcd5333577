/**
 * /transfer-channel (src/workflows/transfer.ts): each refusal after the channel and its
 * participants are read, with its field and message, and nothing created; and what the invite's
 * routing properties leave out when the agent's task has no workflow, queue or task channel.
 */
import { handler as transferChannel } from '../../../../functions/transfer-channel';
import { forgetWorkspace } from '../../../../src/adapters/workspace';
import type { Seeded } from '../../../support/fake';
import { invoke, seededPerTest } from '../../../support/invoke';
import * as f from '../../../support/fixtures';

let s: Seeded;
let env: Record<string, string>;
seededPerTest((seeded, e) => {
  forgetWorkspace();
  s = seeded;
  env = e;
  s.fake.addAgentTask(s.channelSid, agent(), { customerName: 'Ada' });
});

const QUEUE = `WQ${'9'.repeat(32)}`;
const account = { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };
const agent = () => s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
const customer = () => s.fake.participants.get(s.channelSid)!.find((p) => p.type === 'customer')!;
const invites = () => s.fake.requests.filter((q) => q.path.endsWith('/Invites'));
const transfer = (params: Record<string, unknown>, headers: Record<string, string> = { Authorization: `Bearer ${f.AGENT_TOKEN}` }) =>
  invoke(transferChannel, env, {
    path: '/transfer-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid, ...params },
    headers,
  });

async function refused(params: Record<string, unknown>, headers: Record<string, string>, status: number, field: string | undefined, message: string) {
  const r = await transfer(params, headers);
  expect(r.statusCode).toBe(status);
  if (field === undefined) expect(r.json.error.message).toBe(message);
  else expect(r.json.error.details).toEqual([{ field, message }]);
  expect(invites()).toHaveLength(0);
}

describe('refused, naming the field, nothing created', () => {
  it('a participantSid not on the channel', async () => {
    await refused({ queueSid: QUEUE, participantSid: `UT${'f'.repeat(32)}` }, account, 400, 'participantSid', 'is not a participant of this channel');
  });

  it("the customer's participantSid", async () => {
    await refused({ queueSid: QUEUE, participantSid: customer().sid }, account, 400, 'participantSid', 'is a customer participant, not an agent');
  });

  it('a typeless participant', async () => {
    const odd = s.fake.addParticipant(s.channelSid, { type: undefined as never });
    await refused({ queueSid: QUEUE, participantSid: odd.sid }, account, 400, 'participantSid', 'is a typeless participant, not an agent');
  });

  it('an agent who already left, named: 409, their task status in the message', async () => {
    s.fake.agentLeft(agent(), 'wrapup');
    await refused(
      { queueSid: QUEUE, participantSid: agent().sid },
      account,
      409,
      undefined,
      'participantSid has left the conversation (their task is wrapping in TaskRouter): only an agent on the channel can transfer it',
    );
  });

  it('no agent on the channel, for the account', async () => {
    s.fake.participants.set(s.channelSid, [customer()]);
    await refused({ queueSid: QUEUE }, account, 400, 'participantSid', 'no agent is on this channel to transfer from');
  });

  it('an agent not on the channel, not naming one: 403 saying who may', async () => {
    await refused(
      { queueSid: QUEUE },
      { Authorization: `Bearer ${f.OUTSIDER_TOKEN}` },
      403,
      undefined,
      'you are not an agent participant of this channel: only its agents or a supervisor may transfer it',
    );
  });

  it('several agents, for a supervisor not naming one: the message lists them', async () => {
    const other = s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: f.OUTSIDER_WORKER });
    await refused(
      { queueSid: QUEUE },
      { Authorization: `Bearer ${f.SUPERVISOR_TOKEN}` },
      400,
      'participantSid',
      `must name one: 2 agent participants are on this channel (${agent().sid}, ${other.sid})`,
    );
  });

  it.each([
    ['closed', 'is closed: only an open channel can be transferred'],
    ['inactive', 'is inactive: only an open channel can be transferred'],
  ])('a channel %s', async (status, message) => {
    s.fake.channels.get(s.channelSid)!.status = status;
    await refused({ queueSid: QUEUE }, account, 400, 'channelSid', message);
  });

  it('an agent whose routing properties carry no task: nothing says they are on the channel, 403', async () => {
    agent().taskSid = 'not-a-task';
    await refused(
      { queueSid: QUEUE },
      { Authorization: `Bearer ${f.AGENT_TOKEN}` },
      403,
      undefined,
      'you are no longer on this conversation (your task is not in TaskRouter): only an agent on the channel or a supervisor may transfer it',
    );
  });

  it('to themselves', async () => {
    await refused(
      { workerSid: f.AGENT_WORKER },
      { Authorization: `Bearer ${f.AGENT_TOKEN}` },
      400,
      'workerSid',
      'is the transferring agent themselves',
    );
  });

  it("the agent's task not in TaskRouter: nobody is on the channel to transfer from (400)", async () => {
    s.fake.taskRouter.tasks.delete(agent().taskSid!);
    await refused({ queueSid: QUEUE }, account, 400, 'participantSid', 'no agent is on this channel to transfer from');
  });

  it("to a worker, the agent's task naming no queue", async () => {
    s.fake.taskRouter.tasks.get(agent().taskSid!)!.queueSid = undefined;
    await refused(
      { workerSid: f.OUTSIDER_WORKER },
      account,
      400,
      'queueSid',
      "is required: the transferring agent's task names no queue to route the worker through",
    );
  });

  it('Twilio refusing the invite: its refusal, named', async () => {
    s.fake.inject({ kind: 'status', status: 409, code: 45004, message: 'The channel is closed' }, (q) => q.path.endsWith('/Invites'));
    const r = await transfer({ queueSid: QUEUE }, account);
    expect(r.statusCode).toBe(409);
    expect(r.json.error.message).toContain('closed');
  });
});

it('Twilio answering the invite 404: the invite named as not found', async () => {
  s.fake.inject({ kind: 'status', status: 404, code: 20404, message: 'not found' }, (q) => q.path.endsWith('/Invites'));
  const r = await transfer({ queueSid: QUEUE }, account);
  expect(r.statusCode).toBe(404);
  expect(r.json.error.message).toBe('the invite was not found');
});

it('a channel still in setup can be transferred', async () => {
  s.fake.channels.get(s.channelSid)!.status = 'setup';
  expect((await transfer({ queueSid: QUEUE }, account)).statusCode).toBe(200);
});

it("the agent's task without workflow or task channel: the invite leaves them out; no worker_sid for a queue", async () => {
  const task = s.fake.taskRouter.tasks.get(agent().taskSid!)!;
  Object.assign(task, { workflowSid: undefined, taskChannelUniqueName: undefined });
  const r = await transfer({ queueSid: QUEUE }, account);
  expect(r.statusCode).toBe(200);
  const properties = JSON.parse(String(invites()[0]!.body.Routing)).properties;
  expect(Object.keys(properties).sort()).toEqual(['attributes', 'queue_sid', 'workspace_sid']);
  expect(r.json.to).toEqual({ queueSid: QUEUE, workerSid: null, workflowSid: null });
});

it("Twilio's invite answer naming no task: the answer's task is null", async () => {
  s.fake.inject({ kind: 'answer', status: 200, body: { sid: `KG${'a'.repeat(32)}`, routing: { properties: {} } } }, (q) =>
    q.path.endsWith('/Invites'),
  );
  const r = await transfer({ queueSid: QUEUE }, account);
  expect(r.statusCode).toBe(200);
  expect(r.json.task).toEqual({ sid: null });
  expect(r.json.invite).toEqual({ sid: `KG${'a'.repeat(32)}` });
});

it("Twilio's invite answer with no routing at all: the answer's task is null", async () => {
  s.fake.inject({ kind: 'answer', status: 200, body: { sid: `KG${'a'.repeat(32)}`, routing: null } }, (q) => q.path.endsWith('/Invites'));
  const r = await transfer({ queueSid: QUEUE }, account);
  expect(r.json.task).toEqual({ sid: null });
});

it("Twilio's invite answer whose task is not a string: null", async () => {
  s.fake.inject({ kind: 'answer', status: 200, body: { sid: `KG${'a'.repeat(32)}`, routing: { properties: { sid: 7 } } } }, (q) =>
    q.path.endsWith('/Invites'),
  );
  const r = await transfer({ queueSid: QUEUE }, account);
  expect(r.json.task).toEqual({ sid: null });
});
