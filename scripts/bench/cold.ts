/**
 * Where a function is new, ours against the usual way: a cold first request (twilio-run forking
 * one process per request), a fresh process's load + client + first call, the RSS of a fresh warm
 * server under 800 req/s (rounds alternate which side goes first); and each function file's cold
 * load against the `twilio` helper alone.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEMO } from '../../sandbox/demo';
import { KNOBS, type Bench } from './context';
import { load, peakRss, run, timedRequest } from './load';
import { fmt, median, say, verdict } from './report';
import { libFunctions, pinCores, startServer, USUAL_PRELOAD } from './servers';
import { ROOT } from '../root';

/** Median of `runs` fresh node processes timing `code`'s require (ms). */
function coldLoad(code: string, runs = 11): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = execFileSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
    times.push(Number(ms.trim()));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

function runtimeShim(): string {
  return `globalThis.Runtime={getFunctions:()=>(${JSON.stringify(libFunctions())})};`;
}

/**
 * A fresh Node process that does what the Runtime does before a function runs (loads the
 * `twilio` helper and makes the `Twilio` and `Runtime` globals, as @twilio/runtime-handler's
 * constructGlobalScope does), then times: loading the function file, and its handler answering
 * one request (IAM check, client, the Twilio call). Prints ms.
 */
function freshProcessScript(file: string, settings: Record<string, string>, event: Record<string, unknown>): string {
  return `
const twilio = require('twilio');
const { Response } = require(${JSON.stringify(join(ROOT, 'node_modules', '@twilio', 'runtime-handler', 'dist', 'dev-runtime', 'internal', 'response.js'))});
globalThis.Twilio = { ...twilio, Response };
globalThis.Runtime = { getFunctions: () => (${JSON.stringify(libFunctions())}) };
const settings = ${JSON.stringify(settings)};
const t0 = process.hrtime.bigint();
const { handler } = require(${JSON.stringify(file)});
const context = { ...settings, DOMAIN_NAME: '127.0.0.1', PATH: '/', getTwilioClient: () => twilio(settings.ACCOUNT_SID, settings.AUTH_TOKEN, { lazyLoading: true }) };
handler(context, ${JSON.stringify(event)}, (err, response) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const status = response && (response.statusCode ?? response._statusCode ?? 200);
  process.stdout.write(JSON.stringify({ ms, status, err: err ? String(err) : undefined }));
  process.exit(0);
});`;
}

async function freshProcess(script: string, env: Record<string, string>, preload: string[] = []): Promise<number> {
  const args = preload.flatMap((file) => ['--require', file]);
  const { stdout } = await run(process.execPath, [...args, '-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  const result = JSON.parse(stdout) as { ms: number; status: number; err?: string };
  if (result.err !== undefined || (result.status !== 200 && result.status !== undefined))
    throw new Error(`fresh process answered ${result.status}: ${result.err ?? ''}`);
  return result.ms;
}

export async function coldAndMemory(b: Bench): Promise<void> {
  const oursPath = `/get-channel?interactionSid=${b.kd}&channelSid=${b.uo}`;
  const usualPath = `/usual-get-channel?interactionSid=${b.kd}&channelSid=${b.uo}&Token=${b.token}`;
  const headers = { Authorization: `Bearer ${DEMO.agentToken}` };
  say();
  say(`Where a function is new (get-channel; Twilio ${b.fake.latencyMs} ms; medians, sides alternating):`);
  say();
  say('| measure | ours | usual | ours / usual |');
  say('|---|---|---|---|');

  // 1. Cold first request: twilio-run's default mode forks a process for every request.
  const oursCold = await startServer(b.services.ours, b.settings, { cold: true });
  const usualCold = await startServer(b.services.usual, b.usualSettings, { cold: true, preload: [USUAL_PRELOAD] });
  pinCores(oursCold.child.pid!, usualCold.child.pid!);
  const cold: Record<'ours' | 'usual', number[]> = { ours: [], usual: [] };
  for (let i = 0; i < 11; i++) {
    for (const side of i % 2 === 0 ? (['ours', 'usual'] as const) : (['usual', 'ours'] as const)) {
      const r = side === 'ours' ? await timedRequest(`${oursCold.url}${oursPath}`, { headers }) : await timedRequest(`${usualCold.url}${usualPath}`);
      if (r.status !== 200) throw new Error(`cold ${side} answered ${r.status}`);
      cold[side].push(r.ms);
    }
  }
  oursCold.stop();
  usualCold.stop();
  const coldRatio = median(cold.ours) / median(cold.usual);
  say(
    `| cold first request (one process per request), ms, 11 each | ${fmt(median(cold.ours))} | ${fmt(median(cold.usual))} | ${fmt(coldRatio, 2)} |`,
  );
  verdict('cold first request ≤ 1.0 × usual', fmt(coldRatio, 2), coldRatio <= 1.0);

  // 2. A fresh Node process: load the function, build the client, answer the first call.
  const event = { interactionSid: b.kd, channelSid: b.uo, Token: DEMO.agentToken, request: { headers: {}, cookies: {} } };
  const oursScript = freshProcessScript(join(ROOT, 'dist', 'functions', 'get-channel.js'), b.settings, event);
  const usualScript = freshProcessScript(join(ROOT, 'bench', 'usual', 'functions', 'usual-get-channel.js'), b.usualSettings, event);
  const fresh: Record<'ours' | 'usual', number[]> = { ours: [], usual: [] };
  for (let i = 0; i < 11; i++) {
    for (const side of i % 2 === 0 ? (['ours', 'usual'] as const) : (['usual', 'ours'] as const)) {
      fresh[side].push(
        side === 'ours' ? await freshProcess(oursScript, b.settings) : await freshProcess(usualScript, b.usualSettings, [USUAL_PRELOAD]),
      );
    }
  }
  const freshRatio = median(fresh.ours) / median(fresh.usual);
  say(
    `| fresh process: load + client + first call (helper preloaded, as the Runtime does), ms, 11 each | ${fmt(median(fresh.ours))} | ${fmt(median(fresh.usual))} | ${fmt(freshRatio, 2)} |`,
  );
  verdict('fresh process: load + client + first call ≤ 1.0 × usual', fmt(freshRatio, 2), freshRatio <= 1.0);

  // 3. RSS of a fresh warm server driven at 800 req/s by 50 connections for KNOBS.long seconds.
  const rss: Record<'ours' | 'usual', number[]> = { ours: [], usual: [] };
  const achieved: Record<'ours' | 'usual', number[]> = { ours: [], usual: [] };
  for (let round = 0; round < KNOBS.rounds; round++) {
    for (const side of round % 2 === 0 ? (['ours', 'usual'] as const) : (['usual', 'ours'] as const)) {
      const s =
        side === 'ours'
          ? await startServer(b.services.ours, b.settings)
          : await startServer(b.services.usual, b.usualSettings, { preload: [USUAL_PRELOAD] });
      pinCores(s.child.pid!);
      const target = `${s.url}${side === 'ours' ? oursPath : usualPath}`;
      const init = side === 'ours' ? { headers } : {};
      await load(target, 1, 1, init);
      const figures = load(target, 50, KNOBS.long, init, 800);
      const kb = await peakRss(s.child.pid!, figures);
      const f = await figures;
      if (f.errors > 0) throw new Error(`${side} had ${f.errors} errors at 800 req/s`);
      rss[side].push(kb / 1024);
      achieved[side].push(f.rps);
      s.stop();
    }
  }
  const rssRatio = median(rss.ours) / median(rss.usual);
  say(
    `| peak RSS of a fresh warm server at 800 req/s, c=50, ${KNOBS.long} s, MiB (achieved: ${fmt(median(achieved.ours), 0)} and ${fmt(median(achieved.usual), 0)} req/s) | ${fmt(median(rss.ours))} | ${fmt(median(rss.usual))} | ${fmt(rssRatio, 2)} |`,
  );
  verdict('RSS at 800 req/s, c=50 ≤ 1.1 × usual', fmt(rssRatio, 2), rssRatio <= 1.1);
}

/** Each compiled function module (with its library) against the twilio helper alone. */
export function moduleLoads(): void {
  const timer = (body: string) => `const t=process.hrtime.bigint();${body};process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const twilioAlone = coldLoad(timer(`require('twilio')`));
  say();
  say('| cold load (median of 11 fresh processes) | ms | ratio to `twilio` alone |');
  say('|---|---|---|');
  say(`| \`require('twilio')\` | ${fmt(twilioAlone)} | 1.00 |`);
  for (const fn of ['get-channel', 'list-channels', 'close-channel']) {
    const ms = coldLoad(runtimeShim() + timer(`require(${JSON.stringify(join(ROOT, 'dist', 'functions', `${fn}.js`))})`));
    say(`| \`${fn}.js\` with its library | ${fmt(ms)} | ${fmt(ms / twilioAlone, 2)} |`);
    verdict(`cold load of ${fn}.js ≤ 1.2 × twilio alone`, fmt(ms / twilioAlone, 2), ms / twilioAlone <= 1.2);
  }
}
