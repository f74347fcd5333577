/** Twilio's errors become the contract's, through the handlers (Twilio faked at the network boundary). */
import { handler as getChannel } from '../../../functions/get-channel';
import { handler as listChannels } from '../../../functions/list-channels';
import { handler as closeChannel } from '../../../functions/close-channel';
import type { Seeded } from '../../support/fake';
import { invoke, seededPerTest, settings } from '../../support/invoke';
import * as f from '../../support/fixtures';

let s: Seeded;
let env: Record<string, string>;
const account = { authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };

seededPerTest((seeded, settings) => {
  s = seeded;
  env = settings;
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
