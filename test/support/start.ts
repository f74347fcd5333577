/**
 * `npm start` under test: its script started as a developer would, in its own process group,
 * with what it prints collected; and ways to see that it left nothing behind.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './processes';

export const START = join(ROOT, 'dist', 'scripts', 'start.js');

/** A fresh folder for one test's settings files. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'fic-start-'));
}

export function writeEnvFile(dir: string, text: string): string {
  const file = join(dir, 'settings.env');
  writeFileSync(file, text);
  return file;
}

export interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Start `command` with `env` (NO_WATCH=1 unless given) in its own process group, collecting what it prints. */
export function launch(command: string, args: string[], env: Record<string, string | undefined>, cwd = ROOT): Started {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, NO_WATCH: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

export async function until(what: string, started: Started, ready: (output: string) => boolean, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready(started.output())) {
    if (Date.now() > deadline || started.child.exitCode !== null) throw new Error(`${what} did not happen:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the exit code once `started` has exited. */
export function exited(started: Started): Promise<number | null> {
  if (started.child.exitCode !== null) return Promise.resolve(started.child.exitCode);
  return new Promise((r) => started.child.once('exit', (code) => r(code)));
}

/** Every process below `pid`, as `ps` sees them now. */
export function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}
