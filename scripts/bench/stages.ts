/**
 * What each stage of a warm get-channel request costs on its own: the endpoint's steps (src/edge
 * endpoint.ts, in its order) called in a loop in this process, warm, with a cached agent token,
 * each timed over many calls. The sum is our own work for one request as a tight loop sees it;
 * set against the CPU per request the server spends (the `cpu` part), it says how much of the
 * difference to the baseline is in any one check and how much is the whole path run once per
 * request inside a busy server, between Express, Node's HTTP and the `twilio` helper.
 */
import { join } from 'node:path';
import { DEMO } from '../../sandbox/demo';
import type { Bench } from './context';
import { fmt, say } from './report';
import { ROOT } from '../root';
import * as http from '../../src/edge/http';
import * as configs from '../../src/config';
import * as auth from '../../src/credentials/auth';
import * as params from '../../src/contract/params';
import * as api from '../../src/contract/api';
import * as deadlines from '../../src/twilio/deadline';
import * as twilio from '../../src/twilio/client';
import * as policy from '../../src/credentials/policy';
import * as channels from '../../src/adapters/channels';

const CALLS = 100_000;

function timed(fn: () => unknown): number {
  for (let i = 0; i < CALLS / 10; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e3 / CALLS;
}

async function timedAsync(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < CALLS / 10; i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < CALLS; i++) await fn();
  return Number(process.hrtime.bigint() - start) / 1e3 / CALLS;
}

export async function stages(b: Bench): Promise<void> {
  // What the Runtime gives every function: Twilio.Response (the toolkit's own class).
  const runtime = globalThis as { Twilio?: unknown };
  const hadTwilio = runtime.Twilio;
  const response = join(ROOT, 'node_modules', '@twilio', 'runtime-handler', 'dist', 'dev-runtime', 'internal', 'response.js');
  runtime.Twilio = { Response: (require(response) as { Response: unknown }).Response };
  try {
    const context = { ...b.settings, DOMAIN_NAME: '127.0.0.1', PATH: '/get-channel' } as never;
    const rawHeaders = { host: '127.0.0.1', connection: 'keep-alive', authorization: `Bearer ${DEMO.agentToken}`, accept: '*/*' };
    const event = { interactionSid: b.kd, channelSid: b.uo, request: { headers: rawHeaders, cookies: {} } };
    const config = configs.loadConfig(context);
    const headers = http.readHeaders(event);
    const raw = http.readParams(event);
    const req = { headers, params: raw, path: '/get-channel', method: 'GET' as const };
    const deadline = new deadlines.Deadline(config.requestDeadlineMs);
    const caller = await auth.authenticate(req, config, deadline); // one IAM call: the token is cached from here on
    const shared = twilio.twilioClient(config);
    const instance = await shared.flexApi.v1.interaction(b.kd).channels(b.uo).fetch();
    const answer = { channel: channels.normalizeChannel(instance) };

    const rows: Array<[string, number]> = [
      ['settings (loadConfig, unchanged)', timed(() => configs.loadConfig(context))],
      [
        'headers, method, CORS headers',
        timed(() =>
          http.corsHeaders(http.readHeaders(event).origin, config.allowedOrigins, http.requestMethod(headers) === 'GET' ? ['GET'] : ['POST']),
        ),
      ],
      ['the Runtime’s request object checked', timed(() => http.assertRuntimeRequest(event))],
      ['parameters read, size and depth bounded', timed(() => params.assertBounds(http.readParams(event), api.GET_CHANNEL.maxParamsBytes))],
      ['a credential present?', timed(() => auth.presentsCredentials(req, config))],
      ['parameters parsed (zod)', timed(() => params.parseParams(api.GET_CHANNEL.params, raw))],
      [
        'the Flex token: SHA-256, cache hit (awaited)',
        await timedAsync(() => auth.authenticate(req, config, new deadlines.Deadline(config.requestDeadlineMs))),
      ],
      ['role (READ_ROLES)', timed(() => policy.authorizeCaller(caller, config))],
      [
        'the request’s client view, less the shared client’s own chain (the deadline)',
        timed(() => twilio.requestClient(config, deadline).flexApi.v1.interaction(b.kd).channels(b.uo)) -
          timed(() => shared.flexApi.v1.interaction(b.kd).channels(b.uo)),
      ],
      ['Twilio’s channel checked and normalized (zod)', timed(() => channels.normalizeChannel(instance))],
      ['the JSON response with its headers', timed(() => http.jsonResponse(200, answer, { Vary: 'Origin' }))],
    ];
    say();
    say(
      `Our own work in one warm get-channel request, stage by stage (each called ${CALLS.toLocaleString('en')} times in a loop, warm, in one process), µs:`,
    );
    say();
    say('| stage | µs |');
    say('|---|---|');
    for (const [name, us] of rows) say(`| ${name} | ${fmt(us, 2)} |`);
    say(
      `| **sum** | ${fmt(
        rows.reduce((sum, [, us]) => sum + us, 0),
        1,
      )} |`,
    );
  } finally {
    runtime.Twilio = hadTwilio;
  }
}
