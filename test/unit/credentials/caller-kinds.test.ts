/**
 * Every kind of caller has a decision in the policy, and a kind the policy does not know may do
 * nothing. Adding a kind to `Caller` (src/credentials/auth.ts) without deciding what it may do
 * fails twice: `npm run typecheck` (authorityOf's switch ends in `never`) and this suite (the
 * table below must name every kind in CALLER_KINDS, and each must get the decision it names).
 */
import { CALLER_KINDS, signedByTwilio, type Caller, type CallerKind } from '../../../src/credentials/auth';
import { authorityOf, authorizeCaller, authorizeClose } from '../../../src/credentials/policy';
import { ForbiddenError } from '../../../src/edge/errors';

/** A caller of each kind, and the authority it must have. Exhaustive by type: a new kind must be added here. */
const EXPECTED: Record<CallerKind, { caller: Caller; authority: 'account' | 'flex-user'; signed: boolean }> = {
  'flex-token': {
    caller: { kind: 'flex-token', identity: 'a', roles: ['agent'], workerSid: `WK${'1'.repeat(32)}` },
    authority: 'flex-user',
    signed: false,
  },
  'twilio-signature': { caller: { kind: 'twilio-signature' }, authority: 'account', signed: true },
  'twilio-platform': { caller: { kind: 'twilio-platform' }, authority: 'account', signed: true },
  'account-credentials': { caller: { kind: 'account-credentials' }, authority: 'account', signed: false },
  'api-key': { caller: { kind: 'api-key', sid: `SK${'1'.repeat(32)}` }, authority: 'account', signed: false },
};

it('the table names exactly the kinds of caller there are', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...CALLER_KINDS].sort());
});

it.each(CALLER_KINDS)('%s has the authority the policy decided, and is or is not held to exactly what was signed', (kind) => {
  expect(authorityOf(EXPECTED[kind].caller).kind).toBe(EXPECTED[kind].authority);
  expect(signedByTwilio(EXPECTED[kind].caller)).toBe(EXPECTED[kind].signed);
});

describe('a kind of caller the policy does not know may do nothing', () => {
  const stranger = { kind: 'stranger' } as unknown as Caller;

  it('is held to exactly what was signed, the stricter reading', () => {
    expect(signedByTwilio(stranger)).toBe(true);
  });

  it('has no authority', () => {
    expect(() => authorityOf(stranger)).toThrow(ForbiddenError);
    expect(() => authorityOf(stranger)).toThrow('a caller of kind stranger may do nothing');
  });

  it('may not call, nor close, and nothing about the channel is asked', async () => {
    expect(() => authorizeCaller(stranger, { readRoles: ['agent'] })).toThrow(ForbiddenError);
    const asked = jest.fn(async () => ({ workerSids: [], agentsWithoutWorker: 0 }));
    await expect(authorizeClose(stranger, { closePolicy: 'off', closeAnyRoles: [] }, asked)).rejects.toThrow(ForbiddenError);
    expect(asked).not.toHaveBeenCalled();
  });
});
