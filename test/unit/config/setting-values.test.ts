/** Each setting exactly: its messages, edges and values; and one instance per settings (perSettings). */
import { loadConfig, perConfig, perSettings, twilioCredentials } from '../../../src/config';
import { MisconfiguredError } from '../../../src/edge/errors';
import * as f from '../../support/fixtures';

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

describe('perConfig: derived once per Config object', () => {
  it('derives again only for another Config (loadConfig hands back the same one while the settings stay)', () => {
    const derive = jest.fn((c: { accountSid: string }) => ({ of: c.accountSid }));
    const get = perConfig(derive as never) as (c: object) => { of: string };
    const context = { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN };
    const a = loadConfig(context as never);
    expect(loadConfig({ ...context } as never)).toBe(a);
    const first = get(a);
    expect(get(loadConfig({ ...context } as never))).toBe(first);
    expect(derive).toHaveBeenCalledTimes(1);
    const b = loadConfig({ ...context, REQUEST_DEADLINE_MS: '5000' } as never);
    expect(get(b)).not.toBe(first);
    expect(derive).toHaveBeenCalledTimes(2);
  });
});
