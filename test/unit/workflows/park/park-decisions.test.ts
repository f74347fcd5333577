/**
 * park's refusals as callers read them: each branch of who parks, with the field it names and the
 * message it gives (the park modules' mutation run showed these texts and branches unchecked).
 */
import { parking } from '../../../../src/workflows/park';
import { AlreadyParkedError, ConflictError, ForbiddenError, InvalidRequestError } from '../../../../src/edge/errors';
import type { Routing } from '../../../../src/workflows/channel-state';
import { stateOf, type Listed } from '../../../support/channel-state';
import type { ParticipantScope } from '../../../../src/credentials/policy';

const WK = `WK${'d'.repeat(32)}`;
const WK2 = `WK${'e'.repeat(32)}`;
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
const other = (n: number, type: string | null): Listed => ({
  sid: UT(n),
  type,
  workerSid: null,
  taskSid: null,
  reservationSid: null,
});
const customer = other(1, 'customer');

function refusal(scope: ParticipantScope, listed: Listed[], named: string | undefined, routings: Routing[] = []): Error {
  try {
    parking(scope, stateOf(listed, routings), named);
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a refusal');
}
const fieldOf = (err: Error) => (err as InvalidRequestError).details?.[0];

describe('who parks: the refusals callers read', () => {
  it.each<[string, Listed[], string | undefined, string]>([
    ['a participant not on the channel', [customer, agent(2, WK)], UT(3), 'is not a participant of this channel'],
    ['the customer', [customer, agent(2, WK)], UT(1), 'is a customer participant, not an agent'],
    ['a typeless participant', [other(4, null), agent(2, WK)], UT(4), 'is a typeless participant, not an agent'],
    ['nobody', [customer], undefined, 'no agent is on this channel to park'],
    ['only a finished agent', [customer, agent(2, WK, true)], undefined, 'no agent is on this channel to park'],
    [
      'two agents, none named',
      [customer, agent(2, WK), agent(3, WK2)],
      undefined,
      `must name one: 2 agent participants are on this channel (${UT(2)}, ${UT(3)})`,
    ],
  ])('%s: 400 on participantSid, saying why', (_, listed, named, message) => {
    const err = refusal({ kind: 'any', signed: false }, listed, named);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(fieldOf(err)).toEqual({ field: 'participantSid', message });
  });

  it('a named agent who left: 409, their task status in the message', () => {
    const err = refusal({ kind: 'any', signed: false }, [customer, agent(2, WK, true)], UT(2));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe(
      'participantSid has left the conversation (their task is wrapping in TaskRouter): only an agent on the channel can park it',
    );
  });

  it('a Twilio-signed request must name the participant: 400, before anything is read', () => {
    const err = refusal({ kind: 'any', signed: true }, [customer, agent(2, WK)], undefined);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(fieldOf(err)?.field).toBe('participantSid');
    expect(fieldOf(err)?.message).toMatch(/^is required for a Twilio-signed request/);
  });

  it('a live routing of ours: a park record is 409 already_parked, a pending transfer 409 conflict naming it', () => {
    const record = { data: {} as never, revision: '1' };
    const parked = refusal({ kind: 'any', signed: false }, [customer, agent(2, WK)], UT(2), [{ kind: 'park', record }]);
    expect(parked).toBeInstanceOf(AlreadyParkedError);
    const marker = {
      id: 'T1',
      state: 'pending',
      mode: 'cold',
      from: { participantSid: UT(2), workerSid: WK, taskSid: WT },
      to: { queueSid: null, workerSid: WK2 },
      then: 'wrapup',
      mac: 'm',
    } as const;
    const pending = refusal({ kind: 'any', signed: false }, [customer, agent(2, WK)], UT(2), [{ kind: 'transfer', taskSid: WT, marker }]);
    expect(pending).toBeInstanceOf(ConflictError);
    expect(pending.message).toBe(`a cold transfer is pending on this channel (transfer T1, task ${WT}): one routing at a time, nothing was sent`);
  });

  it('an agent who is not on the channel: 403 saying who may park', () => {
    const err = refusal({ kind: 'own', workerSid: WK2 }, [customer, agent(2, WK)], undefined);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.message).toBe('you are not an agent participant of this channel: only its agents or a supervisor may park it');
  });

  it("an agent picks their own participant among the channel's, never a finished one", () => {
    expect(parking({ kind: 'own', workerSid: WK }, stateOf([agent(3, WK, true), customer, agent(2, WK)]), undefined).participant.sid).toBe(UT(2));
  });

  it('an agent whose only participant finished: 403, not a pick of the finished one', () => {
    expect(refusal({ kind: 'own', workerSid: WK }, [customer, agent(2, WK, true)], undefined)).toBeInstanceOf(ForbiddenError);
  });

  it('an agent with a second agent on the channel: 409, even though their own is one', () => {
    const err = refusal({ kind: 'own', workerSid: WK }, [customer, agent(2, WK), agent(3, WK2)], undefined);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe('another agent is on this channel: a conversation is parked by its last agent (leave with /update-participant instead)');
  });

  it('a finished second agent does not block the park', () => {
    expect(parking({ kind: 'any', signed: false }, stateOf([customer, agent(2, WK), agent(3, WK2, true)]), undefined).participant.sid).toBe(UT(2));
    expect(parking({ kind: 'any', signed: false }, stateOf([customer, agent(2, WK), agent(3, WK2, true)]), UT(2)).participant.sid).toBe(UT(2));
  });

  it('a non-agent participant is never counted as an agent', () => {
    expect(parking({ kind: 'any', signed: false }, stateOf([other(4, 'supervisor'), agent(2, WK), customer]), undefined).participant.sid).toBe(UT(2));
  });
});
