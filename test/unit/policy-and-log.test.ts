import { authorizeCaller, authorizeClose } from '../../src/credentials/policy';
import { ForbiddenError } from '../../src/edge/errors';
import { describeError, scrub, scrubInput, SCRUB_INPUT_MAX, SECRET_PATTERNS } from '../../src/edge/log';
import * as log from '../../src/edge/log';
import * as f from '../support/fixtures';
import { parseRetryAfter } from '../../src/twilio/retry';

const agent = { kind: 'flex-token' as const, identity: 'alice', roles: ['agent'], workerSid: f.AGENT_WORKER };
const supervisor = { ...agent, roles: ['agent', 'supervisor'] };
const participant = { closePolicy: 'participant' as const, closeAnyRoles: ['supervisor', 'admin'] };

/** A channel whose agents are these workers. */
const on = (...workerSids: string[]) => ({ workerSids, agentsWithoutWorker: 0 });

describe('authorizeCaller (READ_ROLES)', () => {
  const readRoles = { readRoles: ['agent', 'supervisor', 'admin'] };

  it.each([['agent'], ['supervisor'], ['admin'], ['guest', 'agent']])('lets a Flex user with %s in', (...roles) => {
    expect(() => authorizeCaller({ ...agent, roles }, readRoles)).not.toThrow();
  });

  it.each([[['guest']], [[]], [['Agent']]])('refuses a Flex user with roles %j, naming the roles that may', (roles) => {
    expect(() => authorizeCaller({ ...agent, roles, workerSid: undefined }, readRoles)).toThrow(ForbiddenError);
    expect(() => authorizeCaller({ ...agent, roles }, readRoles)).toThrow('these functions need one of the Flex roles: agent, supervisor, admin');
  });

  it('Twilio-signed and account-credential callers act as the account', () => {
    expect(() => authorizeCaller({ kind: 'twilio-signature' }, readRoles)).not.toThrow();
    expect(() => authorizeCaller({ kind: 'account-credentials' }, readRoles)).not.toThrow();
  });

  it('follows the setting', () => {
    expect(() => authorizeCaller({ ...agent, roles: ['guest'] }, { readRoles: ['guest'] })).not.toThrow();
    expect(() => authorizeCaller(agent, { readRoles: ['supervisor'] })).toThrow(ForbiddenError);
  });
});

describe('authorizeClose', () => {
  it("when the channel's agents carry no worker SID, refuses with a 403 that says so (never a silent allow)", async () => {
    const err = await authorizeClose(agent, participant, async () => ({ workerSids: [], agentsWithoutWorker: 1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ForbiddenError);
    expect((err as Error).message).toBe("this channel's participants carry no worker to match; a supervisor may close it");
    expect((err as ForbiddenError).code).toBe('forbidden');
  });

  it('an agent not on a channel with no agents at all gets the ordinary refusal', async () => {
    const err = await authorizeClose(agent, participant, async () => on()).catch((e: unknown) => e);
    expect((err as Error).message).toBe('only an agent on this channel (their task assigned) or a supervisor may close it');
  });

  it('lets an agent close a channel they are on', async () => {
    await expect(authorizeClose(agent, participant, async () => on(f.AGENT_WORKER))).resolves.toBeUndefined();
  });

  it('refuses an agent who is not on the channel', async () => {
    await expect(authorizeClose(agent, participant, async () => on(f.OUTSIDER_WORKER))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('refuses an agent token with no worker', async () => {
    await expect(authorizeClose({ ...agent, workerSid: undefined }, participant, async () => on())).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('lets supervisors close anything without looking at participants', async () => {
    const lookup = jest.fn(async () => on());
    await authorizeClose(supervisor, participant, lookup);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('trusts Twilio-signed and account-credential calls as the account', async () => {
    const lookup = jest.fn(async () => on());
    await authorizeClose({ kind: 'twilio-signature' }, participant, lookup);
    await authorizeClose({ kind: 'account-credentials' }, participant, lookup);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('under "roles", refuses agents even on their own channel', async () => {
    await expect(authorizeClose(agent, { ...participant, closePolicy: 'roles' }, async () => on(f.AGENT_WORKER))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('under "off", lets any authenticated caller close', async () => {
    await expect(authorizeClose(agent, { ...participant, closePolicy: 'off' }, async () => on())).resolves.toBeUndefined();
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
    ['a bare Flex token (a JWE)', `validated ${f.AGENT_TOKEN} ok`, f.AGENT_TOKEN.split('.')[3]!],
  ])('removes %s', (_name, text, secret) => {
    expect(scrub(text)).not.toContain(secret);
  });

  // Each pattern exactly, one case per edge, so that no pattern can quietly match less.
  it.each<[string, string, string]>([
    ['Basic with spaces', 'Authorization:  Basic   QUMxOmFiYw== then', 'Authorization:  [redacted] then'],
    ['bearer in lower case', 'got bearer abc.def-ghi_jkl~= here', 'got [redacted] here'],
    ['auth_token=', 'auth_token=sekrit1 rest', 'auth_token=[redacted] rest'],
    ['authtoken=', 'authtoken=sekrit1 rest', 'authtoken=[redacted] rest'],
    ['token = "x" with spaces and quotes', 'token = "sekrit1", next', 'token = "[redacted]", next'],
    ["secret: 'x'", "secret: 'sekrit1'}", "secret: '[redacted]'}"],
    ['x-twilio-signature=', 'x-twilio-signature=c2lnbmF0dXJl x', 'x-twilio-signature=[redacted] x'],
    ['a URL with a user and a password', 'GET https://user:pass@api.example/x', 'GET https:[redacted]api.example/x'],
    ['a URL without credentials', 'GET https://api.example:8443/x@y', 'GET https://api.example:8443/x@y'],
    ['a JWT', 'jwt eyJhbGciOiJIUzI1NiJ9x.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJl end', 'jwt [redacted] end'],
    ['a JWT with two more parts', 'jwt aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbb.cccccccccc.dd.ee end', 'jwt [redacted] end'],
    [
      'dotted names too short to be a JWT',
      'x.abcdefghijkl.mnopqrstuvwx and aaaaaaaaaaaaaaaaaaaa.b.cccccccccc and aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbb.c',
      'x.abcdefghijkl.mnopqrstuvwx and aaaaaaaaaaaaaaaaaaaa.b.cccccccccc and aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbb.c',
    ],
    ['a JWE with an empty key part', 'flex eyJhbGciOiJkaXIifQ..aXYtYWJj.Y2lwaGVy.dGFnLWFi end', 'flex [redacted] end'],
    ['a JSON password field', '{"password":"hunter2hunter2"}', '{"password":"[redacted]"}'],
    ['a JWE with a key part', 'flex aaaaaaaaaa.bbbb.cc.dd.ee end', 'flex [redacted] end'],
    ['a bare secret in text that also has a = and a :', `id=42 at 10:00 ${'d'.repeat(32)}`, 'id=42 at 10:00 [redacted]'],
    [
      'a 32-hex secret, not 31 or 33',
      `a ${'a'.repeat(32)} b ${'b'.repeat(31)} c ${'c'.repeat(33)}`,
      `a [redacted] b ${'b'.repeat(31)} c ${'c'.repeat(33)}`,
    ],
  ])('masks exactly: %s', (_name, text, expected) => {
    expect(scrub(text)).toBe(expected);
  });

  it('cuts what it returns at 300 characters', () => {
    expect(scrub('x '.repeat(150))).toBe('x '.repeat(150));
    expect(scrub('y'.repeat(301))).toBe(`${'y'.repeat(300)}…`);
  });

  it('cuts its input before any pattern runs: what lies beyond SCRUB_INPUT_MAX never shows, even when masking shrinks what comes before', () => {
    const jwt = `${'a'.repeat(100)}.${'b'.repeat(100)}.${'c'.repeat(100)}`;
    const text = `${Array.from({ length: 5 }, () => jwt).join(' ')} TAIL-AFTER-THE-CUT`;
    expect(text.indexOf('TAIL')).toBeGreaterThan(SCRUB_INPUT_MAX);
    const out = scrub(text);
    expect(out).not.toContain('TAIL');
    expect(out).toBe('[redacted] [redacted] [redacted] …');
  });

  it('drops whole a run the cut goes through, so no fragment of a secret straddling it is left', () => {
    const secret = 'f'.repeat(32);
    const text = `${'x '.repeat((SCRUB_INPUT_MAX - 10) / 2)}${secret} end`;
    expect(scrubInput(text)).toEqual({ input: 'x '.repeat((SCRUB_INPUT_MAX - 10) / 2), cut: true });
    expect(scrubInput('short')).toEqual({ input: 'short', cut: false });
  });

  it('every quantifier of every pattern is bounded (no +, *, or {n,} without a maximum)', () => {
    // Character classes first: a + inside [...] is a character, not a quantifier.
    const quantifiers = (source: string) => source.replace(/\[(?:\\.|[^\]\\])*\]/g, 'C');
    expect(quantifiers('[+*]a+')).toBe('Ca+');
    for (const pattern of SECRET_PATTERNS) expect(quantifiers(pattern.source)).not.toMatch(/(?<!\\)[+*]|\{\d+,\}/);
  });

  it('a long adversarial input still has its secrets masked', () => {
    const adversarial = `Bearer ${f.AGENT_TOKEN} ${'a-'.repeat(8192)}`;
    const out = scrub(adversarial);
    expect(out).not.toContain(f.AGENT_TOKEN.split('.')[3]!);
    expect(out.startsWith('[redacted] ')).toBe(true);
    expect(scrub(`${'a-'.repeat(200)} token=${f.AUTH_TOKEN} ${'a.'.repeat(4000)}`)).not.toContain(f.AUTH_TOKEN);
  });

  it('keeps ordinary text', () => {
    expect(scrub('channel UO1 closed')).toBe('channel UO1 closed');
  });

  it('describes an error by type, code and scrubbed message', () => {
    const err = Object.assign(new Error(`failed with Basic ${Buffer.from('a:b').toString('base64')}`), { code: 'ECONNRESET' });
    expect(describeError(err)).toBe('Error (ECONNRESET): failed with [redacted]');
    expect(describeError(Object.assign(new TypeError('bad'), { code: 42 }))).toBe('TypeError (42): bad');
    expect(describeError(Object.assign(new Error('bad'), { code: { nested: true } }))).toBe('Error: bad');
  });

  it('describes a thrown non-error by its type alone (its content may be anything)', () => {
    expect(describeError(`Bearer ${f.AGENT_TOKEN}`)).toBe('non-error value of type string');
    expect(describeError(undefined)).toBe('non-error value of type undefined');
  });
});

describe('log lines', () => {
  it('go to the console method of their level, as one JSON object with the level and a scrubbed message', () => {
    const spies = { log: jest.spyOn(console, 'log'), warn: jest.spyOn(console, 'warn'), error: jest.spyOn(console, 'error') };
    log.info('i', { a: 1 });
    log.warn('w');
    log.error(`e Bearer ${f.AGENT_TOKEN}`);
    expect(spies.log.mock.calls).toEqual([[JSON.stringify({ level: 'info', message: 'i', a: 1 })]]);
    expect(spies.warn.mock.calls).toEqual([[JSON.stringify({ level: 'warn', message: 'w' })]]);
    expect(spies.error.mock.calls).toEqual([[JSON.stringify({ level: 'error', message: 'e [redacted]' })]]);
  });
});

describe('authorizeClose, each refusal exactly', () => {
  const agent = (workerSid?: string) => ({ kind: 'flex-token' as const, identity: 'a', roles: ['agent'], workerSid });
  const participant = { closePolicy: 'participant' as const, closeAnyRoles: ['supervisor', 'admin'] };
  const refusal = async (p: Promise<void>) => ((await p.catch((e: unknown) => e)) as Error).message;

  it('an agent with no worker under the participant policy: the roles message, and the channel is not looked at', async () => {
    const look = jest.fn(async () => ({ workerSids: [], agentsWithoutWorker: 0 }));
    expect(await refusal(authorizeClose(agent(), participant, look))).toBe('closing channels needs one of the roles: supervisor, admin');
    expect(look).not.toHaveBeenCalled();
  });

  it('participants that carry no worker: refused, saying so; other workers only: refused as a non-participant', async () => {
    expect(await refusal(authorizeClose(agent('WK1'), participant, async () => ({ workerSids: [], agentsWithoutWorker: 1 })))).toBe(
      "this channel's participants carry no worker to match; a supervisor may close it",
    );
    expect(await refusal(authorizeClose(agent('WK1'), participant, async () => ({ workerSids: ['WK2'], agentsWithoutWorker: 1 })))).toBe(
      'only an agent on this channel (their task assigned) or a supervisor may close it',
    );
    expect(await refusal(authorizeClose(agent('WK1'), participant, async () => ({ workerSids: [], agentsWithoutWorker: 0 })))).toBe(
      'only an agent on this channel (their task assigned) or a supervisor may close it',
    );
  });
});

describe('Retry-After, exactly', () => {
  it.each<[string | null | undefined, number | undefined]>([
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    [' 2 ', 2000],
    ['1.25', 1250],
    ['x 2', undefined],
    ['2 x', undefined],
    ['Feb 2', undefined],
    ['Wed, 21 Oct 2015 07:28:01 GMT', Date.UTC(2015, 9, 21, 7, 28, 1)],
    ['Wednesday, 21-Oct-15 07:28:01 GMT', Date.UTC(2015, 9, 21, 7, 28, 1)],
  ])('%j → %j ms', (value, ms) => {
    expect(parseRetryAfter(value, 0)).toBe(ms);
  });
});
