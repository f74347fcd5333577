/**
 * What a transfer sends is what Twilio accepts: Prism, in **proxy** mode with --errors, checks
 * every request (and every answer) against Twilio's OpenAPI for Flex and TaskRouter merged into
 * one document (test/support/processes.ts mergedSpec), and forwards it to the stateful fake of
 * Twilio, so a whole transfer runs: the workspace list (TASKROUTER_WORKSPACE_SID empty), the
 * transferring agent's Task fetch, the invite (CreateInteractionChannelInvite), then on the
 * webhook the new task's fetch and If-Match updates, and the orphan guard's Task fetch and Task
 * list. A request that breaks the contract is answered 4xx by Prism, which fails the step.
 * (test/e2e/twilio-contract.e2e.test.ts does the same in mock mode for the other functions.)
 */
import { startSeededFake, type Seeded } from '../support/fake';
import { mergedSpec, startFunctions, startPrism, type Running } from '../support/processes';
import * as f from '../support/fixtures';
import { sortReads } from '../support/requests';

jest.setTimeout(120_000);

let prism: Running;
let s: Seeded;
let server: Running;
const spec = mergedSpec(['twilio_flex_v1.json', 'twilio_taskrouter_v1.json']);

beforeAll(async () => {
  s = await startSeededFake();
  prism = await startPrism(spec.file, s.baseUrl);
  server = await startFunctions(
    { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, TWILIO_API_BASE_URL: prism.url, TWILIO_IAM_BASE_URL: s.baseUrl },
    {},
  );
});

afterAll(async () => {
  await Promise.all([server?.stop(), prism?.stop()]);
  await s?.fake.stop();
  spec.remove();
});
beforeEach(() => s.fake.clearRequests());

const QUEUE = `WQ${'9'.repeat(32)}`;
const hook = () => `${server.url}/webhooks/taskrouter`;
/** What reached the fake through Prism, as method and the path's last two segments. */
const reached = () =>
  sortReads(s.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate')).map((q) => `${q.method} ${q.path.split('/').slice(-2).join('/')}`));
const WS = `WS${'5'.repeat(32)}`;
const failure = (what: string, status: number, body: unknown) =>
  new Error(`${what} answered ${status}: ${JSON.stringify(body)}\n${prism.output.slice(-8).join('')}`);

async function transfer(interactionSid: string, channelSid: string): Promise<any> {
  const r = await fetch(`${server.url}/transfer-channel`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${f.AGENT_TOKEN}` },
    body: JSON.stringify({ interactionSid, channelSid, queueSid: QUEUE }),
  });
  const body = (await r.json()) as any;
  if (r.status !== 200) throw failure('/transfer-channel', r.status, body);
  return body;
}

async function deliver(event: Record<string, string>) {
  const r = await s.fake.deliverEvent(hook(), event);
  if (r.status !== 200) throw failure('/webhooks/taskrouter', r.status, r.body);
  return r.body;
}

/** A new conversation with the demo agent on it, and the agent's task in TaskRouter. */
function conversation(): { interactionSid: string; channelSid: string } {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
  const channelSid = channelSids[0]!;
  s.fake.addAgentTask(
    channelSid,
    s.fake.participants.get(channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!,
    { customerName: 'Ada' },
  );
  return { interactionSid, channelSid };
}

it('a cold transfer, accepted: the workspace list, the Task fetch and the invite, then the claim, the participant update and completed, all as Twilio describes them', async () => {
  const { interactionSid, channelSid } = conversation();
  const t = await transfer(interactionSid, channelSid);
  // The channel's state (the agent's task comes with the tasks naming the channel), then the invite.
  expect(reached()).toEqual([
    ...sortReads([`GET Channels/${channelSid}`, `GET ${channelSid}/Participants`, 'GET v1/Workspaces', `GET ${WS}/Tasks`]),
    `POST ${channelSid}/Invites`,
  ]);
  s.fake.clearRequests();
  const answer = await deliver(s.fake.router.accept(s.fake.router.reserve(t.task.sid, f.OUTSIDER_WORKER).reservation.sid)[0]!);
  expect(answer).toMatchObject({ action: 'finished', transfer: { participantStatus: 'wrapup' } });
  // The new task and the channel's state at the same time, then the claim, the participant update, `completed`.
  expect(reached()).toEqual([
    ...sortReads([`GET Tasks/${t.task.sid}`, `GET Channels/${channelSid}`, `GET ${channelSid}/Participants`, `GET ${WS}/Tasks`]),
    `POST Tasks/${t.task.sid}`,
    expect.stringMatching(/^POST Participants\/UT/),
    `POST Tasks/${t.task.sid}`,
  ]);
  expect(s.fake.requests.filter((q) => q.method === 'POST' && q.path.endsWith(t.task.sid)).every((q) => q.ifMatch !== undefined)).toBe(true);
});

it("a failed transfer: the new task's fetch, then the agent's Task fetch and If-Match update; the guard's channel and participants reads", async () => {
  const { interactionSid, channelSid } = conversation();
  const t = await transfer(interactionSid, channelSid);
  s.fake.clearRequests();
  const answer = await deliver(s.fake.router.end(t.task.sid, 'task.canceled')[0]!);
  expect(answer).toMatchObject({ action: 'failed', orphanGuard: { action: 'ignored', reason: 'an agent is still on the channel' } });
  // The finisher (the new task, the agent's, its update), then the guard: the channel's state and the event's task at once.
  expect(reached()).toEqual([
    ...sortReads([`GET Tasks/${t.task.sid}`, `GET Tasks/${t.from.taskSid}`]),
    `POST Tasks/${t.from.taskSid}`,
    ...sortReads([`GET Channels/${channelSid}`, `GET ${channelSid}/Participants`, `GET ${WS}/Tasks`, `GET Tasks/${t.task.sid}`]),
  ]);
});

it("the orphan guard closes a channel nobody is on: its Task fetch and its Task list (EvaluateTaskAttributes, AssignmentStatus) are Twilio's", async () => {
  const task = `WT${'c'.repeat(32)}`;
  const attributes = JSON.stringify({ flexInteractionSid: s.interactionSid, flexInteractionChannelSid: s.otherChannelSid });
  s.fake.taskRouter.tasks.set(task, { sid: task, workspaceSid: `WS${'5'.repeat(32)}`, assignmentStatus: 'canceled', attributes });
  const answer = await deliver({
    EventType: 'task.canceled',
    TaskSid: task,
    WorkspaceSid: `WS${'5'.repeat(32)}`,
    TaskAttributes: attributes,
    TimestampMs: String(Date.now()),
  });
  expect(answer).toMatchObject({ action: 'closed', orphanGuard: { action: 'closed' } });
  expect(reached()).toEqual([
    ...sortReads([`GET Channels/${s.otherChannelSid}`, `GET ${s.otherChannelSid}/Participants`, `GET Tasks/${task}`, `GET ${WS}/Tasks`]),
    `POST Channels/${s.otherChannelSid}`,
  ]);
});
