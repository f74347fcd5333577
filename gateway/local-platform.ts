/**
 * The functions as they run deployed, on this machine: twilio-run (the toolkit's runtime) on a
 * private loopback port, behind the gateway (`server.ts`), which is the only thing callers
 * reach. Used by `npm start` and every end-to-end suite.
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../scripts/root';
import { startGateway, type Gateway } from './server';
import { freePort, spawnTwilioRun } from './twilio-run';

export interface LocalPlatformOptions {
  /** The service's variables (what `.env` holds deployed). DOMAIN_NAME is set here. */
  settings: Record<string, string>;
  /** The gateway's port; 0 (default) for a free one. */
  port?: number;
  /** Relative to the project root. */
  functionsFolder?: string;
  assetsFolder?: string;
  /** One process per request (a cold start on every call) instead of one warm container. */
  cold?: boolean;
  logs?: boolean;
  /** What twilio-run prints goes here (default: this process's stdout and stderr). */
  onOutput?: (text: string) => void;
  functionTimeoutMs?: number;
  publicOrigin?: string;
  /** HTTPS for the gateway (see GatewayOptions.tls). */
  tls?: import('./server').GatewayOptions['tls'];
  extra?: import('./server').GatewayOptions['extra'];
  /** A modelled caller ↔ platform round trip (see GatewayOptions.roundTripMs). */
  roundTripMs?: number;
}

export interface LocalPlatform {
  /** The gateway's URL, e.g. http://127.0.0.1:3300. */
  url: string;
  gateway: Gateway;
  /** The runtime's process id (twilio-run), e.g. to see where it listens. */
  runtimePid: () => number | undefined;
  /** Replace the runtime with a fresh one (a redeploy: new code, empty caches). */
  restartRuntime: () => Promise<void>;
  stop: () => Promise<void>;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * Ready once twilio-run accepts a connection: it listens only after its routes are set up. A
 * TCP connection, not an HTTP request: twilio-run logs every request it answers, and a probe's
 * `404 GET /…` line at every start and rebuild read like an error.
 */
async function waitUntilListening(port: number, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`twilio-run exited (${child.exitCode}) before it listened:\n${output()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.setTimeout(1000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`twilio-run did not answer within ${timeoutMs} ms:\n${output()}`);
}

/** Start the runtime and its gateway; resolves once both answer. */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const functionsFolder = options.functionsFolder ?? join('dist', 'functions');
  const assetsFolder = options.assetsFolder ?? 'assets';
  const runtimePort = await freePort();
  const upstream = `http://127.0.0.1:${runtimePort}`;
  const gateway = await startGateway({
    upstream,
    functionsDir: join(ROOT, functionsFolder),
    assetsDir: join(ROOT, assetsFolder),
    authToken: options.settings.AUTH_TOKEN,
    publicOrigin: options.publicOrigin,
    port: options.port ?? 0,
    functionTimeoutMs: options.functionTimeoutMs,
    tls: options.tls,
    extra: options.extra,
    roundTripMs: options.roundTripMs,
  });
  // Deployed, DOMAIN_NAME is the host callers address: here, the gateway's.
  const domain = options.publicOrigin === undefined ? gateway.host : new URL(options.publicOrigin).host;
  const settings = { ...options.settings, DOMAIN_NAME: domain };

  let runtime: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const printed: string[] = [];
    const child = spawnTwilioRun({ port: runtimePort, settings, functionsFolder, assetsFolder, cold: options.cold, logs: options.logs });
    const sink = (d: Buffer) => {
      const text = d.toString();
      if (printed.length < 200) printed.push(text);
      if (options.onOutput) options.onOutput(text);
      else process.stdout.write(text);
    };
    child.stdout!.on('data', sink);
    child.stderr!.on('data', sink);
    runtime = child;
    try {
      await waitUntilListening(runtimePort, child, () => printed.join(''), 30_000);
    } catch (err) {
      await stopProcess(child);
      throw err;
    }
  };

  try {
    await start();
  } catch (err) {
    await gateway.close();
    throw err;
  }
  return {
    url: gateway.url,
    gateway,
    runtimePid: () => runtime?.pid,
    restartRuntime: async () => {
      if (runtime) await stopProcess(runtime);
      await start();
    },
    stop: async () => {
      if (runtime) await stopProcess(runtime);
      await gateway.close();
    },
  };
}
