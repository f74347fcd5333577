/**
 * Call a handler the way the Runtime does: a context of settings, an event of parameters plus
 * `request.headers`, and a callback; resolve with the fake Response it was given.
 */
import type { FakeResponse } from './runtime-globals';
import * as f from './fixtures';
import { startSeededFake, type Seeded } from './fake';
import { recordAnswer } from './documented-answers';

type Handler = (context: any, event: any, callback: (err: unknown, response?: unknown) => void) => unknown;

export function settings(baseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ACCOUNT_SID: f.ACCOUNT_SID,
    AUTH_TOKEN: f.AUTH_TOKEN,
    TWILIO_API_BASE_URL: baseUrl,
    TWILIO_IAM_BASE_URL: baseUrl,
    ALLOWED_ORIGINS: 'https://flex.twilio.com,http://localhost:3000',
    ...extra,
  };
}

export interface Call {
  path: string;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** POST sends a body (content-type set); GET sends none. */
  method?: 'GET' | 'POST';
}

export async function invoke(handler: Handler, env: Record<string, string>, call: Call): Promise<FakeResponse & { json: any }> {
  const headers: Record<string, string> = { ...(call.headers ?? {}) };
  if ((call.method ?? 'POST') === 'POST') headers['content-type'] ??= 'application/x-www-form-urlencoded';
  const context = {
    ...env,
    DOMAIN_NAME: 'functions.example.twil.io',
    PATH: call.path,
    getTwilioClient: () => {
      throw new Error('the service builds its own client');
    },
  };
  const event = { ...(call.params ?? {}), request: { headers, cookies: {} } };
  return new Promise((resolve, reject) => {
    const done = (err: unknown, response?: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error(`callback got an error: ${JSON.stringify(err)}`));
      else {
        const r = response as FakeResponse & { json: any };
        r.json = r.body;
        const seen = JSON.stringify({ headers: r.headers, body: r.body });
        const leaked = f.SECRETS.filter((secret) => seen.includes(secret));
        if (leaked.length > 0) reject(new Error(`a secret leaked into a response: ${seen}`));
        recordAnswer(call.path, r.statusCode, r.body);
        resolve(r);
      }
    };
    Promise.resolve(handler(context, event, done)).catch(reject);
  });
}

/**
 * A seeded FakeTwilio for each test, with the handlers' settings pointed at it: `use` gets both
 * before each test, and the fake stops after it.
 */
export function seededPerTest(use: (s: Seeded, env: Record<string, string>) => void): void {
  let current: Seeded | undefined;
  beforeEach(async () => {
    current = await startSeededFake();
    use(current, settings(current.baseUrl));
  });
  afterEach(async () => {
    await current?.fake.stop();
  });
}
