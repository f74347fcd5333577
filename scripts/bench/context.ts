/**
 * What every part of the benchmark shares: the knobs (environment variables), the stateful fake
 * of Twilio with the demo data, the settings of each side, and the service folders it serves.
 */
import { join } from 'node:path';
import { DEMO, demoTwilio } from '../../sandbox/demo';
import { prepareService } from './servers';
import { ROOT } from '../root';

export const KNOBS = {
  latenciesMs: (process.env.BENCH_LATENCIES_MS ?? '25,80').split(',').map(Number),
  short: Number(process.env.BENCH_SECONDS_C1 ?? 5),
  long: Number(process.env.BENCH_SECONDS_C50 ?? 10),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  deadlineMs: 8000,
};

export interface Bench {
  fake: ReturnType<typeof demoTwilio>;
  /** Our functions' settings (the baseline functions read the same). */
  settings: Record<string, string>;
  /** The usual backend's settings. */
  usualSettings: Record<string, string>;
  /** Service folders: ours + the baseline functions, ours alone, the usual backend. */
  services: { both: string; ours: string; usual: string };
  /** The demo channel an agent is on, and an interaction with two channels. */
  kd: string;
  uo: string;
  second: (typeof DEMO.interactions)[1];
  /** The demo agent's token, URL-encoded for a query string. */
  token: string;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const json = { 'Content-Type': 'application/json' };

/** Start the fake of Twilio (at the first modelled latency) and lay out the service folders. */
export async function setUp(): Promise<Bench> {
  const fake = demoTwilio();
  fake.latencyMs = KNOBS.latenciesMs[0]!;
  const twilioUrl = await fake.start();
  const settings = {
    ACCOUNT_SID: DEMO.accountSid,
    AUTH_TOKEN: DEMO.authToken,
    TWILIO_API_BASE_URL: twilioUrl,
    TWILIO_IAM_BASE_URL: twilioUrl,
    REQUEST_DEADLINE_MS: String(KNOBS.deadlineMs),
    // The park records' Sync service (park and resume need one: scripts/bench/park.ts).
    SYNC_SERVICE_SID: fake.sync.addService(),
  };
  const usualSettings = { ACCOUNT_SID: DEMO.accountSid, AUTH_TOKEN: DEMO.authToken, USUAL_TWILIO_URL: twilioUrl };
  const ours = join(ROOT, 'dist', 'functions');
  const services = {
    both: prepareService('bench-service', [ours, join(ROOT, 'dist', 'bench', 'functions')]),
    ours: prepareService('bench-ours', [ours]),
    usual: prepareService('bench-usual', [join(ROOT, 'bench', 'usual', 'functions')]),
  };
  const [first, second] = DEMO.interactions;
  return {
    fake,
    settings,
    usualSettings,
    services,
    kd: first.interactionSid,
    uo: first.channels[0].sid,
    second,
    token: encodeURIComponent(DEMO.agentToken),
  };
}
