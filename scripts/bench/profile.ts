/**
 * Where a warm request's CPU goes, ours against the baseline: each side's server is driven at
 * concurrency 50 (where its core is saturated, so the p50 ratio is the ratio of CPU per request)
 * while V8's CPU profiler samples it (bench/cpu-profile-preload.js), and the samples are added up
 * by whose code ran: our library bundle, the baseline function, the `twilio` helper, the Runtime
 * and its web server (twilio-run, express), Node's own, and the garbage collector.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { KNOBS, type Bench } from './context';
import { load, type Target } from './load';
import { warmCases } from './warm';
import { fmt, say } from './report';
import { pinCores, startServer } from './servers';
import { ROOT } from '../root';
import { inclusiveByFunction, type CpuProfile } from './profile-functions';

const CATEGORIES = [
  'ours (library bundle)',
  'baseline function',
  'twilio helper',
  'runtime (twilio-run, express, …)',
  'node',
  'garbage collector',
  'other',
] as const;
type Category = (typeof CATEGORIES)[number];

function categoryOf(frame: { functionName: string; url: string }): Category | 'idle' {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (url.includes('library.private.js')) return 'ours (library bundle)';
  if (url.includes('baseline')) return 'baseline function';
  if (url.includes('node_modules/twilio/')) return 'twilio helper';
  if (url.includes('node_modules/')) return 'runtime (twilio-run, express, …)';
  if (url.startsWith('node:') || functionName === '(program)' || url === '') return 'node';
  return 'other';
}

/** CPU ms per request by category, from a profile taken over `requests` requests. */
function perRequest(profile: CpuProfile, requests: number): Record<Category, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, categoryOf(n.callFrame)]));
  const totals = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  profile.samples.forEach((id, i) => {
    const category = byId.get(id) ?? 'other';
    if (category !== 'idle') totals[category] += (profile.timeDeltas[i] ?? 0) / 1000;
  });
  for (const c of CATEGORIES) totals[c] /= Math.max(1, requests);
  return totals;
}

/** Where to keep each profile (to open in Chrome DevTools); unset, they are deleted once read. */
const KEEP_DIR = process.env.BENCH_PROFILE_DIR;

type Profiled = { cpu: Record<Category, number>; rps: number; functions: Map<string, number> };

/** The files whose functions the step table shows: our bundle, or the baseline's (its own copy of the transport). */
const ownCode = (url: string) => url.includes('library.private.js') || url.includes('baseline');

/** The steps of our library that took most of a request, beside the baseline's function of the same name (its transport). */
function stepTable(name: string, ours: Profiled, base: Profiled): void {
  say();
  say(
    `Where that ${name} request's time goes in our code (the same profiles; µs per request, inclusive: a function with what it called synchronously, helper and Node included; the transport is the same code on both sides, so its two figures show how far the two runs differ by themselves):`,
  );
  say();
  say('| function | ours | base |');
  say('|---|---|---|');
  // Anonymous functions are left out: under one name they would add up unrelated closures.
  const top = [...ours.functions]
    .filter(([fn]) => fn !== '(anonymous)')
    .sort((x, y) => y[1] - x[1])
    .slice(0, 14);
  for (const [fn, us] of top) say(`| ${fn} | ${fmt(us, 1)} | ${base.functions.has(fn) ? fmt(base.functions.get(fn)!, 1) : ''} |`);
}

async function profiled(b: Bench, name: string, path: string, init: Target['init']): Promise<Profiled> {
  const file = KEEP_DIR !== undefined ? join(KEEP_DIR, `${name}.cpuprofile`) : join(tmpdir(), `fic-bench-${process.pid}-${Date.now()}.cpuprofile`);
  const server = await startServer(
    b.services.both,
    { ...b.settings, BENCH_CPU_PROFILE: file },
    { preload: [join(ROOT, 'bench', 'cpu-profile-preload.js')] },
  );
  try {
    pinCores(server.child.pid!);
    await load(`${server.url}${path}`, 50, 2, init);
    process.kill(server.child.pid!, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 200));
    const figures = await load(`${server.url}${path}`, 50, KNOBS.long, init);
    process.kill(server.child.pid!, 'SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
        return { cpu: perRequest(profile, figures.requests), rps: figures.rps, functions: inclusiveByFunction(profile, figures.requests, ownCode) };
      } catch {
        // not written yet
      }
    }
    throw new Error('the server wrote no CPU profile');
  } finally {
    server.stop();
    if (KEEP_DIR === undefined) rmSync(file, { force: true });
  }
}

export async function profile(b: Bench): Promise<void> {
  const total = (cpu: Record<Category, number>) => CATEGORIES.reduce((sum, c) => sum + cpu[c], 0);
  // The first warm case (get-channel) and the close, whose c=50 ratios the warm table reports.
  for (const c of warmCases(b).filter((w) => w.name.startsWith('get-channel') || w.name.startsWith('close-channel'))) {
    const slug = c.name.replace(/\W+/g, '-').replace(/-$/, '');
    const ours = await profiled(b, `${slug}-ours`, c.ours.path, c.ours.init);
    const base = await profiled(b, `${slug}-base`, c.base.path, c.base.init);
    say();
    say(`CPU per warm ${c.name} request at concurrency 50 (Twilio ${b.fake.latencyMs} ms, ${KNOBS.long} s each, V8 CPU profile), ms:`);
    say();
    say('| whose code | ours | base | ours − base |');
    say('|---|---|---|---|');
    for (const cat of CATEGORIES) say(`| ${cat} | ${fmt(ours.cpu[cat], 3)} | ${fmt(base.cpu[cat], 3)} | ${fmt(ours.cpu[cat] - base.cpu[cat], 3)} |`);
    say(
      `| **total** | ${fmt(total(ours.cpu), 3)} | ${fmt(total(base.cpu), 3)} | ${fmt(total(ours.cpu) - total(base.cpu), 3)} (${fmt(total(ours.cpu) / total(base.cpu), 2)} ×) |`,
    );
    say(`| req/s while profiled | ${fmt(ours.rps, 0)} | ${fmt(base.rps, 0)} | |`);
    stepTable(c.name, ours, base);
  }
}
