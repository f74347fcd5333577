/**
 * Transfers: /transfer-channel (cold, to a queue, as the demo agent) against a baseline making the
 * same Twilio calls (bench/functions/baseline-transfer-channel.ts), at the first modelled
 * latency, concurrency 1 and 50, in rotating rounds; then the Twilio calls per transfer and per
 * finishing event delivered to /webhooks/taskrouter (cold accepted, warm accepted, a duplicate
 * later, two duplicates at the same moment, failures), **counted from the fake's request log**.
 */
import { DEMO } from '../../sandbox/demo';
import { bearer, json, KNOBS, type Bench } from './context';
import { load, type Figures, type Target } from './load';
import { fmt, say, summarize, verdict } from './report';

type Side = 'ours' | 'base';
const QUEUE = `WQ${'9'.repeat(32)}`;

/** What reached Twilio's REST API since the last clear (IAM left out: it is cached). */
const restCalls = (b: Bench) =>
  b.fake.requests
    .filter((q) => !q.path.endsWith('/Tokens/validate'))
    .map(
      (q) =>
        `${q.method} ${q.path
          .split('/')
          .slice(-2)[0]!
          .replace(/[A-Z]{2}[0-9a-f]{32}/, '{sid}')}/…`,
    );

/** A fresh conversation with the demo agent on it, its task in TaskRouter. */
function conversation(b: Bench): { interactionSid: string; channelSid: string } {
  const { interactionSid, channelSids } = b.fake.addInteraction([{ workers: [DEMO.agentWorkerSid] }]);
  const channelSid = channelSids[0]!;
  b.fake.addAgentTask(
    channelSid,
    b.fake.participants.get(channelSid)!.find((p) => p.workerSid === DEMO.agentWorkerSid)!,
  );
  return { interactionSid, channelSid };
}

async function transfer(b: Bench, url: string, mode: 'cold' | 'warm', target: Record<string, string> = { queueSid: QUEUE }) {
  const c = conversation(b);
  const r = await fetch(`${url}/transfer-channel`, {
    method: 'POST',
    headers: { ...json, ...bearer(DEMO.agentToken) },
    body: JSON.stringify({ ...c, ...target, mode }),
  });
  const body = (await r.json()) as { task: { sid: string } };
  if (r.status !== 200) throw new Error(`/transfer-channel answered ${r.status}: ${JSON.stringify(body)}`);
  return body.task.sid;
}

/** Deliver `events` (all at once when `together`), and count the REST calls they caused. */
async function count(b: Bench, url: string, events: Array<Record<string, string>>, together = false): Promise<{ n: number; actions: string }> {
  b.fake.clearRequests();
  const deliver = (e: Record<string, string>) => b.fake.deliverEvent(`${url}/webhooks/taskrouter`, e);
  const answers = together ? await Promise.all(events.map(deliver)) : [];
  if (!together) for (const e of events) answers.push(await deliver(e));
  for (const a of answers) if (a.status !== 200) throw new Error(`/webhooks/taskrouter answered ${a.status}: ${JSON.stringify(a.body)}`);
  return { n: restCalls(b).length, actions: answers.map((a) => (a.body as { action: string }).action).join(', ') };
}

async function callCounts(b: Bench, url: string): Promise<void> {
  say();
  say('Twilio REST calls per transfer and per finishing event, counted from the fake of Twilio’s request log:');
  say();
  say('| step | REST calls | answered |');
  say('|---|---|---|');
  conversation(b); // the workspace list is made once per container: done before the count
  await transfer(b, url, 'cold');
  b.fake.clearRequests();
  const cold = await transfer(b, url, 'cold');
  say(`| /transfer-channel (workspace already looked up) | ${restCalls(b).length} | 200 |`);
  const { reservation } = b.fake.router.reserve(cold, DEMO.secondAgentWorkerSid);
  const accepted = b.fake.router.accept(reservation.sid);
  const rows: Array<[string, { n: number; actions: string }]> = [];
  rows.push(['reservation.accepted, cold', await count(b, url, accepted)]);
  rows.push(['the same reservation.accepted again, later', await count(b, url, accepted)]);
  const raced = await transfer(b, url, 'cold');
  const twice = b.fake.router.accept(b.fake.router.reserve(raced, DEMO.secondAgentWorkerSid).reservation.sid)[0]!;
  b.fake.inject({ kind: 'together', count: 2 }, (q) => q.method === 'GET' && q.path.endsWith(`/Tasks/${raced}`), 2);
  rows.push(['reservation.accepted delivered twice at the same moment (both deliveries)', await count(b, url, [twice, twice], true)]);
  const warm = await transfer(b, url, 'warm');
  rows.push([
    'reservation.accepted, warm',
    await count(b, url, b.fake.router.accept(b.fake.router.reserve(warm, DEMO.secondAgentWorkerSid).reservation.sid)),
  ]);
  const timedOut = await transfer(b, url, 'cold');
  rows.push([
    'workflow.timeout (a failure; the orphan guard then reads the channel)',
    await count(b, url, b.fake.router.end(timedOut, 'workflow.timeout')),
  ]);
  const declined = await transfer(b, url, 'cold', { workerSid: DEMO.secondAgentWorkerSid });
  const [rejected, canceled] = b.fake.router.decline(b.fake.router.reserve(declined).reservation.sid);
  rows.push(['reservation.rejected of a worker transfer (a failure)', await count(b, url, [rejected!])]);
  rows.push(['its task.canceled after it (already recorded; the orphan guard reads the channel)', await count(b, url, [canceled!])]);
  for (const [name, r] of rows) say(`| ${name} | ${r.n} | ${r.actions} |`);
}

export async function transferTable(b: Bench, url: string): Promise<void> {
  // A channel of its own: earlier parts (warm's agent close) close the demo channel, and a closed channel is refused.
  const body = JSON.stringify({ ...conversation(b), queueSid: QUEUE });
  const c: Record<Side, Target> = {
    ours: { path: '/transfer-channel', init: { method: 'POST', headers: { ...json, ...bearer(DEMO.agentToken) }, body } },
    base: { path: '/baseline-transfer-channel', init: { method: 'POST', headers: json, body } },
  };
  say();
  say(`Transfer (Twilio ${b.fake.latencyMs} ms; cold, to a queue, as the demo agent; ${KNOBS.rounds} rounds per side, rotating):`);
  say();
  say('| function | conc. | ours req/s | ours p50 | ours p99 | base p50 | base p99 | ours/base p50 | errors (ours, base) |');
  say('|---|---|---|---|---|---|---|---|---|');
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
      `| transfer-channel | ${connections} | ${fmt(o.rps, 0)} | ${fmt(o.p50)} | ${fmt(o.p99)} | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(o.p50 / base.p50, 2)} | ${o.errors}, ${base.errors} |`,
    );
    // A run with errors measured refusals, not transfers: never a met target.
    const clean = o.errors === 0 && base.errors === 0;
    verdict(
      `transfer-channel, ${b.fake.latencyMs} ms, c=${connections}: p50 ≤ 1.05 × base`,
      clean ? fmt(o.p50 / base.p50, 2) : `${fmt(o.p50 / base.p50, 2)} with ${o.errors + base.errors} errors`,
      clean && o.p50 / base.p50 <= 1.05,
    );
  }
  await callCounts(b, url);
}
