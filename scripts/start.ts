/**
 * `npm start`: the functions on this machine as they run deployed, behind the local gateway
 * (gateway/), in one warm container that is replaced when the code is rebuilt.
 * - With ACCOUNT_SID and AUTH_TOKEN (or API_KEY/API_SECRET) in .env: against real Twilio.
 * - With none of them: the offline sandbox, a stateful fake of Twilio on loopback with demo
 *   data, and ready-to-paste curl commands.
 * Settings are checked first with the functions' own parser; a problem is reported by its
 * .env key, with how to fix it. Flags: `--cold` (a process per request, a cold start on every
 * call), `--no-watch` (no rebuild on change; also NO_WATCH=1).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import ts from 'typescript';
import { startLocalPlatform, type LocalPlatform } from '../gateway/local-platform';
import { DEMO, demoTwilio } from '../sandbox/demo';
import { DEMO_PATH, demoPage } from '../sandbox/demo-page';
import { ROOT } from './root';
import { loadConfig } from '../src/config';

/** Not 3000: that is the Flex plugin dev server's port, and a plugin developer runs both. */
export const DEFAULT_PORT = 3300;

/** Keys that mean "use my Twilio account": any one of them present turns the sandbox off. */
const ACCOUNT_KEYS = ['ACCOUNT_SID', 'AUTH_TOKEN', 'API_KEY', 'API_SECRET'] as const;

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function fail(message: string): never {
  line(message);
  process.exit(1);
}

function readEnvFile(path: string): Record<string, string> {
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v.trim() !== ''));
}

/** Check the settings with the functions' own config module . */
function checkSettings(env: Record<string, string>): string | undefined {
  try {
    loadConfig({ ...env, DOMAIN_NAME: '127.0.0.1' } as never);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function printEndpoints(url: string): void {
  line(' Endpoints:');
  for (const path of ['/get-channel', '/list-channels', '/close-channel', '/openapi.json']) line(`   ${url}${path}`);
  line('');
}

function printSandboxBanner(url: string): void {
  const [one, two] = DEMO.interactions;
  const kd = one.interactionSid;
  const uo = one.channels[0].sid;
  line('');
  line('==================================================================================');
  line(' OFFLINE SANDBOX: no ACCOUNT_SID/AUTH_TOKEN in .env, so Twilio is a local fake.');
  line(' Nothing here reaches Twilio. Demo data resets every time you restart.');
  line(' Real account: copy .env.example to .env, fill in ACCOUNT_SID and AUTH_TOKEN.');
  line('==================================================================================');
  printEndpoints(url);
  line(` Demo page (pick an interaction, close a channel as the agent or supervisor): ${url}${DEMO_PATH}`);
  line('');
  line(` Demo agent token:      ${DEMO.agentToken}   (worker ${DEMO.agentWorkerSid}, on ${uo})`);
  line(` Demo supervisor token: ${DEMO.supervisorToken}`);
  line(` Interactions:          ${DEMO.interactions.map((i) => i.interactionSid).join(', ')}`);
  line('');
  line(' Try it (paste into another terminal):');
  line('');
  line(`curl -s -H "Authorization: Bearer ${DEMO.agentToken}" "${url}/get-channel?interactionSid=${kd}&channelSid=${uo}"`);
  line('');
  line(`curl -s -H "Authorization: Bearer ${DEMO.agentToken}" "${url}/list-channels?interactionSid=${two.interactionSid}"`);
  line('');
  line(
    `curl -s -X POST -H "Authorization: Bearer ${DEMO.agentToken}" -H "Content-Type: application/json" -d '{"interactionSid":"${kd}","channelSid":"${uo}","routing":{"status":"closed"}}' "${url}/close-channel"`,
  );
  line('');
  line(
    `curl -s -X POST -u ${DEMO.accountSid}:${DEMO.authToken} --data-urlencode interactionSid=${two.interactionSid} --data-urlencode channelSid=${two.channels[1].sid} "${url}/close-channel"`,
  );
  line('==================================================================================');
  line('');
}

function printAccountBanner(url: string, accountSid: string, envPath: string): void {
  line('');
  line(`Using your Twilio account ${accountSid} from ${envPath}: calls reach real Twilio.`);
  printEndpoints(url);
  line(' Try it with your account credentials from the shell (they are not printed here):');
  line('');
  line(`curl -s -u "$ACCOUNT_SID:$AUTH_TOKEN" "${url}/list-channels?interactionSid=KD..."`);
  line('');
  line(' From a Flex plugin: POST a form with the agent\'s token as Token (README, "Flex plugin").');
  line('');
}

/**
 * What the runtime gets: the sandbox (no account key in .env) or the user's account (every
 * account key checked, with its .env name, before anything starts).
 */
async function resolveSettings(
  env: Record<string, string>,
  envPath: string,
  url: string,
  port: number,
): Promise<{ settings: Record<string, string>; stopFake?: () => Promise<void>; sandbox: boolean }> {
  if (ACCOUNT_KEYS.some((key) => env[key] !== undefined)) {
    const problem = checkSettings(env);
    if (problem !== undefined) {
      fail(
        `Cannot start: ${problem}.\nFix it in ${envPath} (see .env.example for every key, one comment each), then run npm start again.\n(With none of ${ACCOUNT_KEYS.join(', ')} set, npm start runs the offline sandbox.)`,
      );
    }
    printAccountBanner(url, env.ACCOUNT_SID!, envPath);
    return { settings: env, sandbox: false };
  }
  const fake = demoTwilio();
  const fakeUrl = await fake.start(Number(process.env.SANDBOX_TWILIO_PORT ?? 0));
  const settings = {
    ...env,
    ACCOUNT_SID: DEMO.accountSid,
    AUTH_TOKEN: DEMO.authToken,
    TWILIO_API_BASE_URL: fakeUrl,
    TWILIO_IAM_BASE_URL: fakeUrl,
    ALLOWED_ORIGINS: env.ALLOWED_ORIGINS ?? `https://flex.twilio.com,http://localhost:3000,http://127.0.0.1:${port},http://localhost:${port}`,
  };
  const problem = checkSettings(settings);
  if (problem !== undefined) fail(`Cannot start the sandbox: ${problem}. Fix it in ${envPath}.`);
  printSandboxBanner(url);
  return { settings, stopFake: () => fake.stop(), sandbox: true };
}

/**
 * Rebuild on change with the TypeScript compiler's own watcher, in this process; after each
 * successful rebuild, regenerate the OpenAPI document and replace the runtime (a redeploy).
 */
function watch(onRebuilt: () => Promise<void>): () => void {
  let first = true;
  const host = ts.createWatchCompilerHost(
    join(ROOT, 'tsconfig.build.json'),
    {},
    ts.sys,
    ts.createEmitAndSemanticDiagnosticsBuilderProgram,
    (diagnostic) =>
      process.stderr.write(
        `${ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' })}`,
      ),
    (diagnostic, _newLine, _options, errorCount) => {
      // 6194: "Found N errors. Watching for file changes." after every compilation.
      if (diagnostic.code !== 6194) return;
      if (first) {
        first = false;
        return;
      }
      if (errorCount) {
        line(`Rebuild has ${errorCount} error(s); still serving the previous build.`);
        return;
      }
      onRebuilt().then(
        () => line('Rebuilt: the runtime was replaced with the new code.'),
        (err: unknown) => line(`Rebuilt, but the runtime did not restart: ${(err as Error).message}`),
      );
    },
  );
  const program = ts.createWatchProgram(host);
  return () => program.close();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const envPath = process.env.ENV_FILE ?? join(ROOT, '.env');
  if (process.env.ENV_FILE !== undefined && !existsSync(envPath)) {
    fail(`Cannot start: ENV_FILE is ${envPath}, and there is no such file. Point ENV_FILE at your settings, or unset it to use .env.`);
  }
  const rawPort = process.env.PORT ?? String(DEFAULT_PORT);
  if (!/^\d+$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535)
    fail(`Cannot start: PORT must be a port number (1-65535), not "${rawPort}".`);
  const port = Number(rawPort);
  const url = `http://127.0.0.1:${port}`;
  const env = existsSync(envPath) ? readEnvFile(envPath) : {};

  const { settings, stopFake, sandbox } = await resolveSettings(env, envPath, url, port);

  let platform: LocalPlatform;
  try {
    platform = await startLocalPlatform({ settings, port, cold: args.includes('--cold'), extra: sandbox ? demoPage() : undefined });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE') fail(`Cannot start: port ${port} is in use. Stop what uses it, or pick another: PORT=${port + 1} npm start`);
    if (code === 'EACCES') fail(`Cannot start: this user may not listen on port ${port}. Pick another: PORT=${DEFAULT_PORT} npm start`);
    throw err;
  }
  line(`Serving at ${url} (127.0.0.1 only), ${args.includes('--cold') ? 'a cold start on every request' : 'one warm container'}. Ctrl-C stops it.`);

  const stopWatching =
    process.env.NO_WATCH === undefined && !args.includes('--no-watch')
      ? watch(async () => {
          // tsc rewrote lib/zod as a plain re-export: bundle it again, as `npm run build` does.
          for (const script of ['bundle-zod.js', 'openapi.js'])
            execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', script)], { cwd: ROOT, stdio: 'inherit' });
          await platform.restartRuntime();
        })
      : () => undefined;

  let stopping = false;
  const shutdown = (code: number) => {
    if (stopping) return;
    stopping = true;
    stopWatching();
    void Promise.allSettled([platform.stop(), stopFake?.()]).then(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(130));
  process.on('SIGTERM', () => shutdown(143));
  process.on('SIGHUP', () => shutdown(129));
  // npm passes a SIGTERM on to the shell that runs this script, and the shell dies without
  // passing it on: this process is then re-parented. Notice, and stop with everything it started.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown(143);
  }, 500).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
