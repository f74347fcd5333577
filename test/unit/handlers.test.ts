/**
 * The three handlers through the fake Runtime and Response, with Twilio faked at the network
 * boundary by FakeTwilio on loopback: the real `twilio` helper and our transport make real
 * HTTP calls, and every test asserts what reached Twilio.
 */
import { handler as getChannel } from '../../functions/get-channel';
import { handler as listChannels } from '../../functions/list-channels';
import { handler as closeChannel } from '../../functions/close-channel';
import { handler as studioClose } from '../../functions/studio/close-channel.protected';
import { startSeededFake, type Seeded } from '../support/fake';
import { invoke, settings } from '../support/invoke';
import * as f from '../support/fixtures';

let s: Seeded;
let env: Record<string, string>;
const account = { authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };

beforeEach(async () => {
  s = await startSeededFake();
  env = settings(s.baseUrl);
});
afterEach(async () => {
  await s.fake.stop();
});

describe('get-channel', () => {
  it('answers the normalized channel', async () => {
    const r = await invoke(getChannel, env, {
      path: '/get-channel',
      method: 'GET',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: account,
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['Content-Type']).toBe('application/json; charset=utf-8');
    const base = `https://flex-api.twilio.com/v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`;
    expect(r.json).toEqual({
      channel: {
        sid: s.channelSid,
        interactionSid: s.interactionSid,
        type: 'chat',
        status: 'active',
        errorCode: null,
        errorMessage: null,
        url: base,
        links: { participants: `${base}/Participants`, invites: `${base}/Invites`, transfers: `${base}/Transfers` },
      },
    });
    expect(s.fake.apiRequests().map((q) => `${q.method} ${q.path}`)).toEqual([`GET /v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`]);
    expect(s.fake.apiRequests()[0]!.basicUser).toBe(f.ACCOUNT_SID);
  });

  it('uses the API key for REST calls when one is configured', async () => {
    await s.fake.stop();
    s = await startSeededFake({ apiKey: true });
    const r = await invoke(getChannel, settings(s.baseUrl, { API_KEY: f.API_KEY, API_SECRET: f.API_SECRET }), {
      path: '/get-channel',
      params: { InteractionSid: s.interactionSid, ChannelSid: s.channelSid },
      headers: account,
    });
    expect(r.statusCode).toBe(200);
    expect(s.fake.apiRequests()[0]!.basicUser).toBe(f.API_KEY);
  });
});

describe('list-channels', () => {
  it('answers the channels, their count and the interaction', async () => {
    const r = await invoke(listChannels, env, {
      path: '/list-channels',
      method: 'GET',
      params: { interactionSid: s.interactionSid, limit: '5' },
      headers: account,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json.interactionSid).toBe(s.interactionSid);
    expect(r.json.count).toBe(2);
    expect(r.json.channels.map((c: { sid: string }) => c.sid)).toEqual([s.channelSid, s.otherChannelSid]);
    expect(r.json.channels[1].type).toBe('sms');
    const [req] = s.fake.apiRequests();
    expect(req!.path).toBe(`/v1/Interactions/${s.interactionSid}/Channels`);
    expect(req!.query.PageSize).toBe('5');
  });

  it('answers at most limit channels', async () => {
    const r = await invoke(listChannels, env, {
      path: '/list-channels',
      params: { interactionSid: s.interactionSid, limit: 1 },
      headers: account,
    });
    expect(r.json.count).toBe(1);
    expect(r.json.channels).toHaveLength(1);
  });
});

describe('close-channel', () => {
  it('closes with Status=closed and no Routing; tasks go to wrapping', async () => {
    const r = await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: account,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json.channel.status).toBe('closed');
    expect(r.json.routing).toBeNull();
    expect(r.json.taskStatus).toBe('wrapping');
    const [req] = s.fake.apiRequests();
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(`/v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`);
    expect(req!.body).toEqual({ Status: 'closed' });
    expect(s.fake.channels.get(s.channelSid)!.taskStatus).toBe('wrapping');
  });

  it.each([
    ['an object', { status: 'closed' }],
    ['a JSON string', '{"status":"closed"}'],
  ])('sends routing given as %s as the JSON string Twilio expects; tasks complete', async (_name, routing) => {
    const r = await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid, routing },
      headers: account,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json.routing).toEqual({ status: 'closed' });
    expect(r.json.taskStatus).toBe('completed');
    expect(s.fake.apiRequests()[0]!.body).toEqual({ Status: 'closed', Routing: '{"status":"closed"}' });
  });

  it('sets a channel inactive with routing', async () => {
    const r = await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { InteractionSid: s.interactionSid, ChannelSid: s.channelSid, Status: 'inactive', Routing: '{"status":"closed"}' },
      headers: account,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json.channel.status).toBe('inactive');
    expect(s.fake.apiRequests()[0]!.body).toEqual({ Status: 'inactive', Routing: '{"status":"closed"}' });
  });

  it('the close is visible on the next fetch', async () => {
    await invoke(closeChannel, env, {
      path: '/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: account,
    });
    const r = await invoke(getChannel, env, {
      path: '/get-channel',
      method: 'GET',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: account,
    });
    expect(r.json.channel.status).toBe('closed');
  });

  it('accepts POST only', async () => {
    const r = await invoke(closeChannel, env, {
      path: '/close-channel',
      method: 'GET',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: account,
    });
    expect(r.statusCode).toBe(405);
    expect(r.headers.Allow).toBe('POST');
    expect(r.json.error).toEqual({ code: 'method_not_allowed', message: 'this endpoint accepts POST only', status: 405 });
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe('who may call, and who may close (as an agent, through the participant check)', () => {
  const asToken = (token: string) => ({ authorization: `Bearer ${token}` });
  const close = (token: string, channelSid = s.channelSid, interactionSid = s.interactionSid) =>
    invoke(closeChannel, env, { path: '/close-channel', params: { interactionSid, channelSid }, headers: asToken(token) });

  it.each([
    ['get-channel', getChannel],
    ['list-channels', listChannels],
    ['close-channel', closeChannel],
  ] as const)('a guest token (no worker, no allowed role) reads nothing from %s: 403, no REST call', async (name, handler) => {
    const guest = f.flexToken('guest');
    s.fake.addToken(guest, { identity: 'gus', roles: ['guest'] });
    const r = await invoke(handler as never, env, {
      path: `/${name}`,
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: asToken(guest),
    });
    expect(r.statusCode).toBe(403);
    expect(r.json.error.code).toBe('forbidden');
    expect(s.fake.apiRequests()).toHaveLength(0);
  });

  it('READ_ROLES is a setting', async () => {
    const r = await invoke(getChannel, settings(s.baseUrl, { READ_ROLES: 'supervisor' }), {
      path: '/get-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: asToken(f.AGENT_TOKEN),
    });
    expect(r.statusCode).toBe(403);
  });

  it('the agent on the channel closes it: participants read, then one update', async () => {
    const r = await close(f.AGENT_TOKEN);
    expect(r.statusCode).toBe(200);
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET', 'POST']);
  });

  it('an agent not on the channel: 403 forbidden, no update', async () => {
    const r = await close(f.OUTSIDER_TOKEN);
    expect(r.statusCode).toBe(403);
    expect(r.json.error.code).toBe('forbidden');
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET']);
  });

  it('routing properties that name the worker workerSid are understood too', async () => {
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER], workerKey: 'workerSid' }]);
    expect((await close(f.AGENT_TOKEN, channelSids[0]!, interactionSid)).statusCode).toBe(200);
  });

  it('agents whose routing properties carry no worker: 403 saying so, no update', async () => {
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER], workerKey: 'none' }]);
    s.fake.clearRequests();
    const r = await close(f.AGENT_TOKEN, channelSids[0]!, interactionSid);
    expect(r.statusCode).toBe(403);
    expect(r.json.error.message).toBe("this channel's participants carry no worker to match; a supervisor may close it");
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET']);
  });
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

describe('a protected twin (the platform checked the signature)', () => {
  it('needs no credential of its own, asks IAM nothing, and closes as the account', async () => {
    const r = await invoke(studioClose, env, {
      path: '/studio/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
    });
    expect(r.statusCode).toBe(200);
    expect(s.fake.iamRequests()).toHaveLength(0);
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['POST']);
  });

  it('acts only on exactly what was signed', async () => {
    const r = await invoke(studioClose, env, {
      path: '/studio/close-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid, FlowSid: 'FW1' },
    });
    expect(r.statusCode).toBe(400);
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe('bad input: a 400 naming the field, and nothing sent to Twilio', () => {
  it.each<[string, any, Record<string, unknown>, string]>([
    ['get-channel', getChannel, { interactionSid: 'KD1' }, 'interactionSid'],
    ['get-channel', getChannel, { interactionSid: `KD${'a'.repeat(32)}`, channelSid: ['x', 'y'] }, 'channelSid'],
    ['list-channels', listChannels, { interactionSid: `KD${'a'.repeat(32)}`, limit: '0' }, 'limit'],
    ['close-channel', closeChannel, { interactionSid: `KD${'a'.repeat(32)}`, channelSid: `UO${'a'.repeat(32)}`, status: 'open' }, 'status'],
    [
      'close-channel',
      closeChannel,
      { interactionSid: `KD${'a'.repeat(32)}`, channelSid: `UO${'a'.repeat(32)}`, routing: '{"status":"open"}' },
      'routing',
    ],
    ['close-channel', closeChannel, { interactionSid: `KD${'a'.repeat(32)}`, channelSid: `UO${'a'.repeat(32)}`, status: 'inactive' }, 'routing'],
  ])('%s with %j', async (name, handler, params, field) => {
    // A Flex token, so that even IAM would be called if validation came too late.
    const r = await invoke(handler, env, { path: `/${name}`, params: { ...params, Token: f.AGENT_TOKEN } });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.code).toBe('invalid_request');
    expect(r.json.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe("Twilio's errors become the contract's", () => {
  const call = (handler: any = getChannel, params: Record<string, unknown> = {}) =>
    invoke(handler, env, {
      path: '/x',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid, ...params },
      headers: account,
    });

  it('20404 → 404 not_found with twilioCode and moreInfo', async () => {
    const r = await call(getChannel, { channelSid: f.UO_UNKNOWN });
    expect(r.statusCode).toBe(404);
    expect(r.json.error).toEqual({
      code: 'not_found',
      message: 'the channel was not found',
      status: 404,
      twilioCode: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
  });

  it('an unknown interaction on list → 404', async () => {
    const r = await call(listChannels, { interactionSid: f.KD_UNKNOWN });
    expect(r.statusCode).toBe(404);
    expect(r.json.error.code).toBe('not_found');
  });

  it('Twilio refusing the change → 409 conflict', async () => {
    await call(closeChannel);
    const r = await call(closeChannel);
    expect(r.statusCode).toBe(409);
    expect(r.json.error).toMatchObject({ code: 'conflict', twilioCode: 45004, message: 'The channel is already closed' });
  });

  it('Twilio 429 on every try → 429 rate_limited with Retry-After', async () => {
    env = settings(s.baseUrl, { REQUEST_DEADLINE_MS: '2000' });
    s.fake.inject({ kind: 'status', status: 429, code: 20429, retryAfter: '1' }, () => true, 100);
    const started = Date.now();
    const r = await call();
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.statusCode).toBe(429);
    expect(r.headers['Retry-After']).toBe('1');
    // Retried once after Retry-After; a second wait would not have fit in the deadline.
    expect(s.fake.apiRequests()).toHaveLength(2);
    expect(r.json.error).toMatchObject({ code: 'rate_limited', status: 429 });
  });

  it('a 429 followed by success is retried transparently', async () => {
    s.fake.inject({ kind: 'status', status: 429, code: 20429, retryAfter: '0' });
    const r = await call();
    expect(r.statusCode).toBe(200);
    expect(s.fake.apiRequests()).toHaveLength(2);
  });

  it('Twilio 5xx → 502 upstream_error', async () => {
    s.fake.inject({ kind: 'status', status: 500, code: 20500 });
    const r = await call();
    expect(r.statusCode).toBe(502);
    expect(r.json.error).toMatchObject({ code: 'upstream_error', twilioCode: 20500 });
  });

  it('an answer that is not JSON → 502 upstream_error', async () => {
    s.fake.inject({ kind: 'not-json', status: 200 });
    const r = await call();
    expect(r.statusCode).toBe(502);
    expect(r.json.error.code).toBe('upstream_error');
  });

  it('Twilio slower than the deadline → 504 upstream_timeout within the deadline', async () => {
    env = settings(s.baseUrl, { REQUEST_DEADLINE_MS: '1000' });
    s.fake.inject({ kind: 'delay', ms: 3000 }, () => true, 10);
    const started = Date.now();
    const r = await call();
    expect(r.statusCode).toBe(504);
    expect(r.json.error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('a reset connection during a close → 502 and no blind retry', async () => {
    s.fake.inject({ kind: 'reset' }, (q) => q.method === 'POST');
    const r = await call(closeChannel);
    expect(r.statusCode).toBe(502);
    expect(r.json.error.message).toMatch(/may or may not have been applied/);
    expect(s.fake.apiRequests().filter((q) => q.method === 'POST')).toHaveLength(1);
  });

  it('a reset connection during a read is retried', async () => {
    s.fake.inject({ kind: 'reset' });
    const r = await call();
    expect(r.statusCode).toBe(200);
    expect(s.fake.apiRequests()).toHaveLength(2);
  });

  it('Twilio refusing our credentials → 500 misconfigured, naming no secret', async () => {
    env = settings(s.baseUrl, { AUTH_TOKEN: 'f'.repeat(32) });
    const r = await invoke(getChannel, env, {
      path: '/get-channel',
      params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
      headers: { authorization: f.basic(f.ACCOUNT_SID, 'f'.repeat(32)) },
    });
    expect(r.statusCode).toBe(500);
    expect(r.json.error.code).toBe('misconfigured');
    expect(JSON.stringify(r.json)).not.toContain('f'.repeat(32));
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
