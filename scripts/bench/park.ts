/**
 * Park and resume: /park-channel (as the demo agent, Flex token), a resume by the customer's
 * message (a signed onMessageAdded delivered to /webhooks/conversations) and /resume-channel (a
 * click, as the demo agent), each against a baseline making the same Twilio calls in the same
 * order (bench/functions/baseline-park-channel.ts, baseline-resume-channel.ts), at the first
 * modelled latency, concurrency 1 and 50, in rotating rounds; then the Twilio calls per park, per
 * resume (message, click) and per duplicate delivery, **counted from the fake's request log**.
 *
 * Every request changes state (a channel is parked once, a park resumed once), so each names a
 * channel of its own: before every run the fake is seeded with fresh conversations (the demo
 * agent on each, their task in TaskRouter), parked through our /park-channel for the resume
 * runs, and autocannon sends each request to the next of them (loadEach, sequence.ts). A run is
 * therefore a number of requests (BENCH_PARK_C1, BENCH_PARK_C50), not a number of seconds.
 */
import twilio from 'twilio';
import { DEMO } from '../../sandbox/demo';
import { bearer, json, type Bench } from './context';
import { loadEach, withCpu, type Figures, type Target } from './load';
import { fmt, median, middleHalf, say, summarize, verdict } from './report';

type Side = 'ours' | 'base';
type Ids = { interactionSid: string; channelSid: string };
type Listed = Target['init'] & { path: string };

const AMOUNT: Record<number, number> = { 1: Number(process.env.BENCH_PARK_C1 ?? 20), 50: Number(process.env.BENCH_PARK_C50 ?? 150) };
/**
 * Rounds per side. One run of the same side's p50 at c=50 ranged over ±15 % from run to run
 * (173–233 ms for the baseline's resume by message in six runs, 2026-12-02), more than the 5 %
 * being judged, so each round pairs a run of ours with a run of the baseline next to it and the
 * verdict is the median of those rounds' ratios.
 */
const ROUNDS = Number(process.env.BENCH_PARK_ROUNDS ?? 7);
const SEED_CONCURRENCY = 10;

/** What reached Twilio's REST API since the last clear (IAM left out: it is cached), as `METHOD last/two` with SIDs elided. */
const restCalls = (b: Bench) =>
  b.fake.requests
    .filter((q) => !q.path.endsWith('/Tokens/validate'))
    .map(
      (q) =>
        `${q.method} ${q.path
          .replace(/[A-Z]{2}[0-9a-f]{32}/g, '…')
          .split('/')
          .slice(-2)
          .join('/')}`,
    );

/** A fresh conversation with the demo agent on it, its task in TaskRouter. */
function conversation(b: Bench): Ids {
  const { interactionSid, channelSids } = b.fake.addInteraction([{ workers: [DEMO.agentWorkerSid] }]);
  const channelSid = channelSids[0]!;
  b.fake.addAgentTask(
    channelSid,
    b.fake.participants.get(channelSid)!.find((p) => p.workerSid === DEMO.agentWorkerSid)!,
    {
      customerName: 'Ada',
      orderId: 'R-1234',
    },
  );
  return { interactionSid, channelSid };
}

async function answer(r: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await r.json()) as Record<string, unknown>;
  if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(body)}`);
  return body;
}

const parkRequest = (ids: Ids, side: Side): Listed =>
  side === 'ours'
    ? { path: '/park-channel', method: 'POST', headers: { ...json, ...bearer(DEMO.agentToken) }, body: JSON.stringify(ids) }
    : { path: '/baseline-park-channel', method: 'POST', headers: json, body: JSON.stringify(ids) };

const clickRequest = (ids: Ids, side: Side): Listed =>
  side === 'ours'
    ? { path: '/resume-channel', method: 'POST', headers: { ...json, ...bearer(DEMO.agentToken) }, body: JSON.stringify(ids) }
    : { path: '/baseline-resume-channel', method: 'POST', headers: json, body: JSON.stringify(ids) };

/**
 * The customer writes in a parked conversation: the message is stored in the fake (not posted:
 * the run posts it), and its onMessageAdded form, signed as Twilio signs it over the https URL
 * the webhook names, goes to ours; the baseline gets the same form, unchecked.
 */
function messageRequest(b: Bench, url: string, ids: Ids, side: Side): Listed {
  const conversationSid = b.fake.conversationOf(ids.channelSid)!;
  const c = b.fake.conversations.get(conversationSid)!;
  const m = {
    sid: b.fake.nextSid('IM'),
    index: c.messages.length,
    author: 'customer-ada',
    body: 'found the receipt',
    dateCreated: new Date().toISOString(),
  };
  c.messages.push(m);
  const params = b.fake.messageEvent(conversationSid, m);
  const path = `${side === 'ours' ? '/webhooks/conversations' : '/baseline-resume-channel'}?interactionSid=${ids.interactionSid}&channelSid=${ids.channelSid}`;
  const signature = twilio.getExpectedTwilioSignature(DEMO.authToken, `${url.replace(/^http:\/\/127\.0\.0\.1/, 'https://localhost')}${path}`, params);
  return {
    path,
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  };
}

async function park(url: string, ids: Ids): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}/park-channel`, { method: 'POST', headers: { ...json, ...bearer(DEMO.agentToken) }, body: JSON.stringify(ids) });
  return answer(r, '/park-channel');
}

/** `n` fresh conversations, parked through our /park-channel when `parked`, SEED_CONCURRENCY at a time. */
async function seed(b: Bench, url: string, n: number, parked: boolean): Promise<Ids[]> {
  const all = Array.from({ length: n }, () => conversation(b));
  if (parked) {
    let next = 0;
    await Promise.all(
      Array.from({ length: SEED_CONCURRENCY }, async () => {
        while (next < all.length) await park(url, all[next++]!);
      }),
    );
  }
  return all;
}

type Kind = { name: string; parked: boolean; request: (ids: Ids, side: Side) => Listed };

async function compare(b: Bench, url: string, pid: number, kind: Kind): Promise<void> {
  for (const connections of [1, 50]) {
    const amount = AMOUNT[connections]!;
    const runs: Record<Side, Figures[]> = { ours: [], base: [] };
    const cpu: Record<Side, number[]> = { ours: [], base: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of (round % 2 === 0 ? ['base', 'ours'] : ['ours', 'base']) as Side[]) {
        const channels = await seed(b, url, amount + connections, kind.parked);
        // A run sends its requests at once, so each queues behind the CPU of those ahead of it.
        const measured = await withCpu(pid, () =>
          loadEach(
            url,
            connections,
            amount,
            channels.map((ids) => kind.request(ids, side)),
          ),
        );
        runs[side].push(measured.figures);
        cpu[side].push(measured.cpuMsPerRequest);
      }
    }
    const o = summarize(runs.ours);
    const base = summarize(runs.base);
    const ratios = runs.ours.map((r, i) => r.p50 / runs.base[i]!.p50);
    const ratio = median(ratios);
    say(
      `| ${kind.name} | ${connections} | ${fmt(o.rps, 0)} | ${fmt(o.p50)} | ${fmt(o.p99)} | ${fmt(base.p50)} | ${fmt(base.p99)} | ${fmt(ratio, 2)} | ${middleHalf(ratios)} | ${fmt(median(cpu.ours), 2)}, ${fmt(median(cpu.base), 2)} | ${o.errors}, ${base.errors} |`,
    );
    verdict(`${kind.name}, ${b.fake.latencyMs} ms, c=${connections}: p50 ≤ 1.05 × base`, fmt(ratio, 2), ratio <= 1.05);
  }
}

/** Send `listed` (all at once when `together`) and count the REST calls they caused. */
async function count(b: Bench, url: string, listed: Listed[], together = false): Promise<{ n: number; calls: string; actions: string }> {
  b.fake.clearRequests();
  const send = async (l: Listed) => {
    const r = await fetch(`${url}${l.path}`, { method: l.method, headers: l.headers, body: l.body });
    return (await answer(r, l.path)).action;
  };
  const actions = together ? await Promise.all(listed.map(send)) : [];
  if (!together) for (const l of listed) actions.push(await send(l));
  const calls = restCalls(b);
  return { n: calls.length, calls: calls.join(', '), actions: actions.map(String).join(', ') };
}

async function callCounts(b: Bench, url: string): Promise<void> {
  say();
  say(
    'Twilio REST calls per park and per resume, counted from the fake of Twilio’s request log (calls as `METHOD` and the last two path segments, SIDs elided):',
  );
  say();
  say('| step | REST calls | answered | calls |');
  say('|---|---|---|---|');
  const rows: Array<[string, { n: number; calls: string; actions: string }]> = [];
  const invites = (ids: Ids) => b.fake.invites.filter((i) => i.channelSid === ids.channelSid).length;
  const parked = conversation(b);
  b.fake.clearRequests();
  await park(url, parked);
  const parkCalls = restCalls(b);
  rows.push(['/park-channel (workspace looked up, map made already)', { n: parkCalls.length, calls: parkCalls.join(', '), actions: '200' }]);
  const event = messageRequest(b, url, parked, 'ours');
  rows.push(['resume by a customer message (onMessageAdded)', await count(b, url, [event])]);
  rows.push(['the same delivery again, later (the second of two)', await count(b, url, [event])]);
  if (invites(parked) !== 1) throw new Error(`a message and its duplicate made ${invites(parked)} invites`);
  const [clicked, raced] = await seed(b, url, 2, true);
  rows.push(['/resume-channel (a click)', await count(b, url, [clickRequest(clicked!, 'ours')])]);
  const twice = messageRequest(b, url, raced!, 'ours');
  b.fake.inject({ kind: 'together', count: 2 }, (q) => q.method === 'GET' && q.path.endsWith(`/Items/${raced!.channelSid}`), 2);
  rows.push(['one delivery twice at the same moment (both deliveries)', await count(b, url, [twice, twice], true)]);
  if (invites(clicked!) !== 1 || invites(raced!) !== 1) throw new Error('a click or a raced delivery did not make exactly one invite');
  for (const [name, r] of rows) say(`| ${name} | ${r.n} | ${r.actions} | ${r.calls} |`);
  await sameCalls(b, url, parkCalls, rows[3]![1].calls);
}

/** The baselines make the calls ours made, in the same order (else the comparison is void: the run stops). */
async function sameCalls(b: Bench, url: string, parkCalls: string[], resumeCalls: string): Promise<void> {
  const fresh = conversation(b);
  b.fake.clearRequests();
  await answer(await fetch(`${url}/baseline-park-channel`, { method: 'POST', headers: json, body: JSON.stringify(fresh) }), '/baseline-park-channel');
  const basePark = restCalls(b);
  if (basePark.join(', ') !== parkCalls.join(', ')) throw new Error(`the park baseline calls ${basePark.join(', ')}; ours ${parkCalls.join(', ')}`);
  const baseResume = await count(b, url, [clickRequest(fresh, 'base')]);
  if (baseResume.calls !== resumeCalls) throw new Error(`the resume baseline calls ${baseResume.calls}; ours ${resumeCalls}`);
  say();
  say('The baselines made these same calls in the same order (checked in this run).');
}

export async function parkTable(b: Bench, url: string, pid: number): Promise<void> {
  say();
  say(
    `Park and resume (Twilio ${b.fake.latencyMs} ms; as the demo agent; each request a fresh channel, ${AMOUNT[1]} requests at c=1 and ${AMOUNT[50]} at c=50 per run; ${ROUNDS} rounds, each a run of both sides in alternating order; ours/base p50 is the median of the rounds' ratios, then the middle half of them; server CPU from /proc, median per run):`,
  );
  say();
  say(
    '| function | conc. | ours req/s | ours p50 | ours p99 | base p50 | base p99 | ours/base p50 | per-round ratios (middle half) | server CPU ms/request (ours, base) | errors (ours, base) |',
  );
  say('|---|---|---|---|---|---|---|---|---|---|---|');
  // Once per container, before any run: the workspace list (both sides) and the Sync map.
  await park(url, conversation(b));
  await answer(await fetch(`${url}/baseline-park-channel`, { method: 'POST', headers: json, body: JSON.stringify(conversation(b)) }), 'the baseline');
  await compare(b, url, pid, { name: 'park-channel', parked: false, request: parkRequest });
  await compare(b, url, pid, { name: 'resume by message', parked: true, request: (ids, side) => messageRequest(b, url, ids, side) });
  await compare(b, url, pid, { name: 'resume-channel', parked: true, request: clickRequest });
  await callCounts(b, url);
}
