import { authorizeClose } from '../../functions/lib/policy.private';
import { ForbiddenError } from '../../functions/lib/errors.private';
import { describeError, scrub } from '../../functions/lib/log.private';
import * as f from '../support/fixtures';

const agent = { kind: 'flex-token' as const, identity: 'alice', roles: ['agent'], workerSid: f.AGENT_WORKER };
const supervisor = { ...agent, roles: ['agent', 'supervisor'] };
const participant = { closePolicy: 'participant' as const, closeAnyRoles: ['supervisor', 'admin'] };

describe('authorizeClose', () => {
  it('lets an agent close a channel they are on', async () => {
    await expect(authorizeClose(agent, participant, async () => [f.AGENT_WORKER])).resolves.toBeUndefined();
  });

  it('refuses an agent who is not on the channel', async () => {
    await expect(authorizeClose(agent, participant, async () => [f.OUTSIDER_WORKER])).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses an agent token with no worker', async () => {
    await expect(authorizeClose({ ...agent, workerSid: undefined }, participant, async () => [])).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets supervisors close anything without looking at participants', async () => {
    const lookup = jest.fn(async () => []);
    await authorizeClose(supervisor, participant, lookup);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('trusts Twilio-signed and account-credential calls as the account', async () => {
    const lookup = jest.fn(async () => []);
    await authorizeClose({ kind: 'twilio-signature' }, participant, lookup);
    await authorizeClose({ kind: 'account-credentials' }, participant, lookup);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('under "roles", refuses agents even on their own channel', async () => {
    await expect(authorizeClose(agent, { ...participant, closePolicy: 'roles' }, async () => [f.AGENT_WORKER])).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('under "off", lets any authenticated caller close', async () => {
    await expect(authorizeClose(agent, { ...participant, closePolicy: 'off' }, async () => [])).resolves.toBeUndefined();
  });
});

describe('log scrubbing', () => {
  it.each([
    ['a Basic header', `request failed with Authorization: ${f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN)}`, f.AUTH_TOKEN],
    ['a Bearer token', `bad Bearer ${f.AGENT_TOKEN}`, f.AGENT_TOKEN],
    ['a bare auth token', `token ${f.AUTH_TOKEN} refused`, f.AUTH_TOKEN],
    ['credentials in a URL', `GET https://${f.ACCOUNT_SID}:${f.AUTH_TOKEN}@api.twilio.com/`, f.AUTH_TOKEN],
    ['a JSON field', `{"token":"${f.AGENT_TOKEN}"}`, f.AGENT_TOKEN],
    ['a password field', 'password=hunter2hunter2', 'hunter2hunter2'],
  ])('removes %s', (_name, text, secret) => {
    expect(scrub(text)).not.toContain(secret);
  });

  it('keeps ordinary text', () => {
    expect(scrub('channel UO1 closed')).toBe('channel UO1 closed');
  });

  it('describes an error by type, code and scrubbed message', () => {
    const err = Object.assign(new Error(`failed with Basic ${Buffer.from('a:b').toString('base64')}`), { code: 'ECONNRESET' });
    expect(describeError(err)).toBe('Error (ECONNRESET): failed with [redacted]');
  });
});
