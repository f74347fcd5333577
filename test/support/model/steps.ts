/**
 * The steps of the model-based suite: each an operation a Flex team uses, an event Twilio sends,
 * a request sent again, or a Twilio call made to fail. A step that cannot happen now (nobody on
 * the channel to transfer from, no task waiting) does nothing; `check` keeps the model's rules.
 */
import fc from 'fast-check';
import type { Fault } from '../../../sandbox/fake-twilio';
import { AGENTS, type Model, type ModelWorld, type Step } from './world';
import * as f from '../fixtures';

const QUEUE = `WQ${'9'.repeat(32)}`;
const WORKERS = [f.AGENT_WORKER, f.OUTSIDER_WORKER, f.SUPERVISOR_WORKER];

function step(name: string, run: (m: Model, w: ModelWorld) => Promise<void>, check: (m: Readonly<Model>) => boolean = () => true): Step {
  return { check, run, toString: () => name };
}

/** An agent on the channel who has a token, if any. */
function someoneOn(w: ModelWorld, pick: number) {
  const on = w.agentsOn().filter((p) => AGENTS.some((a) => a.worker === p.workerSid));
  const p = on[pick % Math.max(1, on.length)];
  return p === undefined ? undefined : { participant: p, token: AGENTS.find((a) => a.worker === p.workerSid)!.token };
}

/** A worker not on the channel, to take a task. */
function someoneOff(w: ModelWorld, pick: number): string {
  const on = new Set(w.agentsOn().map((p) => p.workerSid));
  const off = WORKERS.filter((x) => !on.has(x));
  return off[pick % off.length] ?? WORKERS[0]!;
}

const transfer = fc
  .record({ mode: fc.constantFrom('cold', 'warm'), to: fc.constantFrom('queue', 'worker'), signed: fc.boolean(), pick: fc.nat(3) })
  .map(({ mode, to, signed, pick }) =>
    step(`transfer ${mode} to a ${to}${signed ? ' (signed twin)' : ''}`, async (_m, w) => {
      const from = someoneOn(w, pick);
      if (from === undefined) return;
      const target: Record<string, string> = to === 'queue' ? { queueSid: QUEUE } : { workerSid: someoneOff(w, pick) };
      const params = { ...w.ids, ...target, mode };
      if (signed) await w.signed('/studio/transfer-channel', { ...params, participantSid: from.participant.sid });
      else await w.post('/transfer-channel', params, from.token);
    }),
  );

const routed = (w: ModelWorld, pick: number) => w.routing()[pick % Math.max(1, w.routing().length)];

const accept = fc.record({ pick: fc.nat(3), server: fc.nat(1) }).map(({ pick, server }) =>
  step('a worker accepts the waiting task', async (_m, w) => {
    const task = routed(w, pick);
    if (task === undefined) return;
    const worker = task.targetWorkerSid ?? someoneOff(w, pick);
    const { reservation, events } = w.fake.router.reserve(task.sid, worker);
    await w.events([...events, ...w.fake.router.accept(reservation.sid)], server);
  }),
);

const decline = fc.record({ how: fc.constantFrom('rejected', 'timeout'), pick: fc.nat(3), server: fc.nat(1) }).map(({ how, pick, server }) =>
  step(`the offered worker declines (${how})`, async (_m, w) => {
    const task = routed(w, pick);
    if (task === undefined) return;
    const { reservation, events } = w.fake.router.reserve(task.sid, task.targetWorkerSid ?? someoneOff(w, pick));
    await w.events([...events, ...w.fake.router.decline(reservation.sid, how)], server);
  }),
);

const ends = fc
  .record({ how: fc.constantFrom('workflow.timeout', 'task.canceled'), pick: fc.nat(3), server: fc.nat(1) })
  .map(({ how, pick, server }) =>
    step(`the waiting task ends (${how})`, async (_m, w) => {
      const task = routed(w, pick);
      if (task !== undefined) await w.events(w.fake.router.end(task.sid, how), server);
    }),
  );

const leave = fc.record({ status: fc.constantFrom('wrapup', 'closed'), pick: fc.nat(3) }).map(({ status, pick }) =>
  step(`an agent leaves (${status}) while another is on`, async (_m, w) => {
    const who = someoneOn(w, pick);
    // The last agent's leave is the issue "The last one out covers the customer".
    if (who === undefined || w.agentsOn().length < 2) return;
    await w.post('/update-participant', { ...w.ids, status, participantSid: who.participant.sid }, who.token);
  }),
);

const park = fc.record({ signed: fc.boolean(), pick: fc.nat(3) }).map(({ signed, pick }) =>
  step(`park${signed ? ' (signed twin)' : ''}`, async (_m, w) => {
    const who = someoneOn(w, pick);
    if (who === undefined) return;
    if (signed) await w.signed('/studio/park-channel', { ...w.ids, participantSid: who.participant.sid });
    else await w.post('/park-channel', w.ids, who.token);
  }),
);

const writes = fc.constant(
  step('the customer writes', async (_m, w) => {
    if (!w.open()) return;
    await w.fake.addMessage(w.conversationSid, { author: 'customer-ada', body: 'hello?' });
  }),
);

const resume = fc.constant(step('a supervisor resumes', async (_m, w) => void (await w.post('/resume-channel', w.ids, f.SUPERVISOR_TOKEN))));
const close = fc.constant(step('a supervisor closes', async (_m, w) => void (await w.post('/close-channel', w.ids, f.SUPERVISOR_TOKEN))));
const list = fc.constant(
  step('lists are read', async (_m, w) => {
    await w.post('/list-participants', w.ids, f.SUPERVISOR_TOKEN);
    await w.post('/list-parked', {}, f.SUPERVISOR_TOKEN, 1);
  }),
);

const replay = fc.nat(20).map((pick) =>
  step(
    'an earlier signed request is sent again',
    async (m, w) => {
      const earlier = m.signed[pick % m.signed.length]!;
      await w.signed(earlier.path, earlier.params, 1, false);
    },
    (m) => m.signed.length > 0,
  ),
);

const twice = fc.nat(20).map((pick) =>
  step(
    'an earlier signed request delivered twice at once, to both processes',
    async (m, w) => {
      const earlier = m.signed[pick % m.signed.length]!;
      await Promise.all([w.signed(earlier.path, earlier.params, 0, false), w.signed(earlier.path, earlier.params, 1, false)]);
    },
    (m) => m.signed.length > 0,
  ),
);

const FAULTS: Record<string, Fault> = {
  '500': { kind: 'status', status: 500 },
  '429': { kind: 'status', status: 429, code: 20429 },
  reset: { kind: 'reset' },
};
const WHERE: Record<string, (path: string) => boolean> = {
  interactions: (p) => p.startsWith('/v1/Interactions'),
  taskrouter: (p) => p.startsWith('/v1/Workspaces'),
  sync: (p) => p.startsWith('/v1/Services'),
  conversations: (p) => p.startsWith('/v1/Conversations'),
};
const fault = fc
  .record({
    kind: fc.constantFrom('500', '429', 'reset'),
    where: fc.constantFrom(...Object.keys(WHERE)),
    method: fc.constantFrom('GET', 'POST', 'DELETE'),
  })
  .map(({ kind, where, method }) =>
    step(`the next ${method} to ${where} fails (${kind})`, async (m, w) => {
      m.faulted = true;
      // 429 is retried by the client within the deadline; several in a row make it give up.
      w.fake.inject(FAULTS[kind]!, (q) => q.method === method && WHERE[where]!(q.path), kind === '429' ? 4 : 1);
    }),
  );

/** Every step, weighted so that a sequence reaches transfers and parks before it ends. */
export function all(): Array<fc.Arbitrary<Step>> {
  return [transfer, transfer, accept, accept, decline, ends, leave, park, park, writes, writes, resume, close, list, replay, twice, fault] as never;
}
