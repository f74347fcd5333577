/** What every handler answers at the edge: response headers, settings errors, CORS, oversized bodies (Twilio faked at the network boundary). */
import { handler as getChannel } from '../../../functions/get-channel';
import { handler as closeChannel } from '../../../functions/close-channel';
import type { Seeded } from '../../support/fake';
import { invoke, seededPerTest } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
let env: Record<string, string>;
const account = { authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };

seededPerTest((seeded, settings) => {
  s = seeded;
  env = settings;
});

describe('response headers', () => {
  it('every answer: JSON, no-store, nosniff; a 401 challenges for Bearer; a 403 has the forbidden code', async () => {
    const ok = await invoke(getChannel, env, {
      path: '/get-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: account,
    });
    const denied = await invoke(getChannel, env, { path: '/get-channel', params: { interactionSid: s.interactionSid, channelSid: s.channelSid } });
    for (const r of [ok, denied]) {
      expect(r.headers['Content-Type']).toBe('application/json; charset=utf-8');
      expect(r.headers['Cache-Control']).toBe('no-store');
      expect(r.headers['X-Content-Type-Options']).toBe('nosniff');
    }
    expect(denied.headers['WWW-Authenticate']).toBe('Bearer realm="flex-interaction-channels"');
    const forbidden = await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: { authorization: `Bearer ${f.OUTSIDER_TOKEN}` },
    });
    expect(forbidden.json.error).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('CORS for an allowed origin: methods, headers, exposed Retry-After and max age, exactly', async () => {
    const r = await invoke(closeChannel, env, { path: '/close-channel', params: {}, headers: { origin: 'https://flex.twilio.com' } });
    expect(r.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://flex.twilio.com',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Content-Type, Authorization, X-Twilio-Signature',
      'Access-Control-Expose-Headers': 'Retry-After',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    });
  });
});

describe('settings', () => {
  it('missing ACCOUNT_SID → 500 misconfigured naming the variable, nothing sent', async () => {
    const { ACCOUNT_SID: _omit, ...rest } = env;
    const r = await invoke(getChannel, rest, { path: '/get-channel', params: {}, headers: account });
    expect(r.statusCode).toBe(500);
    expect(r.json.error.code).toBe('misconfigured');
    expect(r.json.error.message).toContain('ACCOUNT_SID');
    expect(s.fake.requests).toHaveLength(0);
    // Answered before the settings could say which origins are allowed: no origin, but Vary.
    expect(r.headers).toMatchObject({ Vary: 'Origin', 'Cache-Control': 'no-store' });
    expect(r.headers['Access-Control-Allow-Origin']).toBeUndefined();
  });

  it('a plain-http base URL that is not loopback is refused', async () => {
    const r = await invoke(getChannel, { ...env, TWILIO_API_BASE_URL: 'http://example.com' }, { path: '/get-channel', params: {}, headers: account });
    expect(r.statusCode).toBe(500);
    expect(r.json.error.message).toContain('TWILIO_API_BASE_URL');
  });
});

describe('CORS', () => {
  const get = (origin?: string) =>
    invoke(getChannel, env, {
      path: '/get-channel',
      method: 'GET',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: { ...account, ...(origin ? { origin } : {}) },
    });

  it('echoes an allowed Origin, with Vary: Origin', async () => {
    const r = await get('https://flex.twilio.com');
    expect(r.headers['Access-Control-Allow-Origin']).toBe('https://flex.twilio.com');
    expect(r.headers.Vary).toBe('Origin');
    expect(r.headers['Access-Control-Allow-Headers']).toEqual(expect.stringContaining('Authorization'));
    expect(r.headers['Access-Control-Allow-Headers']).toEqual(expect.stringContaining('Content-Type'));
  });

  it('never answers * and ignores an Origin that is not allowed', async () => {
    const r = await get('https://evil.example');
    expect(r.headers['Access-Control-Allow-Origin']).toBeUndefined();
    expect(r.headers.Vary).toBe('Origin');
  });

  it('sets CORS headers on errors too, each header once', async () => {
    const r = await invoke(getChannel, env, { path: '/get-channel', params: {}, headers: { origin: 'https://flex.twilio.com' } });
    expect(r.statusCode).toBe(401);
    expect(r.headers['Access-Control-Allow-Origin']).toBe('https://flex.twilio.com');
    for (const value of Object.values(r.headers)) expect(Array.isArray(value)).toBe(false);
  });
});

describe('a body far beyond any valid request', () => {
  it('→ 413 payload_too_large, nothing sent', async () => {
    const r = await invoke(getChannel, env, {
      path: '/get-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid, filler: 'x'.repeat(100_000) },
      headers: account,
    });
    expect(r.statusCode).toBe(413);
    expect(r.json.error.code).toBe('payload_too_large');
    expect(s.fake.requests).toHaveLength(0);
  });
});
