/**
 * CPU per warm request, ours against the baseline, read from the kernel (/proc/<pid>/stat: the
 * server's user + system time) instead of a profiler, which slows the side that runs more
 * JavaScript more: both functions are served by one warm server, driven at concurrency 50 in
 * short alternating rounds (so a slow drift of the machine falls on both), and each round's CPU
 * time is divided by the requests it answered. The control row drives the baseline against
 * itself the same way: its spread is what this method can resolve on this machine.
 */
import { readFileSync } from 'node:fs';
import type { Bench } from './context';
import { load, type Target } from './load';
import { warmCases } from './warm';
import { fmt, median, say } from './report';
import { pinCores, startServer } from './servers';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 20);
const SECONDS = 1;

/** The process's user + system CPU time so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/** Per-round CPU µs per request of two targets, alternating which goes first. */
async function paired(pid: number, url: string, a: Target, b: Target): Promise<{ a: number[]; b: number[]; errors: number }> {
  const result = { a: [] as number[], b: [] as number[], errors: 0 };
  for (const t of [a, b]) await load(`${url}${t.path}`, 50, 2, t.init);
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      const target = side === 'a' ? a : b;
      const before = cpuMs(pid);
      const f = await load(`${url}${target.path}`, 50, SECONDS, target.init);
      result[side].push(((cpuMs(pid) - before) * 1000) / Math.max(1, f.requests));
      result.errors += f.errors;
    }
  }
  return result;
}

const spread = (ratios: number[]) => {
  const sorted = [...ratios].sort((x, y) => x - y);
  return `${fmt(sorted[Math.floor(sorted.length / 4)]!, 2)}–${fmt(sorted[Math.floor((sorted.length * 3) / 4)]!, 2)}`;
};

export async function cpuPerRequest(b: Bench): Promise<void> {
  try {
    cpuMs(process.pid);
  } catch {
    say();
    say('CPU per request from /proc: skipped (no /proc on this machine).');
    return;
  }
  const server = await startServer(b.services.both, b.settings);
  try {
    pinCores(server.child.pid!);
    const pid = server.child.pid!;
    say();
    say(
      `CPU per warm request at concurrency 50, from /proc (Twilio ${b.fake.latencyMs} ms; one server serving both sides; ${ROUNDS} alternating rounds of ${SECONDS} s per side; medians, and the middle half of the per-round ratios):`,
    );
    say();
    say('| function | ours µs | base µs | ours − base µs | ours / base | per-round ratios (middle half) | errors |');
    say('|---|---|---|---|---|---|---|');
    const cases = warmCases(b).filter((w) => w.name.startsWith('get-channel') || w.name.startsWith('close-channel'));
    const rows: Array<{ name: string; a: Target; b: Target }> = [
      ...cases.map((c) => ({ name: c.name, a: c.ours, b: c.base })),
      { name: 'control: baseline get-channel against itself', a: cases[0]!.base, b: cases[0]!.base },
    ];
    for (const row of rows) {
      const r = await paired(pid, server.url, row.a, row.b);
      const [ours, base] = [median(r.a), median(r.b)];
      const ratios = r.a.map((x, i) => x / r.b[i]!);
      say(`| ${row.name} | ${fmt(ours, 0)} | ${fmt(base, 0)} | ${fmt(ours - base, 0)} | ${fmt(ours / base, 2)} | ${spread(ratios)} | ${r.errors} |`);
    }
  } finally {
    server.stop();
  }
}
