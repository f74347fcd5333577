/**
 * What `npm start` checks before anything starts: ENV_FILE, PORT, the settings (with the
 * functions' own parser) and that the port is free. Each problem is one line that says what to
 * do. Run twice: by scripts/preflight.mjs before the build (so a bad setting or a busy port
 * costs well under a second, not a build), and by scripts/start.ts itself (`npm run serve`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../src/config';

/** Not 3000: that is the Flex plugin dev server's port, and a plugin developer runs both. */
export const DEFAULT_PORT = 3300;

/** Keys that mean "use my Twilio account": any one of them present turns the sandbox off. */
export const ACCOUNT_KEYS = ['ACCOUNT_SID', 'AUTH_TOKEN', 'API_KEY', 'API_SECRET'] as const;

/** A problem that stops npm start: its message is the whole output. */
export class StartProblem extends Error {}

export interface StartOptions {
  envPath: string;
  port: number;
  url: string;
  /** The settings file's non-empty values (empty when there is no .env). */
  env: Record<string, string>;
  /** Any account key set: real Twilio; none: the offline sandbox. */
  sandbox: boolean;
}

function readEnvFile(path: string): Record<string, string> {
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v.trim() !== ''));
}

/** The functions' own settings parser, as the runtime will run it: its message, or undefined. */
export function settingsProblem(env: Record<string, string>): string | undefined {
  try {
    loadConfig({ ...env, DOMAIN_NAME: '127.0.0.1' } as never);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The sandbox's settings: the demo account, Twilio at the fake, the demo Sync service (park's
 * records), and local origins for the demo page. Park's webhook URL needs no setting here: it is
 * DOMAIN_NAME, which the local gateway sets to its own host, where the fake posts messages.
 */
export function sandboxSettings(
  env: Record<string, string>,
  port: number,
  demo: { accountSid: string; authToken: string; syncServiceSid: string },
  fakeUrl: string,
): Record<string, string> {
  return {
    ...env,
    ACCOUNT_SID: demo.accountSid,
    AUTH_TOKEN: demo.authToken,
    TWILIO_API_BASE_URL: fakeUrl,
    TWILIO_IAM_BASE_URL: fakeUrl,
    // Always the demo's: the fake has no other service (an account's SID in .env would make park fail).
    SYNC_SERVICE_SID: demo.syncServiceSid,
    ALLOWED_ORIGINS: env.ALLOWED_ORIGINS ?? `https://flex.twilio.com,http://localhost:3000,http://127.0.0.1:${port},http://localhost:${port}`,
  };
}

/** ENV_FILE, PORT and the settings file, read and checked (throws StartProblem). */
export function readStartOptions(shell: NodeJS.ProcessEnv, root: string): StartOptions {
  const envPath = shell.ENV_FILE ?? join(root, '.env');
  if (shell.ENV_FILE !== undefined && !existsSync(envPath)) {
    throw new StartProblem(
      `Cannot start: ENV_FILE is ${envPath}, and there is no such file. Point ENV_FILE at your settings, or unset it to use .env.`,
    );
  }
  const rawPort = shell.PORT ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535)
    throw new StartProblem(`Cannot start: PORT must be a port number (1-65535), not "${rawPort}".`);
  const port = Number(rawPort);
  const env = existsSync(envPath) ? readEnvFile(envPath) : {};
  return { envPath, port, url: `http://127.0.0.1:${port}`, env, sandbox: !ACCOUNT_KEYS.some((key) => env[key] !== undefined) };
}

/**
 * The settings as the runtime would get them (for the sandbox, with a stand-in for the fake's
 * URL, which is only known once it listens): throws StartProblem naming the .env key.
 */
export function checkStartSettings(options: StartOptions, demo: { accountSid: string; authToken: string; syncServiceSid: string }): void {
  const { env, envPath, port } = options;
  if (!options.sandbox) {
    const problem = settingsProblem(env);
    if (problem !== undefined) {
      throw new StartProblem(
        `Cannot start: ${problem}. Fix it in ${envPath} (every key is in .env.example, with a comment), then run npm start again; with none of ${ACCOUNT_KEYS.join(', ')} set, it runs the offline sandbox.`,
      );
    }
    return;
  }
  const problem = settingsProblem(sandboxSettings(env, port, demo, 'http://127.0.0.1:1'));
  if (problem !== undefined) throw new StartProblem(`Cannot start the sandbox: ${problem}. Fix it in ${envPath}.`);
}

/** The one-line answer to a port we may not listen on, or undefined for another error. */
export function listenProblem(err: unknown, port: number): string | undefined {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE') return `Cannot start: port ${port} is in use. Stop what uses it, or pick another: PORT=${port + 1} npm start`;
  if (code === 'EACCES') return `Cannot start: this user may not listen on port ${port}. Pick another: PORT=${DEFAULT_PORT} npm start`;
  return undefined;
}

/** Listen on 127.0.0.1:`port` and let go at once: throws StartProblem if that is refused. */
export async function checkPort(port: number): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    const problem = listenProblem(err, port);
    if (problem !== undefined) throw new StartProblem(problem);
    throw err;
  } finally {
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  }
}
