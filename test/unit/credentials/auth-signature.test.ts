/**
 * The Twilio signature as a way in to the public functions: valid, invalid, switched off, and a signed request meaning exactly what was signed.
 */
import twilio from 'twilio';
import { handler as getChannel } from '../../../functions/get-channel';
import { handler as closeChannel } from '../../../functions/close-channel';
import { handler as studioClose } from '../../../functions/studio/close-channel.protected';
import { invoke, settings } from '../../support/invoke';
import { ctx, DOMAIN, get, sign, useSeededFake } from '../../support/auth-harness';
import * as f from '../../support/fixtures';

useSeededFake();

describe('Twilio signature', () => {
  it('a valid X-Twilio-Signature over the POSTed parameters passes', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params) });
    expect(r.statusCode).toBe(200);
    expect(ctx.s.fake.iamRequests()).toHaveLength(0);
  });

  it('a signature over other parameters → 401', async () => {
    const r = await get({ 'x-twilio-signature': sign('/get-channel', { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.otherChannelSid }) });
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('a signature for another path → 401', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/close-channel', params) });
    expect(r.statusCode).toBe(401);
  });

  it('a signature made with another auth token → 401', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params, 'e'.repeat(32)) });
    expect(r.statusCode).toBe(401);
  });

  it('switched off → 401 even when valid', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const r = await get({ 'x-twilio-signature': sign('/get-channel', params) }, {}, settings(ctx.s.baseUrl, { AUTH_TWILIO_SIGNATURE: 'false' }));
    expect(r.statusCode).toBe(401);
  });

  it('a GET webhook: the signature covers the URL with its query string', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const url = `https://${DOMAIN}/get-channel?${new URLSearchParams(params).toString()}`;
    const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url, {});
    const r = await invoke(getChannel, ctx.env, { path: '/get-channel', method: 'GET', params, headers: { 'x-twilio-signature': signature } });
    expect(r.statusCode).toBe(200);
  });
});

describe('a signed request means exactly what was signed', () => {
  const close = (params: Record<string, string>, signature: string) =>
    invoke(closeChannel, ctx.env, { path: '/close-channel', params, headers: { 'x-twilio-signature': signature } });

  it('the signature of "set inactive" cannot be replayed as a full close (statusinactive=)', async () => {
    const signed = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, status: 'inactive', routing: '{"status":"closed"}' };
    const signature = sign('/close-channel', signed);
    const forged = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, routing: '{"status":"closed"}', statusinactive: '' };
    // Both sets concatenate to the same string, so the signature fits both:
    expect(sign('/close-channel', forged)).toBe(signature);
    const r = await close(forged, signature);
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details).toEqual([{ field: 'statusinactive', message: expect.stringContaining('may carry only this function') }]);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
    // The request as signed still works.
    expect((await close(signed, signature)).statusCode).toBe(200);
  });

  it('a close with routing cannot be replayed without it (routing{…}= with an empty value)', async () => {
    const signed = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, routing: '{"status":"closed"}' };
    const signature = sign('/close-channel', signed);
    const forged = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, 'routing{"status":"closed"}': '' };
    expect(sign('/close-channel', forged)).toBe(signature);
    expect((await close(forged, signature)).statusCode).toBe(400);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('an empty value of our own parameter is refused, not read as absent', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, status: '' };
    const r = await close(params, sign('/close-channel', params));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0]).toMatchObject({ field: 'status', message: 'status must not be empty in a request signed by Twilio' });
  });

  it.each(['__proto__', 'Token', 'FlowSid'])('a signed but unused parameter (%s) is refused', async (extra) => {
    const params: Record<string, string> = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    Object.defineProperty(params, extra, { value: 'x', enumerable: true });
    const r = await close(params, sign('/close-channel', params));
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details[0].field).toBe(extra);
  });

  it("PascalCase aliases are this function's own parameters", async () => {
    const params = { InteractionSid: ctx.s.interactionSid, ChannelSid: ctx.s.channelSid, Status: 'closed' };
    expect((await close(params, sign('/close-channel', params))).statusCode).toBe(200);
  });

  it('Flex-token and Basic callers keep the lenient rule: unknown parameters ignored', async () => {
    const r = await invoke(closeChannel, ctx.env, {
      path: '/close-channel',
      params: { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, FlowSid: 'FW1', status: '' },
      headers: { authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) },
    });
    expect(r.statusCode).toBe(200);
  });
});

describe('a signature fits one method: the query-string form for a GET only', () => {
  it('the signature of a GET (its URL with the query string) does not pass on a POST of the same parameters: no close', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `https://${DOMAIN}/close-channel?${new URLSearchParams(params)}`, {});
    const r = await invoke(closeChannel, ctx.env, { path: '/close-channel', method: 'POST', params, headers: { 'x-twilio-signature': signature } });
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });

  it('the signature of a POST (URL + parameters) does not pass on a GET', async () => {
    const params = { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid };
    const r = await invoke(getChannel, ctx.env, {
      path: '/get-channel',
      method: 'GET',
      params,
      headers: { 'x-twilio-signature': sign('/get-channel', params) },
    });
    expect(r.statusCode).toBe(401);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });
});

describe('only strings enter the signature check', () => {
  it.each<[string, unknown]>([
    ['an object whose toString is not a function', { toString: 1 }],
    ['a number', 5],
    ['null', null],
    ['an array holding an object', ['a', { b: 1 }]],
  ])('%s beside a signature → 400 naming the field, nothing sent', async (_label, value) => {
    const r = await get({ 'x-twilio-signature': 'anything', 'content-type': 'application/json' }, { foo: value });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details).toEqual([{ field: 'foo', message: expect.stringContaining('must be a string') }]);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });
});

describe('the twins, and signed callers, act only on form parameters (what a signature covers)', () => {
  const params = () => ({ interactionSid: ctx.s.interactionSid, channelSid: ctx.s.otherChannelSid });

  it('a protected twin handed a JSON body → 400 naming content-type, nothing sent', async () => {
    const r = await invoke(studioClose, ctx.env, {
      path: '/studio/close-channel',
      params: params(),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json.error.details).toEqual([{ field: 'content-type', message: expect.stringContaining('form-encoded') }]);
    expect(ctx.s.fake.requests).toHaveLength(0);
  });

  it('the same twin with a form body (as Studio sends it) closes', async () => {
    const r = await invoke(studioClose, ctx.env, { path: '/studio/close-channel', params: params() });
    expect(r.statusCode).toBe(200);
  });

  it('a public function: a valid signature of the parameters, sent as JSON, is refused', async () => {
    const r = await invoke(closeChannel, ctx.env, {
      path: '/close-channel',
      params: params(),
      headers: { 'x-twilio-signature': sign('/close-channel', params()), 'content-type': 'application/json' },
    });
    expect(r.statusCode).toBe(400);
    expect(ctx.s.fake.apiRequests()).toHaveLength(0);
  });
});
