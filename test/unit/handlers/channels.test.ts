/** The handlers of get-channel, list-channels and close-channel through the fake Runtime and Response, Twilio faked at the network boundary (FakeTwilio on loopback). */
import { handler as getChannel } from '../../../functions/get-channel';
import { handler as listChannels } from '../../../functions/list-channels';
import { handler as closeChannel } from '../../../functions/close-channel';
import { startSeededFake, type Seeded } from '../../support/fake';
import { invoke, settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

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
