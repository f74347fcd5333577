/**
 * The park's decisions that need no Twilio: who parks, where a resume goes and what it carries,
 * when a claim may be taken, what a resumed task says it resumed, the record's size limit and
 * the page token (the parameters: park-params.test.ts).
 */
import { parking, parkOf } from '../../../../src/workflows/park';
import { claimable, inviteOf, STALE_CLAIM_MS } from '../../../../src/workflows/resume';
import { resumedParkOf } from '../../../../src/workflows/repark';
import * as markers from '../../../../src/workflows/markers';
import { assertFits, MAX_RECORD_BYTES, tokenOf, whereOf, type RecordData } from '../../../../src/adapters/park-records';
import { authorizeResume, parkScope } from '../../../../src/credentials/policy';
import { ConflictError, ForbiddenError, InvalidRequestError, MisconfiguredError } from '../../../../src/edge/errors';
import { configOf, stateOf, type Listed } from '../../../support/channel-state';

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

const agent = (n: number, workerSid: string, finished = false): Listed => ({
  sid: UT(n),
  type: 'agent',
  workerSid,
  taskSid: WT,
  reservationSid: null,
  on: !finished,
});
const customer: Listed = { sid: UT(1), type: 'customer', workerSid: null, taskSid: null, reservationSid: null };

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
    expect(parking({ kind: 'own', workerSid: WK }, stateOf([customer, agent(2, WK)]), undefined).participant.sid).toBe(UT(2));
  });
  it("an agent not on the channel: 403; another's participant named: 403", () => {
    expect(() => parking({ kind: 'own', workerSid: WK2 }, stateOf([customer, agent(2, WK)]), undefined)).toThrow(ForbiddenError);
    expect(() => parking({ kind: 'own', workerSid: WK2 }, stateOf([customer, agent(2, WK)]), UT(2))).toThrow(ForbiddenError);
  });
  it('a supervisor: the one agent, or the one named', () => {
    expect(parking({ kind: 'any', signed: false }, stateOf([customer, agent(2, WK)]), undefined).participant.sid).toBe(UT(2));
    expect(parking({ kind: 'any', signed: false }, stateOf([customer, agent(2, WK)]), UT(2)).participant.sid).toBe(UT(2));
  });
  it.each<[string, Listed[], string | undefined]>([
    ['nobody on the channel', [customer], undefined],
    ['a participant that is not on the channel', [customer, agent(2, WK)], UT(3)],
    ['the customer', [customer, agent(2, WK)], UT(1)],
    ['several agents and none named', [customer, agent(2, WK), agent(3, WK2)], undefined],
  ])('%s: 400 naming participantSid', (_, listed, named) => {
    try {
      parking({ kind: 'any', signed: false }, stateOf(listed), named);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect((err as InvalidRequestError).details?.[0]?.field).toBe('participantSid');
    }
  });
  it('another agent still on the channel: 409 (parking would not free the conversation)', () => {
    expect(() => parking({ kind: 'any', signed: false }, stateOf([customer, agent(2, WK), agent(3, WK2)]), UT(2))).toThrow(ConflictError);
  });
});

describe('where a resume goes', () => {
  it('RESUME_TO=agent: through the original workflow, the worker in resumeWorkerSid, no bare worker_sid', () => {
    const { properties, to } = inviteOf(configOf({ RESUME_TO: 'agent' }), record(), 'claim-1', Date.parse('2026-01-02T00:00:00Z'));
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
          mac: expect.any(String),
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
      const { properties, to } = inviteOf(configOf({ RESUME_TO: mode }), data, 'c', 0);
      expect(properties).not.toHaveProperty('workflow_sid');
      expect(properties).not.toHaveProperty('worker_sid');
      expect(properties.attributes).not.toHaveProperty('resumeWorkerSid');
      expect((properties.attributes.resumedFrom as { resumeTo: string }).resumeTo).toBe('queue');
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
  const config = configOf({ RESUME_TO: 'agent' });
  /** The invite's task as Twilio makes it: the invite's attributes plus the channel's ids and the invite's SID. */
  const taskOf = (attributes: Record<string, unknown>) =>
    JSON.stringify({ ...attributes, flexChannelInviteSid: 'KG1', flexInteractionSid: KD, flexInteractionChannelSid: UO });
  it('resumedFrom read back; the original attributes without what resuming and the invite added', () => {
    const { properties } = inviteOf(config, record(), 'c', 0);
    const found = resumedParkOf(config, taskOf(properties.attributes));
    expect(found?.original).toEqual({ customerName: 'Ada', conversationSid: CH, flexInteractionSid: KD, flexInteractionChannelSid: UO });
    expect(found?.resumedFrom).toMatchObject({ interactionSid: KD, channelSid: UO, conversationSid: CH, queueSid: WQ });
  });
  it.each([undefined, '', 'not json', '{}', JSON.stringify({ resumedFrom: { channelSid: 'UO1' } })])('not a resumed park: %p', (text) => {
    expect(resumedParkOf(config, text)).toBeUndefined();
  });
  it('a marker edited by a worker, forged, moved to another channel, or signed under another secret: not ours', () => {
    const { properties } = inviteOf(config, record(), 'c', 0);
    const resumedFrom = properties.attributes.resumedFrom as Record<string, unknown>;
    const edited = { ...properties.attributes, resumedFrom: { ...resumedFrom, queueSid: `WQ${'1'.repeat(32)}` } };
    const forged = { ...properties.attributes, resumedFrom: { ...resumedFrom, mac: 'x'.repeat(43) } };
    expect(resumedParkOf(config, taskOf(edited))).toBeUndefined();
    expect(resumedParkOf(config, taskOf(forged))).toBeUndefined();
    expect(
      resumedParkOf(config, JSON.stringify({ ...properties.attributes, flexInteractionSid: KD, flexInteractionChannelSid: `UO${'f'.repeat(32)}` })),
    ).toBeUndefined();
    expect(resumedParkOf(configOf({ AUTH_TOKEN: 'f'.repeat(32) }), taskOf(properties.attributes))).toBeUndefined();
  });
  it('a task that carries a transfer of ours is the finisher’s, not a resumed park', () => {
    const { properties } = inviteOf(config, record(), 'c', 0);
    const transfer = markers.signTransfer(
      config,
      { interactionSid: KD, channelSid: UO },
      {
        id: 't',
        state: 'pending',
        mode: 'cold',
        from: { participantSid: UT(2), workerSid: WK, taskSid: WT },
        to: { queueSid: WQ, workerSid: null },
        then: 'wrapup',
      },
    );
    expect(resumedParkOf(config, taskOf({ ...properties.attributes, transfer }))).toBeUndefined();
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
    expect(() => authorizeResume({ kind: 'any', signed: false }, { workerSid: WK })).not.toThrow();
  });
  it('scopes: supervisors any, agents own, a token with no worker refused, the account any (signed when Twilio signed it)', () => {
    const config = { closeAnyRoles: ['supervisor'] };
    expect(parkScope({ kind: 'flex-token', identity: 's', roles: ['supervisor'] }, config)).toEqual({ kind: 'any', signed: false });
    expect(parkScope({ kind: 'flex-token', identity: 'a', roles: ['agent'], workerSid: WK }, config)).toEqual({ kind: 'own', workerSid: WK });
    expect(() => parkScope({ kind: 'flex-token', identity: 'a', roles: ['agent'] }, config)).toThrow(ForbiddenError);
    expect(parkScope({ kind: 'twilio-platform' }, config)).toEqual({ kind: 'any', signed: true });
    expect(parkScope({ kind: 'twilio-signature' }, config)).toEqual({ kind: 'any', signed: true });
    expect(parkScope({ kind: 'account-credentials' }, config)).toEqual({ kind: 'any', signed: false });
  });
});
