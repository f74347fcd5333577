/**
 * CPU per warm request, ours against the baseline, read from the kernel (/proc/<pid>/stat: the
 * server's user + system time) instead of a profiler, which slows the side that runs more
 * JavaScript more: both functions are served by one warm server, driven at concurrency 50 in
 * short alternating rounds (so a slow drift of the machine falls on both), and each round's CPU
 * time is divided by the requests it answered. The control row drives the baseline against
 * itself the same way: its spread is what this method can resolve on this machine. Each round's
 * p50 latency is kept too: paired round by round, it is the c=50 comparison of the warm table
 * with the drift of the machine taken out of it.
 */
import type { Bench } from './context';
import { cpuMs, load, withCpu, type Target } from './load';
import { warmCases } from './warm';
import { fmt, median, middleHalf, say } from './report';
import { pinCores, startServer } from './servers';

const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 20);
const SECONDS = 1;

type Rounds = { cpu: number[]; p50: number[] };

/** Per-round CPU µs per request, and p50 ms, of two targets, alternating which goes first. */
async function paired(pid: number, url: string, a: Target, b: Target): Promise<{ a: Rounds; b: Rounds; errors: number }> {
  const result = { a: { cpu: [], p50: [] } as Rounds, b: { cpu: [], p50: [] } as Rounds, errors: 0 };
  for (const t of [a, b]) await load(`${url}${t.path}`, 50, 2, t.init);
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      const target = side === 'a' ? a : b;
      const { figures, cpuMsPerRequest } = await withCpu(pid, () => load(`${url}${target.path}`, 50, SECONDS, target.init));
      result[side].cpu.push(cpuMsPerRequest * 1000);
      result[side].p50.push(figures.p50);
      result.errors += figures.errors;
    }
  }
  return result;
}

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
    say(
      '| function | ours µs | base µs | ours − base µs | ours / base | per-round ratios (middle half) | p50 ms (ours, base) | p50 ours / base (median of rounds) | p50 per-round ratios (middle half) | errors |',
    );
    say('|---|---|---|---|---|---|---|---|---|---|');
    const cases = warmCases(b).filter((w) => w.name.startsWith('get-channel') || w.name.startsWith('close-channel'));
    const rows: Array<{ name: string; a: Target; b: Target }> = [
      ...cases.map((c) => ({ name: c.name, a: c.ours, b: c.base })),
      { name: 'control: baseline get-channel against itself', a: cases[0]!.base, b: cases[0]!.base },
    ];
    for (const row of rows) {
      const r = await paired(pid, server.url, row.a, row.b);
      const [ours, base] = [median(r.a.cpu), median(r.b.cpu)];
      const ratios = r.a.cpu.map((x, i) => x / r.b.cpu[i]!);
      const p50Ratios = r.a.p50.map((x, i) => x / r.b.p50[i]!);
      say(
        `| ${row.name} | ${fmt(ours, 0)} | ${fmt(base, 0)} | ${fmt(ours - base, 0)} | ${fmt(ours / base, 2)} | ${middleHalf(ratios)} | ${fmt(median(r.a.p50))}, ${fmt(median(r.b.p50))} | ${fmt(median(p50Ratios), 2)} | ${middleHalf(p50Ratios)} | ${r.errors} |`,
      );
    }
  } finally {
    server.stop();
  }
}
