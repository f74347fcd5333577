/**
 * src/adapters/participants against the fake of Twilio through the real helper: how a
 * participant Twilio leaves untyped is normalized, every page followed up to the bound, the
 * workers the close policy and the orphan guard read, and the one update call.
 */
import { MAX_PARTICIPANTS, normalizeParticipant, readParticipants, updateParticipant } from '../../../src/adapters/participants';
import { loadConfig } from '../../../src/config';
import { ConflictError, NotFoundError, UpstreamError } from '../../../src/edge/errors';
import { twilioClient } from '../../../src/twilio/client';
import { startSeededFake, type Seeded } from '../../support/fake';
import { settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const client = () => twilioClient(loadConfig(settings(s.baseUrl) as never));
const UT = `UT${'3'.repeat(32)}`;
const WK = `WK${'4'.repeat(32)}`;
const WT = `WT${'5'.repeat(32)}`;
const WR = `WR${'6'.repeat(32)}`;
const ids = () => ({ interactionSid: s.interactionSid, channelSid: s.channelSid });
const listed = () => s.fake.apiRequests().filter((q) => q.method === 'GET' && q.path.endsWith('/Participants'));

describe('normalizeParticipant', () => {
  it.each([
    ['snake_case', { worker_sid: WK, task_sid: WT, reservation_sid: WR }],
    ['camelCase', { workerSid: WK, taskSid: WT, reservationSid: WR }],
    ['PascalCase', { WorkerSid: WK, TaskSid: WT, ReservationSid: WR }],
  ])('reads the agent ids in %s, and nothing else of routing_properties', (_name, props) => {
    const p = normalizeParticipant({ sid: UT, type: 'agent', routingProperties: { ...props, secret: 'x', queue_sid: 'WQ1' }, url: 'u' });
    expect(p).toEqual({ sid: UT, type: 'agent', workerSid: WK, taskSid: WT, reservationSid: WR });
  });

  it.each([
    ['null', null],
    ['a string', 'not an object'],
    ['an array', [WK]],
    ['ids of the wrong shape', { worker_sid: 'WK1', task_sid: 5, reservation_sid: WK }],
    ['empty ids', { worker_sid: '', task_sid: null }],
  ])('routing_properties that are %s: every id null, never an error', (_name, routingProperties) => {
    expect(normalizeParticipant({ sid: UT, type: 'customer', routingProperties })).toEqual({
      sid: UT,
      type: 'customer',
      workerSid: null,
      taskSid: null,
      reservationSid: null,
    });
  });

  it('a type that is not a string is null; a routing status, which Twilio does not document, is never read', () => {
    expect(normalizeParticipant({ sid: UT, type: 5 }).type).toBeNull();
    for (const status of ['wrapping', 'completed', 'accepted'])
      expect(Object.keys(normalizeParticipant({ sid: UT, type: 'agent', routingProperties: { status } })).sort()).toEqual([
        'reservationSid',
        'sid',
        'taskSid',
        'type',
        'workerSid',
      ]);
  });

  it('two spellings of one field: the first that is there (not null) is read, whichever spelling it has', () => {
    const p = normalizeParticipant({
      sid: UT,
      type: 'agent',
      routingProperties: { worker_sid: null, WorkerSid: WK, workerSid: WT, Task_Sid: WT, status: null, Status: 'closed' },
    });
    expect(p).toEqual({ sid: UT, type: 'agent', workerSid: WK, taskSid: WT, reservationSid: null });
    const wrongFirst = normalizeParticipant({ sid: UT, type: 'agent', routingProperties: { worker_sid: 'WK1', workerSid: WK } });
    expect(wrongFirst.workerSid).toBeNull();
  });

  it.each([[{}], [{ sid: 'UO' + '1'.repeat(32) }], [{ sid: 5 }], [null]])('a participant without a UT sid is an upstream error: %j', (instance) => {
    expect(() => normalizeParticipant(instance)).toThrow(new UpstreamError('Twilio answered with a participant we could not read'));
  });
});

describe('readParticipants', () => {
  it('asks for one page of 1000 and answers the channel as the fake holds it', async () => {
    const got = await readParticipants(client(), ids());
    expect(got.map((p) => [p.type, p.workerSid])).toEqual([
      ['customer', null],
      ['agent', f.AGENT_WORKER],
    ]);
    expect(listed()).toHaveLength(1);
    expect(listed()[0]!.query).toMatchObject({ PageSize: '1000' });
  });

  it('follows every page Twilio gives', async () => {
    for (let i = 0; i < 4; i++) s.fake.addParticipant(s.channelSid, { type: 'agent', workerSid: `WK${String(i).repeat(32)}` });
    s.fake.maxPageSize = 2;
    const got = await readParticipants(client(), ids());
    expect(got).toHaveLength(6);
    expect(new Set(got.map((p) => p.sid)).size).toBe(6);
    expect(listed()).toHaveLength(3);
  });

  it(`refuses a channel with more than ${MAX_PARTICIPANTS} participants (never a partial answer), reading at most two pages`, async () => {
    for (let i = 0; i < MAX_PARTICIPANTS; i++) s.fake.addParticipant(s.channelSid, { type: 'external' });
    await expect(readParticipants(client(), ids())).rejects.toThrow(
      new UpstreamError('the channel has more than 1000 participants; this service reads at most 1000'),
    );
    expect(listed()).toHaveLength(2);
    s.fake.participants.get(s.channelSid)!.splice(MAX_PARTICIPANTS);
    await expect(readParticipants(client(), ids())).resolves.toHaveLength(MAX_PARTICIPANTS);
  });

  it('a channel that does not exist is named', async () => {
    await expect(readParticipants(client(), { interactionSid: f.KD_UNKNOWN, channelSid: f.UO_UNKNOWN })).rejects.toThrow(
      new NotFoundError('the channel was not found'),
    );
  });
});

describe('the worker of each participant', () => {
  const page = (participants: unknown[]) => ({
    participants,
    meta: { page: 0, page_size: 1000, first_page_url: 'x', previous_page_url: null, url: 'x', next_page_url: null, key: 'participants' },
  });
  const participant = (fields: Record<string, unknown>) => ({
    sid: UT,
    interaction_sid: s.interactionSid,
    channel_sid: s.channelSid,
    url: 'x',
    ...fields,
  });

  it('reads worker_sid or workerSid, and null where no worker SID of the right shape is there', async () => {
    s.fake.inject(
      {
        kind: 'answer',
        status: 200,
        body: page([
          participant({ type: 'agent', routing_properties: { worker_sid: f.AGENT_WORKER } }),
          participant({ type: 'agent', routing_properties: { workerSid: f.OUTSIDER_WORKER } }),
          participant({ type: 'agent', routing_properties: { worker_sid: '' } }),
          participant({ type: 'agent', routing_properties: 'not an object' }),
          participant({ type: 'agent', routing_properties: { worker_sid: 'WK1' } }),
          participant({ type: 'customer', routing_properties: null }),
          participant({ type: 5, routing_properties: { worker_sid: 'WK3' } }),
        ]),
      },
      (q) => q.path.endsWith('/Participants'),
      1,
    );
    expect((await readParticipants(client(), ids())).map((p) => [p.type, p.workerSid])).toEqual([
      ['agent', f.AGENT_WORKER],
      ['agent', f.OUTSIDER_WORKER],
      ['agent', null],
      ['agent', null],
      ['agent', null],
      ['customer', null],
      [null, null],
    ]);
  });
});

describe('updateParticipant', () => {
  it("changes the participant's task, never the channel; a second change after closed is Twilio's 409", async () => {
    const [, agent] = await readParticipants(client(), ids());
    const wrapped = await updateParticipant(client(), { ...ids(), participantSid: agent!.sid, status: 'wrapup' }, agent!);
    expect(wrapped).toMatchObject({ sid: agent!.sid, workerSid: f.AGENT_WORKER });
    expect(s.fake.participants.get(s.channelSid)![1]).toMatchObject({ status: 'wrapup', taskStatus: 'wrapping' });
    expect(s.fake.taskRouter.tasks.get(agent!.taskSid!)!.assignmentStatus).toBe('wrapping');
    await updateParticipant(client(), { ...ids(), participantSid: agent!.sid, status: 'closed' }, agent!);
    expect(s.fake.participants.get(s.channelSid)![1]).toMatchObject({ status: 'closed', taskStatus: 'completed' });
    expect(s.fake.channels.get(s.channelSid)!.status).toBe('active');
    await expect(updateParticipant(client(), { ...ids(), participantSid: agent!.sid, status: 'closed' }, agent!)).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(s.fake.participantUpdates().map((q) => q.body)).toEqual([{ Status: 'wrapup' }, { Status: 'closed' }, { Status: 'closed' }]);
  });

  it('an answer it cannot read, after the change was made, falls back to the participant as listed', async () => {
    const [, agent] = await readParticipants(client(), ids());
    s.fake.inject({ kind: 'answer', status: 200, body: { sid: 'nonsense' } }, (q) => q.method === 'POST', 1);
    await expect(updateParticipant(client(), { ...ids(), participantSid: agent!.sid, status: 'wrapup' }, agent!)).resolves.toBe(agent);
  });

  it('a participant that does not exist is named', async () => {
    await expect(updateParticipant(client(), { ...ids(), participantSid: UT, status: 'wrapup' }, {} as never)).rejects.toThrow(
      new NotFoundError('the participant was not found'),
    );
  });
});
