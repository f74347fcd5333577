/**
 * What the tests of the ways in (test/unit/auth-*.test.ts) share: a seeded fake of Twilio per
 * test, the functions' settings pointing at it, a signer for Twilio signatures and a GET of
 * get-channel with given headers and parameters.
 */
import twilio from 'twilio';
import { handler as getChannel } from '../../functions/get-channel';
import { startSeededFake, type Seeded } from './fake';
import { invoke, settings } from './invoke';
import * as f from './fixtures';

/** The current test's fake and settings (set by useSeededFake's beforeEach). */
export const ctx = {} as { s: Seeded; env: Record<string, string> };

export function useSeededFake(): void {
  beforeEach(async () => {
    ctx.s = await startSeededFake();
    ctx.env = settings(ctx.s.baseUrl);
  });
  afterEach(async () => {
    await ctx.s.fake.stop();
  });
}

export const DOMAIN = 'functions.example.twil.io';

export function sign(path: string, params: Record<string, string>, token = f.AUTH_TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, `https://${DOMAIN}${path}`, params);
}

export function get(headers: Record<string, string>, extra: Record<string, unknown> = {}, environment = ctx.env) {
  return invoke(getChannel, environment, {
    path: '/get-channel',
    params: { interactionSid: ctx.s.interactionSid, channelSid: ctx.s.channelSid, ...extra },
    headers,
  });
}
