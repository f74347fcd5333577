/**
 * credentials/policy for participants: whose participation each kind of caller may change, for
 * every kind there is (CALLER_KINDS), and nothing for a kind the policy does not know.
 */
import { CALLER_KINDS, type Caller } from '../../../src/credentials/auth';
import { authorizeParticipantChange, participantScope } from '../../../src/credentials/policy';
import { ForbiddenError } from '../../../src/edge/errors';
import * as f from '../../support/fixtures';

const config = { closeAnyRoles: ['supervisor', 'admin'] };
const agent = { kind: 'flex-token' as const, identity: 'alice', roles: ['agent'], workerSid: f.AGENT_WORKER };

const callers: Record<(typeof CALLER_KINDS)[number], Caller> = {
  'flex-token': agent,
  'twilio-signature': { kind: 'twilio-signature' },
  'twilio-platform': { kind: 'twilio-platform' },
  'account-credentials': { kind: 'account-credentials' },
  'api-key': { kind: 'api-key', sid: f.CALLER_KEY },
};

it.each(CALLER_KINDS.filter((k) => k !== 'flex-token'))('%s acts as the account: any participant', (kind) => {
  // Signed (Twilio's signature: a request that can be sent again as it is) or not.
  expect(participantScope(callers[kind], config)).toEqual({ kind: 'any', signed: kind === 'twilio-signature' || kind === 'twilio-platform' });
});

it('a Flex agent: only participants carrying their worker; a role in CLOSE_ANY_ROLES: any', () => {
  expect(participantScope(agent, config)).toEqual({ kind: 'own', workerSid: f.AGENT_WORKER });
  expect(participantScope({ ...agent, roles: ['agent', 'admin'] }, config)).toEqual({ kind: 'any', signed: false });
  expect(participantScope({ ...agent, roles: ['supervisor'] }, { closeAnyRoles: [] })).toEqual({ kind: 'own', workerSid: f.AGENT_WORKER });
});

it('a Flex user whose token names no worker, and no supervisor role: refused', () => {
  expect(() => participantScope({ ...agent, workerSid: undefined }, config)).toThrow(ForbiddenError);
  expect(participantScope({ ...agent, workerSid: undefined, roles: ['supervisor'] }, config)).toEqual({ kind: 'any', signed: false });
});

it('a kind of caller the policy does not know may do nothing', () => {
  expect(() => participantScope({ kind: 'someone-new' } as unknown as Caller, config)).toThrow(ForbiddenError);
});

it('authorizeParticipantChange: own means the same worker, never a participant with none', () => {
  const own = { kind: 'own' as const, workerSid: f.AGENT_WORKER };
  expect(() => authorizeParticipantChange(own, { workerSid: f.AGENT_WORKER })).not.toThrow();
  expect(() => authorizeParticipantChange(own, { workerSid: f.OUTSIDER_WORKER })).toThrow(ForbiddenError);
  expect(() => authorizeParticipantChange(own, { workerSid: null })).toThrow(ForbiddenError);
  expect(() => authorizeParticipantChange({ kind: 'any', signed: false }, { workerSid: null })).not.toThrow();
});
