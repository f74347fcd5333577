/**
 * The participants functions against a baseline making the same Twilio calls (bench/functions:
 * list-participants one list; update-participant one list and one update, as an agent leaving),
 * at the first modelled latency, concurrency 1 and 50, in rotating rounds; and the Twilio calls
 * each request makes, as the fake counts them.
 */
import { DEMO } from '../../sandbox/demo';
import { bearer, json, KNOBS, type Bench } from './context';
import { load, type Figures, type Target } from './load';
import { fmt, say, summarize, verdict } from './report';

type Side = 'ours' | 'base';

/** REST calls one request makes (IAM left out: it is cached after the first). */
async function callsPerRequest(b: Bench, url: string, target: Target): Promise<number> {
  await fetch(`${url}${target.path}`, target.init).then((r) => r.arrayBuffer());
  b.fake.clearRequests();
  const r = await fetch(`${url}${target.path}`, target.init);
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`${target.path} answered ${r.status}`);
  return b.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate')).length;
}

export async function participantsTable(b: Bench, url: string): Promise<void> {
  const { kd, uo } = b;
  const query = `interactionSid=${kd}&channelSid=${uo}`;
  const leave = JSON.stringify({ interactionSid: kd, channelSid: uo, status: 'wrapup' });
  const cases: Array<{ name: string } & Record<Side, Target>> = [
    {
      name: 'list-participants',
      ours: { path: `/list-participants?${query}`, init: { headers: bearer(DEMO.agentToken) } },
      base: { path: `/baseline-list-participants?${query}`, init: {} },
    },
    {
      name: 'update-participant (an agent leaving, wrapup)',
      ours: { path: '/update-participant', init: { method: 'POST', headers: { ...json, ...bearer(DEMO.agentToken) }, body: leave } },
      base: { path: '/baseline-update-participant', init: { method: 'POST', headers: json, body: leave } },
    },
  ];
  // One update repeated under load: the fake answers each as applied and keeps the participant as it was.
  b.fake.participantUpdatesKeepState = true;
  try {
    say();
    say(`Participants (Twilio ${b.fake.latencyMs} ms; REST calls per request as the fake counts them; ${KNOBS.rounds} rounds per side, rotating):`);
    say();
    say(
      '| function | REST calls (ours, base) | conc. | ours req/s | ours p50 | ours p99 | base p50 | base p99 | ours/base p50 | errors (ours, base) |',
    );
    say('|---|---|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const calls = `${await callsPerRequest(b, url, c.ours)}, ${await callsPerRequest(b, url, c.base)}`;
      for (const connections of [1, 50]) {
        const seconds = connections === 1 ? KNOBS.short : KNOBS.long;
        const runs: Record<Side, Figures[]> = { ours: [], base: [] };
        for (let round = 0; round < KNOBS.rounds; round++) {
          for (const side of (round % 2 === 0 ? ['base', 'ours'] : ['ours', 'base']) as Side[]) {
            runs[side].push(await load(`${url}${c[side].path}`, connections, seconds, c[side].init));
          }
        }
        const o = summarize(runs.ours);
        const base = summarize(runs.base);
        say(
          `| ${c.name} | ${calls} | ${connections} | ${fmt(o.rps, 0)} | ${fmt(o.p50)} | ${fmt(o.p99)} | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(o.p50 / base.p50, 2)} | ${o.errors}, ${base.errors} |`,
        );
        verdict(`${c.name}, ${b.fake.latencyMs} ms, c=${connections}: p50 ≤ 1.05 × base`, fmt(o.p50 / base.p50, 2), o.p50 / base.p50 <= 1.05);
      }
    }
  } finally {
    b.fake.participantUpdatesKeepState = false;
  }
}
