/**
 * `npm run bench`: the functions' speed against a baseline, measured in one run.
 *
 * It starts the stateful fake of Twilio on loopback (answering after a modelled Twilio latency,
 * BENCH_TWILIO_LATENCY_MS, default 25 ms) and the real twilio-run server in warm mode
 * (--no-fork-process --no-live, like a warm Functions container) serving our three functions
 * plus three baseline functions that make the identical Twilio calls with no auth, validation or
 * normalization. autocannon drives each at concurrency 1 and 50, in alternating rounds. It then measures the IAM calls
 * per 1,000 requests with one token, the answer time while Twilio answers 429 forever or hangs,
 * and the cold load of each function module against loading the `twilio` helper alone.
 *
 * Prints a Markdown report; `npm run bench -- --write` also writes it to BENCHMARKS.md.
 */
import { execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { DEMO, demoTwilio } from '../sandbox/demo';
import { flexTokenLike } from '../sandbox/fake-twilio';
import { libFunctions, ROOT } from './runtime-shim';
import { freePort, spawnTwilioRun } from '../gateway/twilio-run';

const run = promisify(execFile);
const LATENCY_MS = Number(process.env.BENCH_TWILIO_LATENCY_MS ?? 25);
const SHORT = Number(process.env.BENCH_SECONDS_C1 ?? 5);
const LONG = Number(process.env.BENCH_SECONDS_C50 ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DEADLINE_MS = 8000;

const out: string[] = [];
/** Each target of the issue, with what this run measured. */
const verdicts: Array<{ target: string; measured: string; met: boolean }> = [];
function say(text = ''): void {
  out.push(text);
  process.stdout.write(`${text}\n`);
}

/** A service folder inside the project (so node_modules resolve): our functions plus the baselines. */
function prepareService(): string {
  const service = join(ROOT, 'dist', 'bench-service');
  rmSync(service, { recursive: true, force: true });
  mkdirSync(join(service, 'functions'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'functions'), join(service, 'functions'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'bench', 'functions'), join(service, 'functions'), { recursive: true });
  return service;
}

async function startServer(service: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  // Straight to twilio-run, without the gateway: both sides of every comparison are served
  // alike, and the gateway would only add its own constant cost to each.
  const child = spawnTwilioRun({
    port,
    settings: env,
    functionsFolder: relative(ROOT, join(service, 'functions')),
    assetsFolder: 'assets',
    logs: false,
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return { url, child };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error('twilio-run did not start');
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

/**
 * Drive `url` with autocannon in its own process (so the load generator does not share an
 * event loop with the fake of Twilio), and read its JSON summary.
 */
async function load(url: string, connections: number, seconds: number, init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<Figures> {
  const args = [join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'), '--json', '-c', String(connections), '-d', String(seconds), '-m', init.method ?? 'GET'];
  for (const [name, value] of Object.entries(init.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (init.body !== undefined) args.push('-b', init.body);
  args.push(url);
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/**
 * Give the server a core of its own (core 0) and keep the load generator and the fake of Twilio
 * on the other, as a deployed container has its own CPU and Twilio runs elsewhere. Without this,
 * on two cores the three processes compete and the comparison measures the scheduler.
 */
function pinCores(serverPid: number): boolean {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '1', String(serverPid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '2', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

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

const fmt = (n: number, digits = 1) => n.toFixed(digits);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Medians of the rounds' figures; errors are added up. */
function summarize(runs: Figures[]): Figures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
  };
}

/** Send one request per token, `concurrency` at a time; count the answers by status. */
async function flood(url: string, tokens: string[], concurrency: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tokens.length) {
        const token = tokens[next++]!;
        const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
        await r.arrayBuffer();
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}

const describeStatuses = (statuses: Map<number, number>) => [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${n} × ${status}`).join(', ');

/**
 * What unauthenticated traffic costs the account at IAM: junk strings, junk shaped like Flex
 * tokens, and whether a valid agent's cached validation survives a flood of unknown tokens.
 */
async function iamUnderFlood(url: string, fake: ReturnType<typeof demoTwilio>, path: string): Promise<void> {
  const agent = flexTokenLike('bench-flood-agent');
  fake.addToken(agent, { identity: 'flood-agent', roles: ['agent'], workerSid: DEMO.agentWorkerSid });
  const first = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${agent}` } });
  if (first.status !== 200) throw new Error(`the flood's agent answered ${first.status}`);
  say();
  say('IAM under a flood of unknown tokens (concurrency 50, distinct tokens, none valid):');

  fake.clearRequests();
  const junk = await flood(`${url}${path}`, Array.from({ length: 1000 }, (_, i) => `junk-token-${i}-${'x'.repeat(40)}`), 50);
  const junkCalls = fake.iamRequests().length;
  say(`- 1,000 strings that cannot be Flex tokens: ${junkCalls} IAM calls per 1,000 (answers: ${describeStatuses(junk)}).`);
  verdicts.push({ target: 'junk that is not a Flex token: 0 IAM calls', measured: `${junkCalls} per 1,000`, met: junkCalls === 0 });

  fake.clearRequests();
  const shaped = await flood(`${url}${path}`, Array.from({ length: 1000 }, (_, i) => flexTokenLike(`flood-${i}`)), 50);
  const shapedCalls = fake.iamRequests().length;
  say(`- 1,000 unknown tokens shaped like Flex tokens (JWE): ${shapedCalls} IAM calls per 1,000 (answers: ${describeStatuses(shaped)}; 429s are the IAM_MAX_CONCURRENT cap at work).`);

  fake.clearRequests();
  const big = await flood(`${url}${path}`, Array.from({ length: 5000 }, (_, i) => flexTokenLike(`flood-big-${i}`)), 50);
  const before = fake.iamRequests().length;
  const after = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${agent}` } });
  await after.arrayBuffer();
  const agentCalls = fake.iamRequests().length - before;
  say(`- then 5,000 more (answers: ${describeStatuses(big)}; ${before} IAM calls), and the valid agent again: ${after.status}, with ${agentCalls} IAM call${agentCalls === 1 ? '' : 's'} (its validation stayed cached).`);
  verdicts.push({ target: "a valid agent's cached validation survives 5,000 unknown tokens", measured: `${after.status}, ${agentCalls} IAM calls`, met: after.status === 200 && agentCalls === 0 });
}

async function main(): Promise<void> {
  const fake = demoTwilio();
  fake.latencyMs = LATENCY_MS;
  const twilioUrl = await fake.start();
  const service = prepareService();
  const { url, child } = await startServer(service, {
    ACCOUNT_SID: DEMO.accountSid,
    AUTH_TOKEN: DEMO.authToken,
    TWILIO_API_BASE_URL: twilioUrl,
    TWILIO_IAM_BASE_URL: twilioUrl,
    REQUEST_DEADLINE_MS: String(DEADLINE_MS),
  });
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  };
  process.on('exit', stop);
  const pinned = pinCores(child.pid!);

  const [first, second] = DEMO.interactions;
  const kd = first.interactionSid;
  const uo = first.channels[0].sid;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const json = { 'Content-Type': 'application/json' };
  const closeBody = JSON.stringify({ interactionSid: second.interactionSid, channelSid: second.channels[1].sid, status: 'inactive', routing: { status: 'closed' } });

  const cases = [
    {
      name: 'get-channel',
      ours: { path: `/get-channel?interactionSid=${kd}&channelSid=${uo}`, init: { headers: bearer(DEMO.agentToken) } },
      base: { path: `/baseline-get-channel?interactionSid=${kd}&channelSid=${uo}`, init: {} },
    },
    {
      name: 'list-channels',
      ours: { path: `/list-channels?interactionSid=${second.interactionSid}`, init: { headers: bearer(DEMO.agentToken) } },
      base: { path: `/baseline-list-channels?interactionSid=${second.interactionSid}`, init: {} },
    },
    {
      name: 'close-channel (supervisor)',
      ours: { path: '/close-channel', init: { method: 'POST' as const, headers: { ...json, ...bearer(DEMO.supervisorToken) }, body: closeBody } },
      base: { path: '/baseline-close-channel', init: { method: 'POST' as const, headers: json, body: closeBody } },
    },
  ];

  say(`# Benchmarks`);
  say();
  say(`Command: \`npm run bench\` · date: ${new Date().toISOString().slice(0, 10)} · machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  say();
  say(`Twilio is the loopback fake answering after ${LATENCY_MS} ms (a modelled Twilio latency); twilio-run runs warm (\`--no-fork-process --no-live\`).`);
  say(
    pinned
      ? 'The server has core 0 to itself (taskset); autocannon and the fake of Twilio share core 1.'
      : 'Cores not pinned (taskset unavailable): the server, autocannon and the fake of Twilio share the machine.',
  );
  say(`Baseline = the same Twilio call through the same helper and transport, with no auth, validation or normalization.`);
  say(`Each row: ${ROUNDS} alternating runs per side (${SHORT} s each at concurrency 1, ${LONG} s at 50), medians compared; errors = errors + timeouts + non-2xx over all runs.`);
  say();
  say('| function | conc. | ours req/s | ours p50 ms | ours p99 ms | ours errors | base req/s | base p50 ms | base p99 ms | base errors | p50 ratio | p99 ratio |');
  say('|---|---|---|---|---|---|---|---|---|---|---|---|');

  // Check every case answers 200, then warm both sides up (module load, client, token cache).
  for (const c of cases) {
    for (const side of [c.ours, c.base]) {
      const r = await fetch(`${url}${side.path}`, side.init);
      if (r.status !== 200) throw new Error(`${side.path} answered ${r.status}: ${await r.text()}`);
    }
    await load(`${url}${c.ours.path}`, 1, 1, c.ours.init);
    await load(`${url}${c.base.path}`, 1, 1, c.base.init);
  }
  // Each side runs ROUNDS times, alternating which goes first, and the medians are compared:
  // on a 2-core machine at concurrency 50 one run against another varies by more than the
  // overhead being measured.
  for (const connections of [1, 50]) {
    for (const c of cases) {
      const seconds = connections === 1 ? SHORT : LONG;
      const ours: Figures[] = [];
      const base: Figures[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? ([['base', c.base], ['ours', c.ours]] as const) : ([['ours', c.ours], ['base', c.base]] as const);
        for (const [side, target] of order) {
          const figures = await load(`${url}${target.path}`, connections, seconds, target.init);
          (side === 'ours' ? ours : base).push(figures);
        }
      }
      const o = summarize(ours);
      const b = summarize(base);
      say(
        `| ${c.name} | ${connections} | ${fmt(o.rps, 0)} | ${fmt(o.p50)} | ${fmt(o.p99)} | ${o.errors} | ${fmt(b.rps, 0)} | ${fmt(b.p50)} | ${fmt(b.p99)} | ${b.errors} | ${fmt(o.p50 / b.p50, 2)} | ${fmt(o.p99 / b.p99, 2)} |`,
      );
      verdicts.push({ target: `${c.name}, c=${connections}: p50 ≤ 1.10 × baseline`, measured: fmt(o.p50 / b.p50, 2), met: o.p50 / b.p50 <= 1.1 });
      verdicts.push({ target: `${c.name}, c=${connections}: p99 ≤ 1.25 × baseline`, measured: fmt(o.p99 / b.p99, 2), met: o.p99 / b.p99 <= 1.25 });
      if (connections === 50) verdicts.push({ target: `${c.name}, c=50 for ${LONG} s: 0 errors`, measured: String(o.errors), met: o.errors === 0 });
    }
  }

  // An agent closing their own channel costs one more Twilio call (the participants lookup).
  const agentClose = await load(`${url}/close-channel`, 1, SHORT, {
    method: 'POST',
    headers: { ...json, ...bearer(DEMO.agentToken) },
    body: JSON.stringify({ interactionSid: kd, channelSid: uo, status: 'inactive', routing: { status: 'closed' } }),
  });
  say();
  say(`close-channel as an agent (participant check, two Twilio calls), concurrency 1: ${fmt(agentClose.rps, 0)} req/s, p50 ${fmt(agentClose.p50)} ms, p99 ${fmt(agentClose.p99)} ms, ${agentClose.errors} errors.`);

  // IAM calls per 1,000 requests with one token.
  const token = flexTokenLike('bench-fresh');
  fake.addToken(token, { identity: 'bench', roles: ['agent'], workerSid: DEMO.agentWorkerSid });
  fake.clearRequests();
  const oneToken = await load(`${url}/get-channel?interactionSid=${kd}&channelSid=${uo}`, 10, 5, { headers: bearer(token) });
  const iamCalls = fake.iamRequests().length;
  say();
  say(`IAM validations with one token: ${iamCalls} for ${oneToken.requests} requests = ${fmt((iamCalls * 1000) / Math.max(1, oneToken.requests), 3)} per 1,000 requests.`);
  verdicts.push({ target: '≤ 1 IAM validation per token per cache lifetime', measured: `${iamCalls} in ${oneToken.requests} requests`, met: iamCalls <= 1 });

  await iamUnderFlood(url, fake, `/get-channel?interactionSid=${kd}&channelSid=${uo}`);

  // Twilio answering 429 forever, then hanging: every answer within the deadline + 0.5 s.
  for (const [label, fault] of [
    ['429 forever (Retry-After: 1)', { kind: 'status', status: 429, retryAfter: '1' }],
    ['429 forever (no Retry-After)', { kind: 'status', status: 429 }],
    ['hanging', { kind: 'delay', ms: 60_000 }],
  ] as const) {
    fake.clearFaults();
    fake.inject(fault, (q) => q.path.startsWith('/v1/Interactions'), 1_000_000);
    const started = Date.now();
    const times = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const t0 = Date.now();
        const r = await fetch(`${url}/get-channel?interactionSid=${kd}&channelSid=${uo}`, { headers: bearer(DEMO.agentToken) });
        await r.text();
        return { ms: Date.now() - t0, status: r.status };
      }),
    );
    const worst = Math.max(...times.map((t) => t.ms));
    const statuses = [...new Set(times.map((t) => t.status))].join(',');
    say(`Twilio ${label}: 10 concurrent requests answered ${statuses}, slowest ${worst} ms (deadline ${DEADLINE_MS} ms + 500 = ${DEADLINE_MS + 500}) in ${Date.now() - started} ms total.`);
    verdicts.push({ target: `Twilio ${label}: answered within the deadline + 0.5 s`, measured: `${worst} ms`, met: worst <= DEADLINE_MS + 500 });
  }
  fake.clearFaults();
  stop();
  await fake.stop();

  // Cold load: each compiled function module (with its library) vs the twilio helper alone.
  const timer = (body: string) => `const t=process.hrtime.bigint();${body};process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const twilioAlone = coldLoad(timer(`require('twilio')`));
  say();
  say('| cold load (median of 11 fresh processes) | ms | ratio to `twilio` alone |');
  say('|---|---|---|');
  say(`| \`require('twilio')\` | ${fmt(twilioAlone)} | 1.00 |`);
  for (const fn of ['get-channel', 'list-channels', 'close-channel']) {
    const ms = coldLoad(runtimeShim() + timer(`require(${JSON.stringify(join(ROOT, 'dist', 'functions', `${fn}.js`))})`));
    say(`| \`${fn}.js\` with its library | ${fmt(ms)} | ${fmt(ms / twilioAlone, 2)} |`);
    verdicts.push({ target: `cold load of ${fn}.js ≤ 1.2 × twilio alone`, measured: fmt(ms / twilioAlone, 2), met: ms / twilioAlone <= 1.2 });
  }
  const firstCall = coldLoad(
    runtimeShim() +
      timer(
        `require(${JSON.stringify(join(ROOT, 'dist', 'functions', 'get-channel.js'))});require(${JSON.stringify(join(ROOT, 'dist', 'functions', 'lib', 'twilio.private.js'))}).twilioClient({accountSid:'${DEMO.accountSid}',authToken:'${DEMO.authToken}',twilioCallTimeoutMs:5000,requestDeadlineMs:8000})`,
      ),
  );
  say(`| \`get-channel.js\` + building the Twilio client (what a cold first request pays) | ${fmt(firstCall)} | ${fmt(firstCall / twilioAlone, 2)} |`);

  say();
  say('## Targets');
  say();
  say('| target | this run | met |');
  say('|---|---|---|');
  for (const v of verdicts) say(`| ${v.target} | ${v.measured} | ${v.met ? 'yes' : '**no**'} |`);
  say();
  say(`${verdicts.filter((v) => v.met).length} of ${verdicts.length} targets met in this run.`);

  if (process.argv.includes('--write')) {
    // The generated figures, then the standing notes on how to read them.
    const reading = readFileSync(join(ROOT, 'bench', 'reading.md'), 'utf8');
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${out.join('\n')}\n\n${reading}`);
  }
  rmSync(service, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
