/**
 * What each decision answers, exactly (the reason is what a team reads in the Functions logs):
 * the resume's ignored and cleaned cases, and the re-park's, through the handlers and the fake.
 */
import { parkWorld, type ParkWorld } from './support';
import * as f from '../../../support/fixtures';

let w: ParkWorld;
beforeEach(async () => {
  w = await parkWorld();
  expect((await w.park()).statusCode).toBe(200);
});
afterEach(async () => {
  await w.fake.stop();
});

const item = () => (w.fake.sync as any).map(w.syncService, 'flex-parked-channels').items.get(w.channelSid);

describe('resume', () => {
  it('each ignored case says why', async () => {
    const { index } = w.write('x');
    expect((await w.deliver(index, { ConversationSid: `CH${'0'.repeat(32)}` })).json).toEqual({
      action: 'ignored',
      reason: 'the message is from another conversation than the parked one',
    });
    expect((await w.deliver(w.write('mine', 'alice').index)).json).toEqual({
      action: 'ignored',
      reason: "the message is the parking agent's own: only the customer's resumes",
    });
    expect((await w.deliver(index, { EventType: 'onConversationUpdated' })).json).toEqual({
      action: 'ignored',
      reason: 'onConversationUpdated is not onMessageAdded',
    });
    expect((await w.deliver(index, { interactionSid: `KD${'0'.repeat(32)}` })).json).toEqual({
      action: 'ignored',
      reason: 'the park record of this channel names another interaction',
    });
    const data = JSON.parse(item().data);
    item().data = JSON.stringify({ ...data, state: 'resuming', claim: { id: 'c', at: Date.now() - 4_000 } });
    expect((await w.deliver(index)).json).toEqual({ action: 'ignored', reason: 'another delivery or click is resuming it (claimed 4 s ago)' });
    item().data = JSON.stringify(data);
    const resumed = await w.deliver(index);
    expect(resumed.json).toMatchObject({ action: 'resumed', reason: 'resumed to the parking agent, through the workflow' });
    expect(resumed.json.task.sid).toBe(w.fake.invites[0]!.taskSid);
    expect((await w.deliver(index)).json).toEqual({
      action: 'ignored',
      reason: 'the channel is not parked (no park record): resumed already, or never parked',
    });
  });

  it('an inactive channel: cleaned, saying so', async () => {
    w.fake.channels.get(w.channelSid)!.status = 'inactive';
    expect((await w.deliver(w.write('x').index)).json).toEqual({
      action: 'cleaned',
      reason: 'the channel is inactive: the park was cleaned up, nothing invited',
    });
  });

  it('a failed invite says so, and that the next message tries again; a failed clean-up is told, not hidden', async () => {
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.path.endsWith('/Invites'), 1);
    expect((await w.deliver(w.write('1').index)).json).toEqual({
      action: 'failed',
      reason: 'the invite failed (Twilio answered HTTP 500): still parked, the next message tries again',
    });
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'DELETE', 10);
    const r = await w.deliver(w.write('2').index);
    expect(r.json.action).toBe('resumed');
    expect(r.json.reason).toMatch(
      /^resumed to the parking agent, through the workflow; the webhook WH[0-9a-f]{32} could not be deleted \(Twilio answered HTTP 500\); the park record could not be deleted \(Twilio answered HTTP 500\)$/,
    );
  });

  it('RESUME_TO=queue says so', async () => {
    const { invoke } = await import('../../../support/invoke');
    const { handler } = await import('../../../../functions/resume-channel');
    const r = await invoke(
      handler,
      { ...w.env, RESUME_TO: 'queue' },
      {
        path: '/resume-channel',
        params: { interactionSid: w.interactionSid, channelSid: w.channelSid },
        headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` },
      },
    );
    expect(r.json.reason).toBe('resumed to the original queue');
  });
});

describe('re-park', () => {
  const resumedTask = async () => {
    await w.deliver(w.write('1').index);
    return w.fake.invites[0]!.taskSid;
  };
  it('the channel gone, closed, or taken by an agent: ignored, saying which; nothing recorded', async () => {
    const task = await resumedTask();
    const [event] = w.fake.router.end(task, 'workflow.timeout');
    const { reservation } = w.fake.router.reserve(task, f.AGENT_WORKER);
    w.fake.router.accept(reservation.sid);
    expect((await w.taskRouter(event!)).json.park).toEqual({
      action: 'ignored',
      reason: 'an agent is on the channel: it is not waiting for the customer',
    });
    w.fake.channels.get(w.channelSid)!.status = 'closed';
    expect((await w.taskRouter(event!)).json.park).toEqual({ action: 'ignored', reason: 'the channel is closed: nothing to park' });
    w.fake.channels.delete(w.channelSid);
    expect((await w.taskRouter(event!)).json.park).toEqual({ action: 'ignored', reason: 'the channel no longer exists: nothing to park' });
    expect(w.records()).toHaveLength(0);
  });
  it('parked again, then again by a second delivery: each says so', async () => {
    const [event] = w.fake.router.end(await resumedTask(), 'task.canceled');
    expect((await w.taskRouter(event!)).json.park).toEqual({
      action: 'reparked',
      reason: 'nobody took the resumed task (task.canceled): parked again, the next message resumes it',
    });
    expect((await w.taskRouter(event!)).json.park).toEqual({
      action: 'reparked',
      reason: 'parked again already (another delivery of this event, or a new park)',
    });
  });
  it('the webhook cannot be made: the record made is undone (no park that nobody watches), and the guard decides', async () => {
    const [event] = w.fake.router.end(await resumedTask(), 'workflow.timeout');
    w.fake.inject({ kind: 'status', status: 500 }, (q) => q.method === 'POST' && q.path.endsWith('/Webhooks'), 5);
    const r = await w.taskRouter(event!);
    expect(r.json).not.toHaveProperty('park');
    expect(w.records()).toHaveLength(0);
  });
  it('another event of a resumed task is not a give-up', async () => {
    const task = await resumedTask();
    const { events } = w.fake.router.reserve(task, f.AGENT_WORKER);
    expect((await w.taskRouter(events[0]!)).json).not.toHaveProperty('park');
  });
});
