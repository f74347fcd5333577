/**
 * Starting the local Functions server (twilio-run), the one way npm start, the benchmark and
 * the end-to-end tests all do it.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT as PROJECT_ROOT } from './runtime-shim';

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
 * Write the settings twilio-run serves with to a private temp file. twilio-run replaces its
 * process.env with this file, so it also carries NODE_ENV=production: errors raised by
 * twilio-run's own body parser (malformed JSON, huge bodies) then come without a stack trace.
 */
export function writeServerEnv(settings: Record<string, string>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fic-env-')), '.env');
  const lines = Object.entries({ NODE_ENV: 'production', ...settings }).map(([k, v]) => `${k}=${v}`);
  writeFileSync(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

export interface TwilioRunOptions {
  port: number | string;
  envFile: string;
  /** Relative to the project root. */
  functionsFolder?: string;
  assetsFolder?: string;
  /** One long-lived process with no reloads (a warm container) instead of one per request. */
  warm?: boolean;
  /** Request logging (default on). */
  logs?: boolean;
  stdio?: StdioOptions;
  /** In its own process group (default), so a test can stop it and all it started. */
  detached?: boolean;
}

/** Spawn `twilio-run start` from the project root; `detached`, so its whole group can be stopped. */
export function spawnTwilioRun(options: TwilioRunOptions): ChildProcess {
  const args = [
    join(PROJECT_ROOT, 'node_modules', 'twilio-run', 'bin', 'twilio-run.js'),
    'start',
    '--port',
    String(options.port),
    '--env',
    options.envFile,
    '--functions-folder',
    options.functionsFolder ?? 'dist/functions',
    '--assets-folder',
    options.assetsFolder ?? 'assets',
  ];
  if (options.warm) args.push('--no-fork-process', '--no-live');
  if (options.logs === false) args.push('--no-logs');
  return spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    stdio: options.stdio ?? 'inherit',
    detached: options.detached ?? true,
  });
}
