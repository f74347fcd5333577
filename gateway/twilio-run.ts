/**
 * Starting twilio-run, the toolkit's local Functions runtime, behind the gateway: the one way
 * npm start, the benchmark and the end-to-end tests all do it.
 *
 * The service's variables reach twilio-run as its process environment (`--load-local-env`),
 * never as a file, so no copy of AUTH_TOKEN is ever written to disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { ROOT as PROJECT_ROOT } from '../scripts/root';

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The runtime's whole environment: the service's variables and nothing of this machine's (a
 * deployed function sees only its service's variables). NODE_ENV=production makes errors raised
 * by twilio-run's own body parser (malformed JSON, huge bodies) come without a stack trace.
 */
export function runtimeEnvironment(settings: Record<string, string>): Record<string, string> {
  return { ...settings, NODE_ENV: 'production' };
}

export interface TwilioRunOptions {
  port: number;
  settings: Record<string, string>;
  /** Relative to the project root. */
  functionsFolder: string;
  assetsFolder: string;
  /** One process per request (twilio-run's default) instead of one long-lived warm process. */
  cold?: boolean;
  /** Request logging (default on). */
  logs?: boolean;
  /** More modules to `--require` in the runtime (and in each process it forks), after the gateway's. */
  preload?: string[];
}

/**
 * Spawn `twilio-run start` from the project root on 127.0.0.1:`port`, in its own process group
 * (so it can be stopped with everything it started), with the gateway's preload.
 */
export function spawnTwilioRun(options: TwilioRunOptions): ChildProcess {
  const args = [
    '--require',
    join(PROJECT_ROOT, 'dist', 'gateway', 'runtime-preload.js'),
    ...(options.preload ?? []).flatMap((file) => ['--require', file]),
    join(PROJECT_ROOT, 'node_modules', 'twilio-run', 'bin', 'twilio-run.js'),
    'start',
    '--port',
    String(options.port),
    // The variables come from this process's environment, which holds nothing else; the
    // empty env file keeps twilio-run from reading a .env it finds in the project.
    '--load-local-env',
    '--env',
    devNull,
    '--functions-folder',
    options.functionsFolder,
    '--assets-folder',
    options.assetsFolder,
    // twilio-run's start-up banner lists every route, private ones too; the gateway's caller
    // prints what is really public. Request logs and the functions' own output still show.
    '--log-level',
    'warn',
  ];
  if (!options.cold) args.push('--no-fork-process', '--no-live');
  if (options.logs === false) args.push('--no-logs');
  return spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: runtimeEnvironment(options.settings),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}
