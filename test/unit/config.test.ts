import { loadConfig, perSettings, twilioCredentials } from '../../src/config';
import { MisconfiguredError } from '../../src/edge/errors';
import * as f from '../support/fixtures';

const base = { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN };
const load = (env: Record<string, string | undefined>) => loadConfig(env as any);

function failure(env: Record<string, string | undefined>): string {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(MisconfiguredError);
    return (err as Error).message;
  }
  throw new Error('expected MisconfiguredError');
}

describe('settings', () => {
  it('has the documented defaults', () => {
    const c = load({ ...base, DOMAIN_NAME: 'x.twil.io' });
    expect(c).toMatchObject({
      allowedOrigins: ['https://flex.twilio.com'],
      auth: { flexToken: true, twilioSignature: true, accountCredentials: true },
      closePolicy: 'participant',
      closeAnyRoles: ['supervisor', 'admin'],
      requestDeadlineMs: 8000,
      publicBaseUrl: 'https://x.twil.io',
    });
    expect(c.apiBaseUrl).toBeUndefined();
  });

  it('reads lists and switches', () => {
    const c = load({ ...base, ALLOWED_ORIGINS: ' https://a.example , https://b.example,', AUTH_FLEX_TOKEN: 'false', CLOSE_POLICY: 'roles' });
    expect(c.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(load({ ...base, ALLOWED_ORIGINS: 'http://localhost:3000,https://x.example:8443' }).allowedOrigins).toEqual([
      'http://localhost:3000',
      'https://x.example:8443',
    ]);
    expect(c.auth.flexToken).toBe(false);
    expect(c.closePolicy).toBe('roles');
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['no account SID', { AUTH_TOKEN: f.AUTH_TOKEN }, 'ACCOUNT_SID'],
    ['a malformed account SID', { ...base, ACCOUNT_SID: 'AC123' }, 'ACCOUNT_SID'],
    ['a malformed auth token', { ...base, AUTH_TOKEN: 'short-token' }, 'AUTH_TOKEN'],
    ['no credentials at all', { ACCOUNT_SID: f.ACCOUNT_SID }, 'AUTH_TOKEN'],
    ['an API key without secret', { ...base, API_KEY: f.API_KEY }, 'API_SECRET'],
    ['a deadline over the 10 s limit', { ...base, REQUEST_DEADLINE_MS: '12000' }, 'REQUEST_DEADLINE_MS'],
    ['a switch that is not a boolean', { ...base, AUTH_FLEX_TOKEN: 'maybe' }, 'AUTH_FLEX_TOKEN'],
    ['an unknown close policy', { ...base, CLOSE_POLICY: 'anyone' }, 'CLOSE_POLICY'],
    ['plain http to another machine', { ...base, TWILIO_API_BASE_URL: 'http://10.0.0.5:8080' }, 'TWILIO_API_BASE_URL'],
    ['a base URL that is not a URL', { ...base, TWILIO_IAM_BASE_URL: 'iam' }, 'TWILIO_IAM_BASE_URL'],
    ['ALLOWED_ORIGINS=*', { ...base, ALLOWED_ORIGINS: '*' }, 'ALLOWED_ORIGINS'],
    ['a wildcard among origins', { ...base, ALLOWED_ORIGINS: 'https://flex.twilio.com,*' }, 'ALLOWED_ORIGINS'],
    ['an origin with a path', { ...base, ALLOWED_ORIGINS: 'https://flex.twilio.com/' }, 'ALLOWED_ORIGINS'],
    ['a bare host', { ...base, ALLOWED_ORIGINS: 'flex.twilio.com' }, 'ALLOWED_ORIGINS'],
    ['a non-web scheme', { ...base, ALLOWED_ORIGINS: 'file://x' }, 'ALLOWED_ORIGINS'],
    ['null', { ...base, ALLOWED_ORIGINS: 'null' }, 'ALLOWED_ORIGINS'],
  ])('%s → misconfigured naming %s', (_name, env, variable) => {
    expect(failure(env)).toContain(variable);
  });

  it('never puts a value in the message', () => {
    const message = failure({ ...base, AUTH_TOKEN: 'my-secret-but-malformed' });
    expect(message).not.toContain('my-secret-but-malformed');
  });

  it('allows plain http to loopback and https anywhere', () => {
    expect(load({ ...base, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010/' }).apiBaseUrl).toBe('http://127.0.0.1:4010');
    expect(load({ ...base, TWILIO_API_BASE_URL: 'https://proxy.example.com' }).apiBaseUrl).toBe('https://proxy.example.com');
  });

  it('works with an API key alone when signature and Basic checks are off', () => {
    const c = load({
      ACCOUNT_SID: f.ACCOUNT_SID,
      API_KEY: f.API_KEY,
      API_SECRET: f.API_SECRET,
      AUTH_TWILIO_SIGNATURE: 'false',
      AUTH_ACCOUNT_CREDENTIALS: 'false',
    });
    expect(c.apiKey).toBe(f.API_KEY);
  });
});

describe('the numeric settings, pinned at their defaults and edges', () => {
  it('defaults', () => {
    expect(load(base)).toMatchObject({
      requestDeadlineMs: 8000,
      twilioCallTimeoutMs: 5000,
      iamTimeoutMs: 3000,
      tokenCacheMaxTtlMs: 300_000,
      tokenCacheSize: 1000,
      iamMaxConcurrent: 20,
    });
  });

  it.each<[string, number, number]>([
    ['REQUEST_DEADLINE_MS', 1000, 9500],
    ['TWILIO_CALL_TIMEOUT_MS', 100, 9500],
    ['IAM_TIMEOUT_MS', 100, 9500],
    ['TOKEN_CACHE_MAX_TTL_MS', 0, 3_600_000],
    ['TOKEN_CACHE_SIZE', 0, 100_000],
    ['IAM_MAX_CONCURRENT', 1, 1000],
  ])('%s takes %i to %i, and nothing outside', (name, min, max) => {
    expect(() => load({ ...base, [name]: String(min) })).not.toThrow();
    expect(() => load({ ...base, [name]: String(max) })).not.toThrow();
    if (min > 0) expect(failure({ ...base, [name]: String(min - 1) })).toContain(`${name} must be at least ${min}`);
    expect(failure({ ...base, [name]: String(max + 1) })).toContain(`${name} must be at most ${max}`);
  });
});

describe('each setting, exactly (messages, edges and values)', () => {
  it.each<[string, Record<string, string>, string]>([
    ['a malformed account SID', { ACCOUNT_SID: 'AC123' }, 'invalid settings: ACCOUNT_SID must look like AC followed by 32 hex digits'],
    ['an auth token of 33 hex digits', { AUTH_TOKEN: `${f.AUTH_TOKEN}a` }, 'invalid settings: AUTH_TOKEN must be 32 hex digits'],
    ['an auth token with a prefix', { AUTH_TOKEN: `x${f.AUTH_TOKEN}` }, 'invalid settings: AUTH_TOKEN must be 32 hex digits'],
    ['a switch that is not a boolean', { AUTH_FLEX_TOKEN: 'maybe' }, 'invalid settings: AUTH_FLEX_TOKEN must be true or false'],
    ['an unknown close policy', { CLOSE_POLICY: 'anyone' }, 'invalid settings: CLOSE_POLICY must be participant, roles or off'],
    ['a number with a suffix', { REQUEST_DEADLINE_MS: '5000ms' }, 'invalid settings: REQUEST_DEADLINE_MS must be a whole number'],
    ['a number with a prefix', { REQUEST_DEADLINE_MS: '~5000' }, 'invalid settings: REQUEST_DEADLINE_MS must be a whole number'],
    ['a base URL that is not a URL', { TWILIO_API_BASE_URL: 'api' }, 'invalid settings: TWILIO_API_BASE_URL must be an absolute URL'],
    [
      'plain http elsewhere',
      { TWILIO_API_BASE_URL: 'http://10.0.0.5' },
      'invalid settings: TWILIO_API_BASE_URL must be https (plain http is allowed to loopback only)',
    ],
    [
      'another scheme',
      { TWILIO_IAM_BASE_URL: 'ftp://127.0.0.1' },
      'invalid settings: TWILIO_IAM_BASE_URL must be https (plain http is allowed to loopback only)',
    ],
    [
      'a bad origin (named by its position, never by its value)',
      { ALLOWED_ORIGINS: `https://ok.example, https://${'x'.repeat(80)}/` },
      'invalid settings: ALLOWED_ORIGINS must be a comma-separated list of origins like https://flex.twilio.com (entry 2 is not one; * is not allowed)',
    ],
    [
      'two problems at once',
      { ACCOUNT_SID: 'x', CLOSE_POLICY: 'x' },
      'invalid settings: ACCOUNT_SID must look like AC followed by 32 hex digits; CLOSE_POLICY must be participant, roles or off',
    ],
    ['an API key without its secret', { API_KEY: f.API_KEY }, 'invalid settings: API_KEY and API_SECRET go together'],
  ])('%s', (_label, env, message) => {
    expect(failure({ ...base, ...env })).toBe(message);
  });

  it('no credentials at all, and an API key alone with the checks that need the auth token', () => {
    expect(failure({ ACCOUNT_SID: f.ACCOUNT_SID })).toBe('invalid settings: set AUTH_TOKEN, or API_KEY and API_SECRET');
    const keyOnly = { ACCOUNT_SID: f.ACCOUNT_SID, API_KEY: f.API_KEY, API_SECRET: f.API_SECRET };
    const needsToken = 'invalid settings: AUTH_TOKEN is needed for AUTH_TWILIO_SIGNATURE and AUTH_ACCOUNT_CREDENTIALS (or turn them off)';
    expect(failure(keyOnly)).toContain('invalid settings: AUTH_TOKEN is needed for AUTH_TWILIO_SIGNATURE and AUTH_ACCOUNT_CREDENTIALS');
    expect(failure({ ...keyOnly, AUTH_TWILIO_SIGNATURE: 'false' })).toContain(needsToken.slice(0, 60));
    expect(failure({ ...keyOnly, AUTH_ACCOUNT_CREDENTIALS: 'false' })).toContain(needsToken.slice(0, 60));
  });

  it.each<[string, boolean]>([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
  ])('switch value %s is %s', (value, expected) => {
    expect(load({ ...base, AUTH_API_KEYS: value, API_KEY_CALLERS: f.CALLER_KEY }).auth.apiKeys).toBe(expected);
    expect(load({ ...base, AUTH_FLEX_TOKEN: value }).auth.flexToken).toBe(expected);
  });

  it('API_KEY_CALLERS: empty by default, and then no API key gets in whatever AUTH_API_KEYS says', () => {
    expect(load(base)).toMatchObject({ apiKeyCallers: [], auth: { apiKeys: false } });
    expect(load({ ...base, AUTH_API_KEYS: 'true', API_KEY_CALLERS: ' ' }).auth.apiKeys).toBe(false);
    expect(load({ ...base, API_KEY_CALLERS: ` ${f.CALLER_KEY} ,${f.API_KEY},` })).toMatchObject({
      apiKeyCallers: [f.CALLER_KEY, f.API_KEY],
      auth: { apiKeys: true },
    });
    const bad = failure({ ...base, API_KEY_CALLERS: `${f.CALLER_KEY},SKnot-a-key-value` });
    expect(bad).toBe('invalid settings: API_KEY_CALLERS must be a comma-separated list of API key SIDs (SK…; entry 2 is not one)');
  });

  it('text settings are trimmed, and blank is unset', () => {
    expect(load({ ...base, TWILIO_REGION: '  ie1 ', TWILIO_EDGE: '   ' })).toMatchObject({ region: 'ie1', edge: undefined });
    expect(load({ ...base, READ_ROLES: ' ' }).readRoles).toEqual(['agent', 'supervisor', 'admin']);
    expect(load({ ...base, READ_ROLES: ' supervisor , ,admin' }).readRoles).toEqual(['supervisor', 'admin']);
  });

  it('loopback for plain http: 127.x, localhost and ::1; trailing slashes dropped', () => {
    expect(load({ ...base, TWILIO_API_BASE_URL: 'http://localhost:4010' }).apiBaseUrl).toBe('http://localhost:4010');
    expect(load({ ...base, TWILIO_API_BASE_URL: 'http://[::1]:4010' }).apiBaseUrl).toBe('http://[::1]:4010');
    expect(load({ ...base, TWILIO_API_BASE_URL: 'http://127.0.0.2:4010' }).apiBaseUrl).toBe('http://127.0.0.2:4010');
    expect(load({ ...base, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' }).apiBaseUrl).toBe('http://127.0.0.1:4010');
    expect(load({ ...base, TWILIO_API_BASE_URL: 'https://proxy.example/base///' }).apiBaseUrl).toBe('https://proxy.example/base');
    expect(failure({ ...base, TWILIO_API_BASE_URL: 'http://10.127.0.1' })).toContain('must be https');
  });

  it('where the functions say they are, by default', () => {
    expect(load(base).publicBaseUrl).toBe('https://localhost');
    expect(load(base).readRoles).toEqual(['agent', 'supervisor', 'admin']);
  });

  it('is parsed once while the settings are the same, and again when one changes', () => {
    const first = load({ ...base, CLOSE_POLICY: 'roles' });
    expect(load({ ...base, CLOSE_POLICY: 'roles', UNRELATED: 'x' })).toBe(first);
    const second = load({ ...base, CLOSE_POLICY: 'off' });
    expect(second).not.toBe(first);
    expect(second.closePolicy).toBe('off');
    expect(load({ ...base, CLOSE_POLICY: 'roles' }).closePolicy).toBe('roles');
  });

  it('a setting that goes missing, or one that appears, is a change too; an undefined one is no setting', () => {
    const withPolicy = load({ ...base, CLOSE_POLICY: 'roles' });
    const without = load(base);
    expect(without).not.toBe(withPolicy);
    expect(without.closePolicy).toBe('participant');
    expect(load({ ...base, CLOSE_POLICY: undefined } as never)).toBe(without);
    expect(load({ ...base, READ_ROLES: 'admin' }).readRoles).toEqual(['admin']);
  });

  it('Twilio calls are signed with the API key when there is one, else the auth token', () => {
    const c = load(base);
    expect(twilioCredentials(c)).toEqual({ username: f.ACCOUNT_SID, password: f.AUTH_TOKEN });
    expect(twilioCredentials({ ...c, apiKey: f.API_KEY, apiSecret: f.API_SECRET })).toEqual({ username: f.API_KEY, password: f.API_SECRET });
    expect(twilioCredentials({ ...c, apiKey: f.API_KEY, apiSecret: undefined })).toEqual({ username: f.ACCOUNT_SID, password: f.AUTH_TOKEN });
    expect(twilioCredentials({ ...c, apiKey: undefined, apiSecret: f.API_SECRET })).toEqual({ username: f.ACCOUNT_SID, password: f.AUTH_TOKEN });
    expect(twilioCredentials({ ...c, authToken: undefined })).toEqual({ username: f.ACCOUNT_SID, password: '' });
  });
});

describe('perSettings: one instance per settings', () => {
  it('builds once for the same values, again when a value changes, a key appears or one goes', () => {
    const make = jest.fn((o: object) => ({ built: o }));
    const get = perSettings(make);
    const first = get({ a: 1, b: 'x' });
    expect(get({ a: 1, b: 'x' })).toBe(first);
    expect(get({ a: 2, b: 'x' })).not.toBe(first);
    const withExtra = get({ a: 2, b: 'x', c: undefined });
    expect(make).toHaveBeenCalledTimes(3);
    expect(get({ a: 2, b: 'x' })).not.toBe(withExtra);
    expect(make).toHaveBeenCalledTimes(4);
  });

  it('keeps its own copy: changing the object it was given later is still a change', () => {
    const get = perSettings((o: { a: number }) => ({ a: o.a }));
    const options = { a: 1 };
    const first = get(options);
    options.a = 2;
    expect(get(options)).not.toBe(first);
    expect(get(options).a).toBe(2);
  });
});

describe('a settings error seen by a caller', () => {
  it('names the key and the entry, never the value (the 500 any caller gets)', async () => {
    const { handler } = await import('../../functions/get-channel');
    const { invoke } = await import('../support/invoke');
    const secretish = 'https://internal-staging-host.example.corp/flex?key=abc123';
    const r = await invoke(handler, { ...base, ALLOWED_ORIGINS: `https://flex.twilio.com,${secretish}` }, { path: '/get-channel', method: 'GET' });
    expect(r.statusCode).toBe(500);
    expect(r.json.error.code).toBe('misconfigured');
    expect(r.json.error.message).toContain('ALLOWED_ORIGINS');
    expect(r.json.error.message).toContain('entry 2');
    for (const part of ['internal-staging-host', 'example.corp', 'abc123']) expect(JSON.stringify(r.json)).not.toContain(part);
  });
});
