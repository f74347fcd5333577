/** The benchmark's report: lines printed as they come, the targets each section checks, and BENCHMARKS.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Figures } from './load';
import { ROOT } from '../root';

const out: string[] = [];
/** Each target of the issues, with what this run measured. */
const verdicts: Array<{ target: string; measured: string; met: boolean }> = [];

export function say(text = ''): void {
  out.push(text);
  process.stdout.write(`${text}\n`);
}

/** Record a target and whether this run met it. */
export function verdict(target: string, measured: string, met: boolean): void {
  verdicts.push({ target, measured, met });
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);

export const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Medians of the rounds' figures; errors are added up. */
/** The middle half of some ratios, as `low–high` (their first and third quartiles). */
export function middleHalf(ratios: number[]): string {
  const sorted = [...ratios].sort((x, y) => x - y);
  return `${fmt(sorted[Math.floor(sorted.length / 4)]!, 2)}–${fmt(sorted[Math.floor((sorted.length * 3) / 4)]!, 2)}`;
}

export function summarize(runs: Figures[]): Figures {
  return {
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    requests: runs.reduce((sum, r) => sum + r.requests, 0),
  };
}

export const describeStatuses = (statuses: Map<number, number>) =>
  [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');

/** The targets table; with `write`, BENCHMARKS.md becomes this run's report plus bench/reading.md. */
export function finish(write: boolean): void {
  say();
  say('## Targets');
  say();
  say('| target | this run | met |');
  say('|---|---|---|');
  for (const v of verdicts) say(`| ${v.target} | ${v.measured} | ${v.met ? 'yes' : '**no**'} |`);
  say();
  say(`${verdicts.filter((v) => v.met).length} of ${verdicts.length} targets met in this run.`);
  if (write) {
    // The generated figures, then the standing notes on how to read them.
    const reading = readFileSync(join(ROOT, 'bench', 'reading.md'), 'utf8');
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), `${out.join('\n')}\n\n${reading}`);
  }
}
