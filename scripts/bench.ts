/**
 * `npm run bench`: the functions' speed against a baseline and against the usual Flex backend,
 * measured in one run.
 *
 * It starts the stateful fake of Twilio on loopback (answering after a modelled Twilio latency,
 * BENCH_LATENCIES_MS, default 25 and 80 ms) and the real twilio-run in warm mode
 * (--no-fork-process --no-live, like a warm Functions container) twice: one serving our
 * functions plus the baseline functions (the identical Twilio calls with no auth, validation
 * or normalization), one serving the usual way of writing them (bench/usual: plain JS,
 * twilio-flex-token-validator asking IAM on every call, context.getTwilioClient()). Then, by part
 * (scripts/bench/):
 * - warm: autocannon drives each side at concurrency 1 and 50, in alternating rounds;
 * - participants: list-participants and update-participant against baselines making the same calls;
 * - transfer: /transfer-channel against a baseline making the same calls, and the Twilio calls per
 *   transfer and per finishing TaskRouter event, counted from the fake's request log;
 * - park: /park-channel, a resume by the customer's message and /resume-channel against baselines
 *   making the same calls, and the Twilio calls per park, per resume and per duplicate delivery,
 *   counted from the fake's request log (scripts/bench/park.ts);
 * - profile: where a warm request's CPU goes at concurrency 50, ours against the baseline;
 * - cpu: CPU per warm request from /proc, ours and the baseline in one server, short alternating
 *   rounds, with the baseline against itself as the control (scripts/bench/cpu.ts);
 * - stages: our own work in one warm get-channel request, stage by stage, in a loop (scripts/bench/stages.ts);
 * - iam: IAM calls per 1,000 requests with one token, and under a flood of unknown tokens;
 * - lockout: fresh agent tokens under a flood of junk at concurrency 50, IAM slow (scripts/bench/lockout.ts);
 * - faults: the answer time while Twilio answers 429 forever or hangs;
 * - cold: a cold first request, a fresh process's load + client + first call, ours against the
 *   usual; RSS of a fresh warm server of each under 800 req/s; each function file's cold load;
 * - browser: in a real browser, the client's wait against one modelled round trip + the
 *   server's time (scripts/bench-browser.ts).
 * `BENCH_ONLY=warm,cold` runs only those parts. Prints a Markdown report; `npm run bench -- --write`
 * also writes it to BENCHMARKS.md.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { browserBench } from './bench-browser';
import { coldAndMemory, moduleLoads } from './bench/cold';
import { setUp } from './bench/context';
import { faults } from './bench/faults';
import { iamCosts } from './bench/iam';
import { lockoutBench } from './bench/lockout';
import { participantsTable } from './bench/participants';
import { transferTable } from './bench/transfer';
import { parkTable } from './bench/park';
import { profile } from './bench/profile';
import { cpuPerRequest } from './bench/cpu';
import { stages } from './bench/stages';
import { finish, say, verdict } from './bench/report';
import { pinCores, startServer, USUAL_PRELOAD } from './bench/servers';
import { intro, warmTable } from './bench/warm';
import { ROOT } from './root';

const PARTS = ['warm', 'participants', 'transfer', 'park', 'profile', 'cpu', 'stages', 'iam', 'lockout', 'faults', 'cold', 'browser'] as const;
const only = (process.env.BENCH_ONLY ?? '').split(',').filter((p) => p.length > 0);
for (const part of only)
  if (!(PARTS as readonly string[]).includes(part)) throw new Error(`BENCH_ONLY: no part "${part}" (parts: ${PARTS.join(', ')})`);
const runs = (part: (typeof PARTS)[number]) => only.length === 0 || only.includes(part);

async function main(): Promise<void> {
  const b = await setUp();
  const server = await startServer(b.services.both, b.settings);
  const usualServer = await startServer(b.services.usual, b.usualSettings, { preload: [USUAL_PRELOAD] });
  intro(pinCores(server.child.pid!, usualServer.child.pid!));
  if (runs('warm')) await warmTable(b, server.url, usualServer.url);
  if (runs('participants')) await participantsTable(b, server.url);
  if (runs('transfer')) await transferTable(b, server.url);
  if (runs('park')) await parkTable(b, server.url, server.child.pid!);
  if (runs('profile')) await profile(b);
  if (runs('cpu')) await cpuPerRequest(b);
  if (runs('stages')) await stages(b);
  if (runs('iam')) await iamCosts(b, server.url);
  if (runs('lockout')) await lockoutBench({ fake: b.fake, url: server.url, say, verdict });
  if (runs('faults')) await faults(b, server.url);
  server.stop();
  usualServer.stop();

  if (runs('cold')) await coldAndMemory(b);
  await b.fake.stop();
  if (runs('cold')) moduleLoads();
  if (runs('browser')) for (const v of await browserBench(say)) verdict(v.target, v.measured, v.met);

  finish(process.argv.includes('--write'));
  for (const name of ['bench-service', 'bench-ours', 'bench-usual']) rmSync(join(ROOT, 'dist', name), { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
