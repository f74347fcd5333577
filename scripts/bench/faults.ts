/** Twilio answering 429 forever, then hanging: every answer must come within the deadline + 0.5 s. */
import { DEMO } from '../../sandbox/demo';
import { bearer, KNOBS, type Bench } from './context';
import { say, verdict } from './report';

export async function faults(b: Bench, url: string): Promise<void> {
  const { fake, kd, uo } = b;
  const deadline = KNOBS.deadlineMs;
  say();
  for (const [label, fault] of [
    ['429 forever (Retry-After: 1)', { kind: 'status', status: 429, retryAfter: '1' }],
    ['429 forever (no Retry-After)', { kind: 'status', status: 429 }],
    ['hanging', { kind: 'delay', ms: 60_000 }],
  ] as const) {
    fake.clearFaults();
    fake.inject(fault, (q) => q.path.startsWith('/v1/Interactions'), 1_000_000);
    const started = Date.now();
    const times = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const t0 = Date.now();
        const r = await fetch(`${url}/get-channel?interactionSid=${kd}&channelSid=${uo}`, { headers: bearer(DEMO.agentToken) });
        await r.text();
        return { ms: Date.now() - t0, status: r.status };
      }),
    );
    const worst = Math.max(...times.map((t) => t.ms));
    const statuses = [...new Set(times.map((t) => t.status))].join(',');
    say(
      `Twilio ${label}: 10 concurrent requests answered ${statuses}, slowest ${worst} ms (deadline ${deadline} ms + 500 = ${deadline + 500}) in ${Date.now() - started} ms total.`,
    );
    verdict(`Twilio ${label}: answered within the deadline + 0.5 s`, `${worst} ms`, worst <= deadline + 500);
  }
  fake.clearFaults();
}
