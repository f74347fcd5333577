/** Load generation and timing: autocannon runs, floods of distinct tokens, single timed requests, peak RSS. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../root';

export const run = promisify(execFile);

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** A process's user + system CPU time so far, in ms, from /proc (Linux; throws elsewhere). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/** One run's figures, and the CPU ms per answered request that process `pid` spent during it (/proc; a 10 ms tick). */
export async function withCpu(pid: number, run: () => Promise<Figures>): Promise<{ figures: Figures; cpuMsPerRequest: number }> {
  const before = cpuMs(pid);
  const figures = await run();
  return { figures, cpuMsPerRequest: (cpuMs(pid) - before) / Math.max(1, figures.requests) };
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  requests: number;
}

/** A request as autocannon sends it. */
export interface Target {
  path: string;
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string };
}

/**
 * Drive `url` with autocannon in its own process (so the load generator does not share an
 * event loop with the fake of Twilio), and read its JSON summary.
 */
export async function load(
  url: string,
  connections: number,
  seconds: number,
  init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  overallRate?: number,
): Promise<Figures> {
  const args = [
    join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
    '--json',
    '-c',
    String(connections),
    '-d',
    String(seconds),
    '-m',
    init.method ?? 'GET',
  ];
  if (overallRate !== undefined) args.push('--overallRate', String(overallRate));
  for (const [name, value] of Object.entries(init.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (init.body !== undefined) args.push('-b', init.body);
  args.push(url);
  const { stdout } = await run(process.execPath, args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  return figures(stdout);
}

/** The figures of an autocannon summary. */
function figures(stdout: string): Figures {
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
 * `amount` requests, `connections` at a time, each a different one of `requests` (at least
 * `amount + connections` of them: sequence.ts says why), driven by autocannon in its own process.
 */
export async function loadEach(
  url: string,
  connections: number,
  amount: number,
  requests: Array<Target['init'] & { path: string }>,
): Promise<Figures> {
  if (requests.length < amount + connections) throw new Error(`loadEach: ${requests.length} requests listed, ${amount + connections} needed`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-sequence-'));
  try {
    const file = join(dir, 'requests.json');
    writeFileSync(file, JSON.stringify({ url, connections, amount, requests: requests.map((r) => ({ method: 'GET', headers: {}, ...r })) }));
    const { stdout } = await run(process.execPath, [join(__dirname, 'sequence.js'), file], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const failures = (JSON.parse(stdout) as { failures: string[] }).failures;
    if (failures.length > 0) process.stderr.write(`loadEach ${url}: not 2xx: ${failures.join(' | ')}\n`);
    return figures(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Send one request per token, `concurrency` at a time; count the answers by status. */
export async function flood(url: string, tokens: string[], concurrency: number): Promise<Map<number, number>> {
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

/** The servers' RSS (kB, from /proc) sampled every 100 ms while `work` runs: the highest seen. */
export async function peakRss(pid: number, work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  const sample = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) peak = Math.max(peak, Number(m[1]));
  };
  const sampler = (async () => {
    while (!done) {
      sample();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await work;
  done = true;
  await sampler;
  sample();
  return peak;
}

/** One request, timed from the moment it is sent to its last byte (ms). */
export function timedRequest(url: string, init: Target['init'] = {}): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = httpRequest(url, { method: init.method ?? 'GET', headers: { ...init.headers, Connection: 'close' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
