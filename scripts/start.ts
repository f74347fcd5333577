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
import { startLocalPlatform, type LocalPlatform } from '../gateway/local-platform';
import { DEMO, demoTwilio } from '../sandbox/demo';
import { DEMO_PATH, demoPage } from '../sandbox/demo-page';
import { ROOT } from './root';
import { checkStartSettings, listenProblem, readStartOptions, sandboxSettings, StartProblem, type StartOptions } from './start-checks';
import { startWatching } from './start-watch';

function line(text = ''): void {
  process.stdout.write(`${text}\n`);
}

function fail(message: string): never {
  line(message);
  process.exit(1);
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
  const agentOn = DEMO.interactions.flatMap((i) => i.channels.filter((c) => c.agent).map((c) => `${c.sid} (${c.type}, in ${i.interactionSid})`));
  // -w '\n': the answer is JSON without a newline; the shell's prompt would follow it on the same line.
  const curl = `curl -s -w '\\n'`;
  line('');
  line('==================================================================================');
  line(' OFFLINE SANDBOX: no ACCOUNT_SID/AUTH_TOKEN in .env, so Twilio is a local fake.');
  line(' Nothing here reaches Twilio. Demo data resets every time you restart.');
  line(' Real account: copy .env.example to .env, fill in ACCOUNT_SID and AUTH_TOKEN.');
  line('==================================================================================');
  printEndpoints(url);
  line(` Demo page (close, transfer or park a channel; write as the customer to resume it): ${url}${DEMO_PATH}`);
  line('');
  line(` Demo agent token:      ${DEMO.agentToken}`);
  line(`   worker ${DEMO.agentWorkerSid}, on ${agentOn.length} channels:`);
  for (const channel of agentOn) line(`     ${channel}`);
  line(` Demo supervisor token: ${DEMO.supervisorToken}   (may close any channel)`);
  line(` Interactions:          ${DEMO.interactions.map((i) => i.interactionSid).join(', ')}`);
  line('');
  line(' Try it (paste into another terminal):');
  line('');
  line('# get a channel as the demo agent');
  line(`${curl} -H "Authorization: Bearer ${DEMO.agentToken}" "${url}/get-channel?interactionSid=${kd}&channelSid=${uo}"`);
  line('');
  line("# list an interaction's channels as the demo agent");
  line(`${curl} -H "Authorization: Bearer ${DEMO.agentToken}" "${url}/list-channels?interactionSid=${two.interactionSid}"`);
  line('');
  line("# close the demo agent's channel as the agent, its task completed");
  line(
    `${curl} -X POST -H "Authorization: Bearer ${DEMO.agentToken}" -H "Content-Type: application/json" -d '{"interactionSid":"${kd}","channelSid":"${uo}","routing":{"status":"closed"}}' "${url}/close-channel"`,
  );
  line('');
  line('# close a channel as your own server would (the account credentials), its task to wrapping');
  line(
    `${curl} -X POST -u ${DEMO.accountSid}:${DEMO.authToken} --data-urlencode interactionSid=${two.interactionSid} --data-urlencode channelSid=${two.channels[1].sid} "${url}/close-channel"`,
  );
  line('==================================================================================');
  line('');
}

function printAccountBanner(url: string, env: Record<string, string>, envPath: string): void {
  const user = env.AUTH_TOKEN !== undefined ? `${env.ACCOUNT_SID}:<AUTH_TOKEN>` : '<API_KEY>:<API_SECRET>';
  line('');
  line(`Using your Twilio account ${env.ACCOUNT_SID} from ${envPath}: calls reach real Twilio.`);
  printEndpoints(url);
  line(' Try it: fill in the <…> first. Your credentials are in the settings file (never printed here); an');
  line(" interaction SID (KD…) is a Flex Conversations task's flexInteractionSid attribute.");
  line('');
  line("# list an interaction's channels, signed with your account's credentials");
  line(`curl -s -w '\\n' -u "${user}" "${url}/list-channels?interactionSid=<KD…>"`);
  line('');
  line(' From a Flex plugin: POST a form with the agent\'s token as Token (README, "Flex plugin"; examples/flex-plugin/).');
  line('');
}

/**
 * What the runtime gets: the sandbox (no account key in .env: the demo account, Twilio a fake
 * on loopback) or the user's account, as checked by checkStartSettings.
 */
async function runtimeSettings(
  options: StartOptions,
): Promise<{ settings: Record<string, string>; fake?: ReturnType<typeof demoTwilio>; stopFake?: () => Promise<void> }> {
  if (!options.sandbox) return { settings: options.env };
  const fake = demoTwilio();
  const fakeUrl = await fake.start(Number(process.env.SANDBOX_TWILIO_PORT ?? 0));
  return { settings: sandboxSettings(options.env, options.port, DEMO, fakeUrl), fake, stopFake: () => fake.stop() };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cold = args.includes('--cold');
  // Everything that can be wrong is said in one line before anything prints or starts.
  let options: StartOptions;
  try {
    options = readStartOptions(process.env, ROOT);
    checkStartSettings(options, DEMO);
  } catch (err) {
    if (err instanceof StartProblem) fail(err.message);
    throw err;
  }
  const { port, url } = options;
  const { settings, fake, stopFake } = await runtimeSettings(options);

  let platform: LocalPlatform;
  try {
    platform = await startLocalPlatform({ settings, port, cold, extra: options.sandbox ? demoPage(fake) : undefined });
  } catch (err) {
    const problem = listenProblem(err, port);
    if (problem !== undefined) {
      await stopFake?.();
      fail(problem);
    }
    throw err;
  }
  if (options.sandbox) printSandboxBanner(url);
  else printAccountBanner(url, options.env, options.envPath);

  const stopWatching =
    process.env.NO_WATCH === undefined && !args.includes('--no-watch') ? startWatching(() => platform.restartRuntime(), line) : () => undefined;
  line(`Serving at ${url} (127.0.0.1 only), ${cold ? 'a cold start on every request' : 'one warm container'}. Ctrl-C stops it.`);

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
