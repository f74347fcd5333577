/**
 * src/adapters/tasks.ts (Task fetch with its ETag, If-Match update) and workspace.ts (the
 * setting, else the account's one workspace, looked up once per container) as modules, with the
 * real `twilio` helper against the fake of Twilio.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import { loadConfig } from '../../../src/config';
import { twilioClient } from '../../../src/twilio/client';
import * as errors from '../../../src/edge/errors';
import * as tasks from '../../../src/adapters/tasks';
import * as workspaces from '../../../src/adapters/workspace';
import { DEFAULT_WORKSPACE } from '../../../sandbox/fake-taskrouter';
import type { Seeded } from '../../support/fake';
import { seededPerTest, settings } from '../../support/invoke';

let s: Seeded;
let client: TwilioClient;
seededPerTest((seeded, env) => {
  s = seeded;
  client = twilioClient(loadConfig(env as never));
  workspaces.forgetWorkspace();
});

const TASK = `WT${'b'.repeat(32)}`;
const addTask = (attributes: string) =>
  s.fake.taskRouter.tasks.set(TASK, { sid: TASK, workspaceSid: DEFAULT_WORKSPACE, assignmentStatus: 'assigned', attributes, revision: 7 });
const taskRequests = () => s.fake.requests.filter((q) => q.path.includes('/Workspaces'));

describe('attributesOf', () => {
  it.each([
    ['an object', '{"a":1}', { a: 1 }],
    ['an array', '[1]', {}],
    ['null', 'null', {}],
    ['a number', '3', {}],
    ['not JSON', '{a', {}],
    ['not a string', 42, {}],
    ['undefined', undefined, {}],
  ])('%s', (_name, text, expected) => {
    expect(tasks.attributesOf(text)).toEqual(expected);
  });
});

describe('fetchTask', () => {
  it('answers the task, its attributes parsed, and its ETag', async () => {
    addTask('{"customerName":"Ada"}');
    const t = s.fake.taskRouter.tasks.get(TASK)!;
    Object.assign(t, { queueSid: `WQ${'1'.repeat(32)}`, workflowSid: `WW${'2'.repeat(32)}`, taskChannelUniqueName: 'chat' });
    expect(await tasks.fetchTask(client, DEFAULT_WORKSPACE, TASK)).toEqual({
      sid: TASK,
      assignmentStatus: 'assigned',
      attributes: { customerName: 'Ada' },
      queueSid: `WQ${'1'.repeat(32)}`,
      workflowSid: `WW${'2'.repeat(32)}`,
      taskChannelUniqueName: 'chat',
      etag: '"7"',
    });
  });

  it('a task with no queue, workflow or channel: nulls', async () => {
    addTask('{}');
    expect(await tasks.fetchTask(client, DEFAULT_WORKSPACE, TASK)).toMatchObject({ queueSid: null, workflowSid: null, taskChannelUniqueName: null });
  });

  it('a task that does not exist: undefined', async () => {
    expect(await tasks.fetchTask(client, DEFAULT_WORKSPACE, TASK)).toBeUndefined();
  });

  it('another refusal is thrown, translated (no Twilio error escapes)', async () => {
    s.fake.inject({ kind: 'status', status: 403, code: 20403, message: 'Forbidden' });
    await expect(tasks.fetchTask(client, DEFAULT_WORKSPACE, TASK)).rejects.toBeInstanceOf(errors.HttpError);
  });
});

it.each([
  ['fetchTask', () => tasks.fetchTask(client, DEFAULT_WORKSPACE, TASK), 'the task'],
  ['updateAttributes', () => tasks.updateAttributes(client, DEFAULT_WORKSPACE, { sid: TASK, etag: '"7"' }, {}), 'the task'],
  ['workspaceSid', () => workspaces.workspaceSid(client, loadConfig(settings(s.baseUrl) as never)), 'the TaskRouter workspaces'],
])('%s: a refusal Twilio gives no message for names what was refused', async (_name, call, what) => {
  addTask('{}');
  s.fake.inject({ kind: 'answer', status: 400, body: { status: 400 } });
  await expect(call()).rejects.toThrow(`Twilio refused the change to ${what}`);
});

describe('updateAttributes', () => {
  it('sends the attributes with If-Match and answers the new ETag', async () => {
    addTask('{}');
    const r = await tasks.updateAttributes(client, DEFAULT_WORKSPACE, { sid: TASK, etag: '"7"' }, { a: 1 });
    expect(r).toEqual({ ok: true, etag: '"8"' });
    expect(taskRequests()).toEqual([expect.objectContaining({ method: 'POST', ifMatch: '"7"', body: { Attributes: '{"a":1}' } })]);
    expect(s.fake.taskRouter.tasks.get(TASK)!.attributes).toBe('{"a":1}');
  });

  it('a stale ETag: 412, answered as a conflict, nothing changed', async () => {
    addTask('{"b":2}');
    expect(await tasks.updateAttributes(client, DEFAULT_WORKSPACE, { sid: TASK, etag: '"6"' }, { a: 1 })).toEqual({ ok: false });
    expect(s.fake.taskRouter.tasks.get(TASK)!.attributes).toBe('{"b":2}');
  });

  it('no ETag to match: a conflict, and nothing is sent (an update without If-Match would win blindly)', async () => {
    addTask('{}');
    expect(await tasks.updateAttributes(client, DEFAULT_WORKSPACE, { sid: TASK, etag: undefined }, { a: 1 })).toEqual({ ok: false });
    expect(taskRequests()).toHaveLength(0);
  });

  it('another refusal is thrown, translated', async () => {
    addTask('{}');
    s.fake.inject({ kind: 'status', status: 400, code: 20001, message: 'Invalid' });
    await expect(tasks.updateAttributes(client, DEFAULT_WORKSPACE, { sid: TASK, etag: '"7"' }, {})).rejects.toBeInstanceOf(errors.HttpError);
  });
});

describe('workspaceSid', () => {
  const config = (extra: Record<string, string> = {}) => loadConfig(settings(s.baseUrl, extra) as never);

  it('the setting, when given: nothing asked', async () => {
    const ws = `WS${'c'.repeat(32)}`;
    expect(await workspaces.workspaceSid(client, config({ TASKROUTER_WORKSPACE_SID: ws }))).toBe(ws);
    expect(taskRequests()).toHaveLength(0);
  });

  it('else the one workspace, looked up once for concurrent and later calls', async () => {
    const c = config();
    expect(await Promise.all([workspaces.workspaceSid(client, c), workspaces.workspaceSid(client, c)])).toEqual([
      DEFAULT_WORKSPACE,
      DEFAULT_WORKSPACE,
    ]);
    expect(await workspaces.workspaceSid(client, c)).toBe(DEFAULT_WORKSPACE);
    expect(taskRequests()).toHaveLength(1);
    expect(taskRequests()[0]).toMatchObject({ path: '/v1/Workspaces', query: { PageSize: '2' } });
  });

  it('another account: looked up again', async () => {
    await workspaces.workspaceSid(client, config());
    await workspaces.workspaceSid(client, { ...config(), accountSid: `AC${'d'.repeat(32)}` });
    expect(taskRequests()).toHaveLength(2);
  });

  it.each([
    ['none', []],
    ['several', [DEFAULT_WORKSPACE, `WS${'e'.repeat(32)}`]],
  ])('%s: misconfigured naming the setting', async (name, list) => {
    s.fake.taskRouter.workspaces = list;
    const err = await workspaces.workspaceSid(client, config()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.MisconfiguredError);
    expect((err as Error).message).toBe(
      `the account has ${name === 'none' ? 'no' : 'several'} TaskRouter workspaces: set TASKROUTER_WORKSPACE_SID to the one transfers use`,
    );
  });

  it('a failed look-up is not kept: the next call asks again', async () => {
    s.fake.inject({ kind: 'status', status: 403, code: 20403, message: 'Forbidden' });
    await expect(workspaces.workspaceSid(client, config())).rejects.toBeInstanceOf(errors.HttpError);
    expect(await workspaces.workspaceSid(client, config())).toBe(DEFAULT_WORKSPACE);
    expect(taskRequests()).toHaveLength(2);
  });

  it('forgetWorkspace: looked up again', async () => {
    await workspaces.workspaceSid(client, config());
    workspaces.forgetWorkspace();
    await workspaces.workspaceSid(client, config());
    expect(taskRequests()).toHaveLength(2);
  });
});
