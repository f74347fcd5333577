/**
 * Hostile input, by property: whatever arrives in the parameters, the handlers answer a 4xx
 * JSON error naming a field (or a 200 when it happens to be valid), never a 5xx, and call
 * Twilio only for a valid request.
 */
import fc from 'fast-check';
import { handler as getChannel } from '../../functions/get-channel';
import { handler as listChannels } from '../../functions/list-channels';
import { handler as closeChannel } from '../../functions/close-channel';
import { handler as listParticipants } from '../../functions/list-participants';
import { handler as updateParticipant } from '../../functions/update-participant';
import { endpoint } from '../../src/edge/endpoint';
import { GET_CHANNEL } from '../../src/contract/api';
import { startSeededFake, type Seeded } from '../support/fake';
import { captured } from '../support/capture-logs';
import { invoke, settings } from '../support/invoke';
import * as f from '../support/fixtures';

jest.setTimeout(60_000);

let s: Seeded;
let env: Record<string, string>;
const account = { authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) };

beforeAll(async () => {
  s = await startSeededFake();
  env = settings(s.baseUrl, { CLOSE_POLICY: 'off' });
});
afterAll(async () => {
  await s.fake.stop();
});

const SID = /^(KD|UO)[0-9a-fA-F]{32}$/;

/** Anything a parser could hand over: JSON-ish values, deep objects, huge and unicode strings. */
const hostileValue = fc.oneof(
  fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: true }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '[]', '{}', '{"status":"closed"', '__proto__', 'constructor', 'KD', 'UO'),
  // Valid values too, so that some requests are valid and the property covers both outcomes.
  fc.constantFrom('closed', 'inactive', 'wrapup', '{"status":"closed"}', '7', 1000),
  // A participant (UT…) that is on no channel, and a channel SID where a participant belongs.
  fc.constantFrom(`UT${'0'.repeat(32)}`, `UO${'0'.repeat(32)}`),
  fc.constant({ status: 'closed' }),
  fc.integer().map(String),
  fc.array(fc.string(), { maxLength: 4 }),
  fc.constant('x'.repeat(5000)),
);

const notASid = hostileValue.filter((v) => !(typeof v === 'string' && SID.test(v)));

const extraKeys = fc.dictionary(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'request2', 'Token2', 'interactionsid', 'CHANNELSID'),
  hostileValue,
  { maxKeys: 3 },
);

const handlers = [
  ['get-channel', getChannel, ['interactionSid', 'channelSid']],
  ['list-channels', listChannels, ['interactionSid', 'limit']],
  ['close-channel', closeChannel, ['interactionSid', 'channelSid', 'status', 'routing']],
  ['list-participants', listParticipants, ['interactionSid', 'channelSid']],
  ['update-participant', updateParticipant, ['interactionSid', 'channelSid', 'status', 'participantSid']],
] as const;

describe.each(handlers)('%s', (path, handler, fields) => {
  const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

  it('an interaction SID that is not one → 400 naming it, no call to Twilio', async () => {
    await fc.assert(
      fc.asyncProperty(
        notASid,
        fc.dictionary(fc.constantFrom(...fields.flatMap((n) => [n, pascal(n)])), hostileValue),
        extraKeys,
        fc.boolean(),
        async (bad, rest, extra, alias) => {
          s.fake.clearRequests();
          const params: Record<string, unknown> = { ...extra, ...rest };
          delete params.InteractionSid;
          delete params.interactionSid;
          params[alias ? 'InteractionSid' : 'interactionSid'] = bad;
          const r = await invoke(handler, env, { path: `/${path}`, params, headers: account });
          expect(r.headers['Content-Type']).toBe('application/json; charset=utf-8');
          expect(s.fake.requests).toHaveLength(0);
          if (r.statusCode === 413) {
            expect(r.json.error.code).toBe('payload_too_large');
            return;
          }
          expect(r.statusCode).toBe(400);
          expect(r.json.error.code).toBe('invalid_request');
          expect(r.json.error.details.map((d: { field: string }) => d.field)).toContain('interactionSid');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('valid SIDs with anything else: 200 or 4xx, never 5xx; Twilio only when valid', async () => {
    const others = fields.filter((n) => n !== 'interactionSid' && n !== 'channelSid');
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...others.flatMap((n) => [n, pascal(n)]), 'Token'), hostileValue, { maxKeys: 4 }),
        async (rest) => {
          s.fake.clearRequests();
          // A fresh channel each time, so a valid close succeeds.
          const { interactionSid, channelSids } = s.fake.addInteraction([{}]);
          const params = { interactionSid, channelSid: channelSids[0], ...rest };
          const r = await invoke(handler, env, { path: `/${path}`, params, headers: account });
          expect(r.statusCode).toBeLessThan(500);
          expect(typeof r.json.error === 'object' || r.statusCode === 200).toBe(true);
          if (r.statusCode === 200) expect(s.fake.apiRequests().length).toBeGreaterThan(0);
          else {
            expect([400, 413]).toContain(r.statusCode);
            // Whether a participant is on the channel only its list can tell: that list, and no change.
            const sent = s.fake.apiRequests().map((q) => `${q.method} ${q.path.split('/').pop()}`);
            expect(sent).toEqual(
              path === 'update-participant' && r.json.error.details?.[0]?.field === 'participantSid'
                ? ['GET Participants'].slice(0, sent.length)
                : [],
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

it('a request parameter cannot smuggle in headers or prototype pollution', async () => {
  const params = JSON.parse(
    `{"__proto__":{"authorization":"${f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN)}","polluted":true},"constructor":{"prototype":{"polluted":true}},"interactionSid":"x"}`,
  ) as Record<string, unknown>;
  const r = await invoke(getChannel, env, { path: '/get-channel', params });
  expect(r.statusCode).toBe(401);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

it('an unexpected failure is logged without secrets and answered as a bare JSON 500', async () => {
  const broken = endpoint(
    {
      endpoint: GET_CHANNEL,
      run: async () => {
        throw new Error(`request failed: Authorization: ${f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN)} token=${f.AGENT_TOKEN}`);
      },
    },
    'function',
  );
  const r = await invoke(broken, env, {
    path: '/get-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid },
    headers: account,
  });
  expect(r.statusCode).toBe(500);
  expect(r.json).toEqual({ error: { code: 'internal_error', message: 'the function failed unexpectedly', status: 500 } });
  expect(captured.join('\n')).toContain('unexpected failure');
  // capture-logs checks after each test that no secret reached a log line.
});
