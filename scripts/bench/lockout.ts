/**
 * The lock-out benchmark (#21): can a flood of junk Flex tokens keep a real agent out?
 *
 * Junk shaped like Flex tokens (JWEs) cannot be told from real ones locally, so each costs an
 * IAM call, and at most IAM_MAX_CONCURRENT run at once. Here a flood of distinct junk tokens at
 * concurrency 50 runs while fresh agent tokens (never validated before, as after a renewal or
 * in a new container) ask get-channel, with IAM answering in 150 ms and in 300 ms (an injected
 * delay in the fake), for two kinds of junk: with a header of its own, and with a copy of the
 * agents' tokens' header (the worst case: the header is no secret). Targets: a fresh agent token
 * answered 200 within 2 s in at least 99 % of tries, and at most one IAM call per junk request.
 *
 * `lockoutBench` takes a started fake and a server serving the functions with it (npm run
 * bench wires it in); `node dist/scripts/bench/lockout.js` after `npm run build` runs it alone.
 */
import type { FakeTwilio } from '../../sandbox/fake-twilio';
import { flexTokenLike } from '../../sandbox/fake-twilio';
import { DEMO } from '../../sandbox/demo';

export interface LockoutInput {
  fake: FakeTwilio;
  /** The functions' base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  say: (text?: string) => void;
  verdict: (target: string, measured: string, met: boolean) => void;
  /** What the agents ask (default: get-channel of the demo agent's channel). */
  path?: string;
  /** Fresh agents asking at once, and tries each (default 10 × 20). */
  agents?: number;
  triesEach?: number;
}

const CONCURRENCY = 50;
const WITHIN_MS = 2000;

/** A JWE-shaped string with its own header (`kid` differs from the agents' tokens). */
function foreignJunk(label: string): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  return [b64(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: 'junk' })), '', b64(`iv-${label}`), b64(`ct-${label}`), b64(`tag-${label}`)].join(
    '.',
  );
}

async function ask(url: string, token: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const r = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  await r.arrayBuffer();
  return { status: r.status, ms: performance.now() - t0 };
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

export async function lockoutBench(input: LockoutInput): Promise<void> {
  const { fake, say, verdict } = input;
  const path = input.path ?? `/get-channel?interactionSid=${DEMO.interactions[0].interactionSid}&channelSid=${DEMO.interactions[0].channels[0].sid}`;
  const target = `${input.url}${path}`;
  const agents = input.agents ?? 10;
  const triesEach = input.triesEach ?? 20;
  say();
  say(
    `Lock-out: a flood of distinct junk Flex-token-shaped strings at concurrency ${CONCURRENCY}, while ${agents} fresh agent tokens at a time ask ${path.split('?')[0]} (${agents * triesEach} tries per row):`,
  );
  say();
  say(
    '| IAM answers in | junk | fresh agent tokens answered 200 within 2 s | agents p50 / p99 ms | junk requests | IAM calls per junk request | junk answers |',
  );
  say('|---|---|---|---|---|---|---|');
  let run = 0;
  for (const iamMs of [150, 300]) {
    for (const kind of ['own header', "copy of the agents' header"] as const) {
      run += 1;
      fake.clearFaults();
      fake.inject({ kind: 'delay', ms: iamMs }, (q) => q.path.endsWith('/Tokens/validate'), Number.MAX_SAFE_INTEGER);
      // An agent already in use, as in any contact center (it makes the agents' header known).
      const warm = flexTokenLike(`lockout-warm-${run}`);
      fake.addToken(warm, { identity: 'warm', roles: ['agent'], workerSid: DEMO.agentWorkerSid });
      if ((await ask(target, warm)).status !== 200) throw new Error('the warm agent was not answered 200');
      fake.clearRequests();

      const agentTokens = new Set<string>();
      let stop = false;
      let sent = 0;
      const junkStatuses = new Map<number, number>();
      const flood = Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, lane) => {
          for (let i = 0; !stop; i++) {
            const label = `lockout-${run}-${lane}-${i}`;
            const token = kind === 'own header' ? foreignJunk(label) : flexTokenLike(label);
            sent += 1;
            const r = await ask(target, token).catch(() => ({ status: 0, ms: 0 }));
            junkStatuses.set(r.status, (junkStatuses.get(r.status) ?? 0) + 1);
          }
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the flood is under way
      const tries: Array<{ status: number; ms: number }> = [];
      await Promise.all(
        Array.from({ length: agents }, async (_, a) => {
          for (let t = 0; t < triesEach; t++) {
            const token = flexTokenLike(`lockout-fresh-${run}-${a}-${t}`);
            agentTokens.add(token);
            fake.addToken(token, { identity: `fresh-${a}-${t}`, roles: ['agent'], workerSid: DEMO.agentWorkerSid });
            tries.push(await ask(target, token));
          }
        }),
      );
      stop = true;
      await flood;
      fake.clearFaults();
      const junkIam = fake.iamRequests().filter((q) => {
        const token = String(q.body.token ?? '');
        return !agentTokens.has(token) && token !== warm;
      }).length;
      fake.clearRequests();
      const ok = tries.filter((t) => t.status === 200 && t.ms <= WITHIN_MS).length;
      const share = ok / tries.length;
      const perJunk = junkIam / Math.max(1, sent);
      const statuses = [...junkStatuses]
        .sort(([x], [y]) => x - y)
        .map(([s, n]) => `${n} × ${s}`)
        .join(', ');
      const others = tries.filter((t) => t.status !== 200).map((t) => t.status);
      say(
        `| ${iamMs} ms | ${kind} | ${ok} of ${tries.length} (${(share * 100).toFixed(1)} %)${others.length ? `; not 200: ${others.join(', ')}` : ''} | ${percentile(
          tries.map((t) => t.ms),
          50,
        ).toFixed(0)} / ${percentile(
          tries.map((t) => t.ms),
          99,
        ).toFixed(0)} | ${sent} | ${perJunk.toFixed(2)} | ${statuses} |`,
      );
      verdict(
        `lock-out (IAM ${iamMs} ms, junk with ${kind}, c=${CONCURRENCY}): fresh agent token 200 within 2 s in ≥ 99 % of tries`,
        `${(share * 100).toFixed(1)} %`,
        share >= 0.99,
      );
      verdict(`lock-out (IAM ${iamMs} ms, junk with ${kind}): IAM calls per junk request ≤ 1`, perJunk.toFixed(2), perJunk <= 1);
    }
  }
}

/** `node dist/scripts/bench/lockout.js`: the fake, the functions on twilio-run (warm), this benchmark alone. */
async function main(): Promise<void> {
  const { demoTwilio } = await import('../../sandbox/demo');
  const { freePort, spawnTwilioRun } = await import('../../gateway/twilio-run');
  const fake = demoTwilio();
  const twilioUrl = await fake.start();
  const port = await freePort();
  const child = spawnTwilioRun({
    port,
    settings: { ACCOUNT_SID: DEMO.accountSid, AUTH_TOKEN: DEMO.authToken, TWILIO_API_BASE_URL: twilioUrl, TWILIO_IAM_BASE_URL: twilioUrl },
    functionsFolder: 'dist/functions',
    assetsFolder: 'assets',
    logs: false,
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const stopServer = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  };
  process.on('exit', stopServer);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(url);
      break;
    } catch {
      if (i > 200) throw new Error('twilio-run did not start');
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const verdicts: Array<[string, string, boolean]> = [];
  await lockoutBench({
    fake,
    url,
    say: (text = '') => process.stdout.write(`${text}\n`),
    verdict: (target, measured, met) => verdicts.push([target, measured, met]),
  });
  process.stdout.write('\n| target | this run | met |\n|---|---|---|\n');
  for (const [t, m, met] of verdicts) process.stdout.write(`| ${t} | ${m} | ${met ? 'yes' : '**no**'} |\n`);
  stopServer();
  await fake.stop();
  process.exit(verdicts.every(([, , met]) => met) ? 0 : 1);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`lockout bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  });
}
