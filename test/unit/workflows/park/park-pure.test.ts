/**
 * The park's decisions that need no Twilio: who parks, where a resume goes and what it carries,
 * when a claim may be taken, what a resumed task says it resumed, the record's size limit and
 * the page token (the parameters: park-params.test.ts).
 */
import { parking, parkOf } from '../../../../src/workflows/park';
import { claimable, inviteOf, STALE_CLAIM_MS } from '../../../../src/workflows/resume';
import { resumedParkOf } from '../../../../src/workflows/repark';
import { assertFits, MAX_RECORD_BYTES, tokenOf, whereOf, type RecordData } from '../../../../src/adapters/park-records';
import { authorizeResume, parkScope } from '../../../../src/credentials/policy';
import { ConflictError, ForbiddenError, InvalidRequestError, MisconfiguredError } from '../../../../src/edge/errors';
import type { ListedParticipant } from '../../../../src/adapters/participants';

const KD = `KD${'a'.repeat(32)}`;
const UO = `UO${'b'.repeat(32)}`;
const CH = `CH${'c'.repeat(32)}`;
const WK = `WK${'d'.repeat(32)}`;
const WK2 = `WK${'e'.repeat(32)}`;
const WQ = `WQ${'7'.repeat(32)}`;
const WW = `WW${'8'.repeat(32)}`;
const WS = `WS${'5'.repeat(32)}`;
const WT = `WT${'9'.repeat(32)}`;
const UT = (n: number) => `UT${String(n).repeat(32)}`;

const agent = (n: number, workerSid: string, finished = false): ListedParticipant => ({
  sid: UT(n),
  type: 'agent',
  workerSid,
  taskSid: WT,
  reservationSid: null,
  finished,
});
const customer: ListedParticipant = { sid: UT(1), type: 'customer', workerSid: null, taskSid: null, reservationSid: null, finished: false };

const record = (over: Partial<RecordData> = {}): RecordData => ({
  state: 'parked',
  interactionSid: KD,
  channelSid: UO,
  conversationSid: CH,
  parkedBy: { workerSid: WK, identity: 'alice' },
  parkedAt: '2026-01-01T00:00:00.000Z',
  taskSid: WT,
  workspaceSid: WS,
  queueSid: WQ,
  workflowSid: WW,
  taskChannelUniqueName: 'chat',
  attributes: { customerName: 'Ada', conversationSid: CH },
  webhookSid: null,
  ...over,
});

describe('who parks', () => {
  it('an agent: their own unfinished participant, found without naming it', () => {
    expect(parking({ kind: 'own', workerSid: WK }, [customer, agent(2, WK)], undefined).sid).toBe(UT(2));
  });
  it("an agent not on the channel: 403; another's participant named: 403", () => {
    expect(() => parking({ kind: 'own', workerSid: WK2 }, [customer, agent(2, WK)], undefined)).toThrow(ForbiddenError);
    expect(() => parking({ kind: 'own', workerSid: WK2 }, [customer, agent(2, WK)], UT(2))).toThrow(ForbiddenError);
  });
  it('a supervisor: the one agent, or the one named', () => {
    expect(parking({ kind: 'any' }, [customer, agent(2, WK)], undefined).sid).toBe(UT(2));
    expect(parking({ kind: 'any' }, [customer, agent(2, WK)], UT(2)).sid).toBe(UT(2));
  });
  it.each<[string, ListedParticipant[], string | undefined]>([
    ['nobody on the channel', [customer], undefined],
    ['a participant that is not on the channel', [customer, agent(2, WK)], UT(3)],
    ['the customer', [customer, agent(2, WK)], UT(1)],
    ['an agent who left', [customer, agent(2, WK, true)], UT(2)],
    ['several agents and none named', [customer, agent(2, WK), agent(3, WK2)], undefined],
  ])('%s: 400 naming participantSid', (_, listed, named) => {
    try {
      parking({ kind: 'any' }, listed, named);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).details?.[0]?.field).toBe('participantSid');
    }
  });
  it('another agent still on the channel: 409 (parking would not free the conversation)', () => {
    expect(() => parking({ kind: 'any' }, [customer, agent(2, WK), agent(3, WK2)], UT(2))).toThrow(ConflictError);
  });
});

describe('where a resume goes', () => {
  it('RESUME_TO=agent: through the original workflow, the worker in resumeWorkerSid, no bare worker_sid', () => {
    const { properties, to } = inviteOf(record(), 'agent', 'claim-1', Date.parse('2026-01-02T00:00:00Z'));
    expect(properties).toEqual({
      workspace_sid: WS,
      workflow_sid: WW,
      queue_sid: WQ,
      task_channel_unique_name: 'chat',
      attributes: {
        customerName: 'Ada',
        conversationSid: CH,
        resumeWorkerSid: WK,
        resumedFrom: {
          interactionSid: KD,
          channelSid: UO,
          conversationSid: CH,
          parkedBy: { workerSid: WK, identity: 'alice' },
          parkedAt: '2026-01-01T00:00:00.000Z',
          resumedAt: '2026-01-02T00:00:00.000Z',
          claimId: 'claim-1',
          resumeTo: 'agent',
          taskSid: WT,
          workspaceSid: WS,
          queueSid: WQ,
          workflowSid: WW,
          taskChannelUniqueName: 'chat',
        },
      },
    });
    expect(to).toEqual({ resumeTo: 'agent', queueSid: WQ, workflowSid: WW, workerSid: WK });
  });
  it('RESUME_TO=queue, or no workflow, or no worker: the original queue only', () => {
    for (const [data, mode] of [
      [record(), 'queue'],
      [record({ workflowSid: null }), 'agent'],
      [record({ parkedBy: { workerSid: null, identity: null } }), 'agent'],
    ] as const) {
      const { properties, to } = inviteOf(data, mode, 'c', 0);
      expect(properties).not.toHaveProperty('workflow_sid');
      expect(properties).not.toHaveProperty('worker_sid');
      expect(properties.attributes).not.toHaveProperty('resumeWorkerSid');
      expect(properties.attributes.resumedFrom.resumeTo).toBe('queue');
      expect(to).toEqual({ resumeTo: 'queue', queueSid: WQ, workflowSid: null, workerSid: null });
    }
  });
});

describe('claims', () => {
  const now = 1_000_000_000;
  it('a parked record may be claimed; a fresh claim may not; a stale one may', () => {
    expect(claimable(record(), now)).toBe(true);
    expect(claimable(record({ state: 'resuming', claim: { id: 'x', at: now - 1000 } }), now)).toBe(false);
    expect(claimable(record({ state: 'resuming', claim: { id: 'x', at: now - STALE_CLAIM_MS } }), now)).toBe(false);
    expect(claimable(record({ state: 'resuming', claim: { id: 'x', at: now - STALE_CLAIM_MS - 1 } }), now)).toBe(true);
    expect(claimable(record({ state: 'resuming' }), now)).toBe(true);
  });
  it('STALE_CLAIM_MS is three times a Function’s 10 s', () => {
    expect(STALE_CLAIM_MS).toBe(30_000);
  });
});

describe('a resumed task tells its park', () => {
  it('resumedFrom read back; the original attributes without what resuming added', () => {
    const { properties } = inviteOf(record(), 'agent', 'c', 0);
    const found = resumedParkOf(JSON.stringify({ ...properties.attributes, flexChannelInviteSid: 'KG1' }));
    expect(found?.original).toEqual({ customerName: 'Ada', conversationSid: CH });
    expect(found?.resumedFrom).toMatchObject({ interactionSid: KD, channelSid: UO, conversationSid: CH, queueSid: WQ });
  });
  it.each([undefined, '', 'not json', '{}', JSON.stringify({ resumedFrom: { channelSid: 'UO1' } })])('not a resumed park: %p', (text) => {
    expect(resumedParkOf(text)).toBeUndefined();
  });
});

describe('the record', () => {
  it('at most 16 KiB, refused 409 beyond, before anything is written', () => {
    const base = Buffer.byteLength(JSON.stringify(record({ attributes: { big: '' } })));
    expect(() => assertFits(record({ attributes: { big: 'x'.repeat(MAX_RECORD_BYTES - base) } }))).not.toThrow();
    expect(() => assertFits(record({ attributes: { big: 'x'.repeat(MAX_RECORD_BYTES - base + 1) } }))).toThrow(ConflictError);
  });
  it('counts bytes, not characters', () => {
    const base = Buffer.byteLength(JSON.stringify(record({ attributes: { big: '' } })));
    const half = Math.floor((MAX_RECORD_BYTES - base) / 2) + 1;
    expect(() => assertFits(record({ attributes: { big: 'é'.repeat(half) } }))).toThrow(ConflictError);
  });
  it('needs SYNC_SERVICE_SID: 500 misconfigured naming it', () => {
    expect(() => whereOf({ syncServiceSid: undefined, parkMapName: 'm' })).toThrow(MisconfiguredError);
    expect(() => whereOf({ syncServiceSid: undefined, parkMapName: 'm' })).toThrow(/SYNC_SERVICE_SID/);
    expect(whereOf({ syncServiceSid: `IS${'1'.repeat(32)}`, parkMapName: 'm' })).toEqual({ service: `IS${'1'.repeat(32)}`, map: 'm' });
  });
  it('the contract shows who parked and since when, not the attributes', () => {
    expect(parkOf(record())).toEqual({
      interactionSid: KD,
      channelSid: UO,
      conversationSid: CH,
      state: 'parked',
      parkedBy: { workerSid: WK, identity: 'alice' },
      parkedAt: '2026-01-01T00:00:00.000Z',
      queueSid: WQ,
      workflowSid: WW,
      taskSid: WT,
    });
  });
  it("the next page's token comes from Twilio's next page URL", () => {
    expect(tokenOf('https://sync.twilio.com/v1/Services/IS1/Maps/m/Items?PageSize=2&PageToken=PT2&Page=1')).toBe('PT2');
    expect(tokenOf(undefined)).toBeNull();
    expect(tokenOf('not a url')).toBeNull();
    expect(tokenOf('https://sync.twilio.com/v1/x?Page=1')).toBeNull();
  });
});

describe('who resumes', () => {
  it('an agent their own parks, a supervisor (any scope) every one', () => {
    expect(() => authorizeResume({ kind: 'own', workerSid: WK }, { workerSid: WK })).not.toThrow();
    expect(() => authorizeResume({ kind: 'own', workerSid: WK2 }, { workerSid: WK })).toThrow(ForbiddenError);
    expect(() => authorizeResume({ kind: 'own', workerSid: WK2 }, { workerSid: null })).toThrow(ForbiddenError);
    expect(() => authorizeResume({ kind: 'any' }, { workerSid: WK })).not.toThrow();
  });
  it('scopes: supervisors any, agents own, a token with no worker refused, the account any', () => {
    const config = { closeAnyRoles: ['supervisor'] };
    expect(parkScope({ kind: 'flex-token', identity: 's', roles: ['supervisor'] }, config)).toEqual({ kind: 'any' });
    expect(parkScope({ kind: 'flex-token', identity: 'a', roles: ['agent'], workerSid: WK }, config)).toEqual({ kind: 'own', workerSid: WK });
    expect(() => parkScope({ kind: 'flex-token', identity: 'a', roles: ['agent'] }, config)).toThrow(ForbiddenError);
    expect(parkScope({ kind: 'twilio-platform' }, config)).toEqual({ kind: 'any' });
  });
});
