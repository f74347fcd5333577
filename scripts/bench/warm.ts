/**
 * Warm requests, ours against the baseline (the identical Twilio calls with no auth, validation
 * or normalization) and the usual Flex backend, at each modelled latency and at concurrency 1 and
 * 50, in rotating rounds; then an agent's close (one more Twilio call, the participants lookup).
 */
import { cpus, totalmem } from 'node:os';
import { DEMO } from '../../sandbox/demo';
import { bearer, json, KNOBS, type Bench } from './context';
import { load, type Figures, type Target } from './load';
import { fmt, say, summarize, verdict } from './report';

type Side = 'ours' | 'base' | 'usual';

/** One function measured on each side. */
export type WarmCase = { name: string } & Record<Side, Target>;

/** The report's opening: what ran where. */
export function intro(pinned: boolean): void {
  say(`# Benchmarks`);
  say();
  say(
    `Command: \`npm run bench\` · date: ${new Date().toISOString().slice(0, 10)} · machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  say();
  say(
    `Twilio is the loopback fake answering after a modelled Twilio latency (${KNOBS.latenciesMs.join(' and ')} ms); twilio-run runs warm (\`--no-fork-process --no-live\`).`,
  );
  say(
    pinned
      ? 'Each server has core 0 (taskset) and only one is driven at a time; autocannon and the fake of Twilio share core 1.'
      : 'Cores not pinned (taskset unavailable): the servers, autocannon and the fake of Twilio share the machine.',
  );
  say('Sides: **ours**; **base** = the same Twilio call through the same helper and transport, with no auth, validation or normalization;');
  say(
    '**usual** = the way Flex developers usually write it (bench/usual: plain JS, `twilio-flex-token-validator` asking IAM on every call, `context.getTwilioClient()`, the raw instance returned), its HTTPS calls sent to the same fake by a `--require` preload (bench/usual/loopback-twilio.js), the functions untouched.',
  );
  say(
    `Each row: ${KNOBS.rounds} rounds per side in rotating order (${KNOBS.short} s each at concurrency 1, ${KNOBS.long} s at 50), medians compared; errors = errors + timeouts + non-2xx over all runs.`,
  );
}

/** The three functions every side has. */
export function warmCases(b: Bench): WarmCase[] {
  const { kd, uo, second, token } = b;
  const close = { interactionSid: second.interactionSid, channelSid: second.channels[1].sid, status: 'inactive', routing: { status: 'closed' } };
  const closeBody = JSON.stringify(close);
  return [
    {
      name: 'get-channel',
      ours: { path: `/get-channel?interactionSid=${kd}&channelSid=${uo}`, init: { headers: bearer(DEMO.agentToken) } },
      base: { path: `/baseline-get-channel?interactionSid=${kd}&channelSid=${uo}`, init: {} },
      usual: { path: `/usual-get-channel?interactionSid=${kd}&channelSid=${uo}&Token=${token}`, init: {} },
    },
    {
      name: 'list-channels',
      ours: { path: `/list-channels?interactionSid=${second.interactionSid}`, init: { headers: bearer(DEMO.agentToken) } },
      base: { path: `/baseline-list-channels?interactionSid=${second.interactionSid}`, init: {} },
      usual: { path: `/usual-list-channels?interactionSid=${second.interactionSid}&Token=${token}`, init: {} },
    },
    {
      name: 'close-channel (supervisor)',
      ours: { path: '/close-channel', init: { method: 'POST' as const, headers: { ...json, ...bearer(DEMO.supervisorToken) }, body: closeBody } },
      base: { path: '/baseline-close-channel', init: { method: 'POST' as const, headers: json, body: closeBody } },
      usual: {
        path: '/usual-close-channel',
        init: { method: 'POST' as const, headers: json, body: JSON.stringify({ ...close, Token: DEMO.supervisorToken }) },
      },
    },
  ];
}

/** Every case answers 200 on every side; then one second of load warms each (module load, client, token cache). */
async function warmUp(cases: WarmCase[], urlOf: (side: Side) => string): Promise<void> {
  for (const c of cases) {
    for (const side of ['ours', 'base', 'usual'] as const) {
      const r = await fetch(`${urlOf(side)}${c[side].path}`, c[side].init);
      if (r.status !== 200) throw new Error(`${side} ${c[side].path} answered ${r.status}: ${await r.text()}`);
      await r.arrayBuffer();
      await load(`${urlOf(side)}${c[side].path}`, 1, 1, c[side].init);
    }
  }
}

/**
 * The warm table. Each side runs KNOBS.rounds times, the order rotating, and the medians are
 * compared: on a 2-core machine at concurrency 50 one run against another varies by more than
 * the overhead being measured.
 */
export async function warmTable(b: Bench, url: string, usualUrl: string): Promise<void> {
  const cases = warmCases(b);
  const urlOf = (side: Side) => (side === 'usual' ? usualUrl : url);
  say();
  say(
    '| function | Twilio ms | conc. | ours req/s | ours p50 | ours p99 | base p50 | base p99 | usual req/s | usual p50 | usual p99 | ours/base p50 | ours/base p99 | ours/usual p50 | ours/usual req/s | errors (ours, base, usual) |',
  );
  say('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  await warmUp(cases, urlOf);
  for (const latency of KNOBS.latenciesMs) {
    b.fake.latencyMs = latency;
    for (const connections of [1, 50]) {
      for (const c of cases) {
        const seconds = connections === 1 ? KNOBS.short : KNOBS.long;
        const runs: Record<Side, Figures[]> = { ours: [], base: [], usual: [] };
        const sides: Side[] = ['base', 'ours', 'usual'];
        for (let round = 0; round < KNOBS.rounds; round++) {
          for (let i = 0; i < sides.length; i++) {
            const side = sides[(i + round) % sides.length]!;
            runs[side].push(await load(`${urlOf(side)}${c[side].path}`, connections, seconds, c[side].init));
          }
        }
        const o = summarize(runs.ours);
        const base = summarize(runs.base);
        const u = summarize(runs.usual);
        say(
          `| ${c.name} | ${latency} | ${connections} | ${fmt(o.rps, 0)} | ${fmt(o.p50)} | ${fmt(o.p99)} | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(u.rps, 0)} | ${fmt(u.p50)} | ${fmt(u.p99)} | ${fmt(o.p50 / base.p50, 2)} | ${fmt(o.p99 / base.p99, 2)} | ${fmt(o.p50 / u.p50, 2)} | ${fmt(o.rps / u.rps, 2)} | ${o.errors}, ${base.errors}, ${u.errors} |`,
        );
        const at = `${c.name}, ${latency} ms, c=${connections}`;
        verdict(`${at}: p50 ≤ 1.05 × base`, fmt(o.p50 / base.p50, 2), o.p50 / base.p50 <= 1.05);
        verdict(`${at}: p99 ≤ 1.25 × base`, fmt(o.p99 / base.p99, 2), o.p99 / base.p99 <= 1.25);
        if (connections === 50) verdict(`${at} for ${KNOBS.long} s: 0 errors`, String(o.errors), o.errors === 0);
      }
    }
  }
  b.fake.latencyMs = KNOBS.latenciesMs[0]!;

  // An agent closing their own channel costs one more Twilio call (the participants lookup).
  const agentClose = await load(`${url}/close-channel`, 1, KNOBS.short, {
    method: 'POST',
    headers: { ...json, ...bearer(DEMO.agentToken) },
    body: JSON.stringify({ interactionSid: b.kd, channelSid: b.uo, status: 'inactive', routing: { status: 'closed' } }),
  });
  say();
  say(
    `close-channel as an agent (participant check, two Twilio calls), ${b.fake.latencyMs} ms, concurrency 1: ${fmt(agentClose.rps, 0)} req/s, p50 ${fmt(agentClose.p50)} ms, p99 ${fmt(agentClose.p99)} ms, ${agentClose.errors} errors.`,
  );
}
