/** The settings: what each one accepts, its default, and what a wrong one answers (the key named, never the value). */
import { loadConfig } from '../../../src/config';
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

describe('a settings error seen by a caller', () => {
  it('names the key and the entry, never the value (the 500 any caller gets)', async () => {
    const { handler } = await import('../../../functions/get-channel');
    const { invoke } = await import('../../support/invoke');
    const secretish = 'https://internal-staging-host.example.corp/flex?key=abc123';
    const r = await invoke(handler, { ...base, ALLOWED_ORIGINS: `https://flex.twilio.com,${secretish}` }, { path: '/get-channel', method: 'GET' });
    expect(r.statusCode).toBe(500);
    expect(r.json.error.code).toBe('misconfigured');
    expect(r.json.error.message).toContain('ALLOWED_ORIGINS');
    expect(r.json.error.message).toContain('entry 2');
    for (const part of ['internal-staging-host', 'example.corp', 'abc123']) expect(JSON.stringify(r.json)).not.toContain(part);
  });
});
