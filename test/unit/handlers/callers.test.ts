/** Who may call and who may close, the protected twin, and bad input, through the handlers (Twilio faked at the network boundary). */
import { handler as getChannel } from '../../../functions/get-channel';
import { handler as listChannels } from '../../../functions/list-channels';
import { handler as closeChannel } from '../../../functions/close-channel';
import { handler as studioClose } from '../../../functions/studio/close-channel.protected';
import type { Seeded } from '../../support/fake';
import { invoke, seededPerTest, settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
let env: Record<string, string>;

seededPerTest((seeded, settings) => {
  s = seeded;
  env = settings;
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

  it('the agent on the channel closes it: the state read (the channel and its participants at once), then one update', async () => {
    const r = await close(f.AGENT_TOKEN);
    expect(r.statusCode).toBe(200);
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it('an agent not on the channel: 403 forbidden, no update', async () => {
    const r = await close(f.OUTSIDER_TOKEN);
    expect(r.statusCode).toBe(403);
    expect(r.json.error.code).toBe('forbidden');
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET', 'GET']);
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
    expect(s.fake.apiRequests().map((q) => q.method)).toEqual(['GET', 'GET']);
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
