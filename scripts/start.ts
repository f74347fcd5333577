/**
 * `npm start`: the functions on localhost, rebuilt on change.
 * - With ACCOUNT_SID and AUTH_TOKEN (or API_KEY/API_SECRET) in .env: against real Twilio.
 * - Without them: the offline sandbox, a stateful fake of Twilio on loopback with demo data,
 *   and ready-to-paste curl commands.
 * Settings are checked first with the functions' own parser; a problem is reported by its
 * .env key, with how to fix it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { DEMO, demoTwilio } from '../sandbox/demo';
import { loadLib, ROOT } from './runtime-shim';
import { spawnTwilioRun, writeServerEnv } from './twilio-run';

function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(parsed).filter(([, v]) => v.trim() !== ''));
}

/** Check the settings with the functions' own config module (it looks itself up through Runtime). */
function checkSettings(env: Record<string, string>): string | undefined {
  const { loadConfig } = loadLib<typeof import('../functions/lib/config.private')>('config');
  try {
    loadConfig({ ...env, DOMAIN_NAME: 'localhost' } as never);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function startWatch(): ChildProcess {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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
  line(`curl -s -X POST -u ${DEMO.accountSid}:${DEMO.authToken} --data-urlencode interactionSid=${two.interactionSid} --data-urlencode channelSid=${two.channels[1].sid} "${url}/close-channel"`);
  line('==================================================================================');
  line('');
}

async function main(): Promise<void> {
  const envPath = process.env.ENV_FILE ?? join(ROOT, '.env');
  const port = process.env.PORT ?? '3000';
  const url = `http://localhost:${port}`;
  const env = readEnvFile(envPath);
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  process.on('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  process.on('SIGTERM', () => {
    stopAll();
    process.exit(143);
  });

  const hasCredentials = env.ACCOUNT_SID !== undefined && (env.AUTH_TOKEN !== undefined || env.API_KEY !== undefined);
  let envFile: string;
  if (hasCredentials) {
    const problem = checkSettings(env);
    if (problem !== undefined) {
      line(`Cannot start: ${problem}.`);
      line(`Fix it in ${envPath} (see .env.example for every key, one comment each), then run npm start again.`);
      process.exit(1);
    }
    line(`Using your Twilio account ${env.ACCOUNT_SID} from ${envPath}.`);
    envFile = writeServerEnv(env);
  } else {
    if (env.ACCOUNT_SID !== undefined || env.AUTH_TOKEN !== undefined) {
      line(`Note: ${envPath} has only one of ACCOUNT_SID and AUTH_TOKEN; both are needed for real Twilio.`);
    }
    const fake = demoTwilio();
    const fakeUrl = await fake.start(Number(process.env.SANDBOX_TWILIO_PORT ?? 0));
    const sandboxEnv = {
      ...env,
      ACCOUNT_SID: DEMO.accountSid,
      AUTH_TOKEN: DEMO.authToken,
      TWILIO_API_BASE_URL: fakeUrl,
      TWILIO_IAM_BASE_URL: fakeUrl,
      ALLOWED_ORIGINS: env.ALLOWED_ORIGINS ?? `https://flex.twilio.com,http://localhost:3000,http://localhost:${port}`,
    };
    const problem = checkSettings(sandboxEnv);
    if (problem !== undefined) {
      line(`Cannot start the sandbox: ${problem}. Fix it in ${envPath}.`);
      process.exit(1);
    }
    envFile = writeServerEnv(sandboxEnv);
    printSandboxBanner(url);
  }

  if (process.env.NO_WATCH === undefined) children.push(startWatch());
  const server = spawnTwilioRun({ port, envFile, detached: false });
  children.push(server);
  server.on('exit', (code) => {
    stopAll();
    process.exit(code ?? 0);
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`npm start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
