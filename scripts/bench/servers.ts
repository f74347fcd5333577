/** The servers the benchmark drives: service folders, the real twilio-run on loopback, and core pinning. */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { freePort, spawnTwilioRun } from '../../gateway/twilio-run';
import { ROOT } from '../root';

/** The private functions as the Runtime maps them: the one library bundle. */
export const libFunctions = () => ({ library: { path: join(ROOT, 'dist', 'functions', 'library.private.js') } });

/** A service folder inside the project (so node_modules resolve) holding these functions folders' contents. */
export function prepareService(name: string, folders: string[]): string {
  const service = join(ROOT, 'dist', name);
  rmSync(service, { recursive: true, force: true });
  mkdirSync(join(service, 'functions'), { recursive: true });
  for (const folder of folders) cpSync(folder, join(service, 'functions'), { recursive: true });
  return service;
}

export const USUAL_PRELOAD = join(ROOT, 'bench', 'usual', 'loopback-twilio.js');

export interface Server {
  url: string;
  child: ChildProcess;
  stop: () => void;
}

export async function startServer(
  service: string,
  env: Record<string, string>,
  options: { cold?: boolean; preload?: string[] } = {},
): Promise<Server> {
  const port = await freePort();
  // Straight to twilio-run, without the gateway: every side of every comparison is served
  // alike, and the gateway would only add its own constant cost to each.
  const child = spawnTwilioRun({
    port,
    settings: env,
    functionsFolder: relative(ROOT, join(service, 'functions')),
    assetsFolder: 'assets',
    logs: false,
    cold: options.cold,
    preload: options.preload,
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  };
  process.on('exit', stop);
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return { url, child, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error('twilio-run did not start');
}

/**
 * Give the server a core of its own (core 0) and keep the load generator and the fake of Twilio
 * on the other, as a deployed container has its own CPU and Twilio runs elsewhere. Without this,
 * on two cores the three processes compete and the comparison measures the scheduler.
 */
export function pinCores(...serverPids: number[]): boolean {
  if (cpus().length < 2) return false;
  try {
    for (const pid of serverPids) execFileSync('taskset', ['-a', '-p', '1', String(pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '2', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
