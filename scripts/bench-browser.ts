/**
 * `npm run bench:browser` (and the last section of `npm run bench`): what the agent's browser
 * waits for a call through the client, against what it cannot avoid waiting for.
 *
 * A real Chromium (as in the browser suite) opens a page on a Flex-like https origin that
 * imports the built client (dist/client/*.mjs) and calls the functions on a *.twil.io-like https
 * host: the local gateway in front of twilio-run, adding a modelled network round trip to every
 * request (BENCH_BROWSER_RTT_MS, default 80 ms), with the fake of Twilio answering after 25 ms.
 * For each call the page measures its own wait; the gateway records the runtime's time for the
 * same request. The client should add little to (one round trip + the server's own time), and
 * send exactly one request per call (no preflight, no retry).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startLocalPlatform } from '../gateway/local-platform';
import { freePort } from '../gateway/twilio-run';
import { DEMO, demoTwilio } from '../sandbox/demo';
import { launchBrowser } from '../test/support/browser';
import { makeTestCertificate } from '../test/support/tls';
import { ROOT } from './root';

const RTT_MS = Number(process.env.BENCH_BROWSER_RTT_MS ?? 80);
const TWILIO_MS = 25;
const CALLS = Number(process.env.BENCH_BROWSER_CALLS ?? 40);
const FLEX_HOST = 'flex.twilio.com';
const SERVICE_HOST = 'flex-interaction-channels-1234-dev.twil.io';

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body>
<script type="module">import * as client from '/client.mjs'; window.FIC = client; document.body.dataset.ready = 'yes';</script></body></html>`;

export interface Verdict {
  target: string;
  measured: string;
  met: boolean;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs the browser measurement; reports through `say` and returns its targets. */
export async function browserBench(say: (text?: string) => void): Promise<Verdict[]> {
  const cert = makeTestCertificate([FLEX_HOST, SERVICE_HOST]);
  const clientModule = readFileSync(join(ROOT, 'dist', 'client', 'flex-interaction-channels.mjs'), 'utf8');
  const pages = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const module = req.url === '/client.mjs';
    res.writeHead(200, { 'Content-Type': module ? 'text/javascript' : 'text/html' });
    res.end(module ? clientModule : PAGE);
  });
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  const pagePort = (pages.address() as AddressInfo).port;
  const fake = demoTwilio();
  fake.latencyMs = TWILIO_MS;
  const twilioUrl = await fake.start();
  const port = await freePort();
  const serviceUrl = `https://${SERVICE_HOST}:${port}`;
  const platform = await startLocalPlatform({
    settings: {
      ACCOUNT_SID: DEMO.accountSid,
      AUTH_TOKEN: DEMO.authToken,
      TWILIO_API_BASE_URL: twilioUrl,
      TWILIO_IAM_BASE_URL: twilioUrl,
      ALLOWED_ORIGINS: `https://${FLEX_HOST}:${pagePort}`,
    },
    port,
    tls: { cert: cert.cert, key: cert.key },
    publicOrigin: serviceUrl,
    roundTripMs: RTT_MS,
    logs: false,
    onOutput: () => undefined,
  });
  const browser = await launchBrowser({ hosts: [FLEX_HOST, SERVICE_HOST], certPem: cert.cert });
  const verdicts: Verdict[] = [];
  try {
    const page = await browser.newPage();
    await page.goto(`https://${FLEX_HOST}:${pagePort}/`);
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    const [first] = DEMO.interactions;
    const calls = {
      getChannel: `client.getChannel({ interactionSid: '${first.interactionSid}', channelSid: '${first.channels[0].sid}' })`,
      listChannels: `client.listChannels({ interactionSid: '${first.interactionSid}' })`,
    };
    say();
    say(`## The agent's browser`);
    say();
    say(
      `Command: \`npm run bench:browser\` (also the last part of \`npm run bench\`). Chromium (@sparticuz/chromium) on a Flex-like https origin calls the functions through the built client; the local gateway (https, a *.twil.io-like host) adds a modelled ${RTT_MS} ms round trip to every request; Twilio is the fake answering after ${TWILIO_MS} ms. ${CALLS} calls each, one at a time, after 5 to warm up. Server = the runtime's own time for the same requests, as the gateway measured it.`,
    );
    say();
    say(`| call | browser p50 ms | server p50 ms | round trip ms | browser / (round trip + server) | requests per call | preflights |`);
    say('|---|---|---|---|---|---|---|');
    for (const [name, call] of Object.entries(calls)) {
      const before = platform.gateway.seen.length;
      const waits: number[] = await page.evaluate(
        async ({ baseUrl, token, call, n }) => {
          const FIC = (globalThis as any).FIC;
          const client = new FIC.FlexInteractionChannelsClient({ baseUrl, token: () => token });
          const run = new Function('client', `return ${call};`) as (c: unknown) => Promise<unknown>;
          for (let i = 0; i < 5; i++) await run(client);
          const out: number[] = [];
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            await run(client);
            out.push(performance.now() - t0);
          }
          return out;
        },
        { baseUrl: serviceUrl, token: DEMO.agentToken, call, n: CALLS },
      );
      const requests = platform.gateway.seen.slice(before);
      const preflights = requests.filter((r) => r.method === 'OPTIONS').length;
      const perCall = requests.length / (CALLS + 5);
      const serverP50 = median(requests.slice(-CALLS).map((r) => r.runtimeMs ?? Number.NaN));
      const browserP50 = median(waits);
      const ratio = browserP50 / (RTT_MS + serverP50);
      say(
        `| ${name} | ${browserP50.toFixed(1)} | ${serverP50.toFixed(1)} | ${RTT_MS} | ${ratio.toFixed(2)} | ${perCall.toFixed(2)} | ${preflights} |`,
      );
      verdicts.push({
        target: `browser ${name}, ${RTT_MS} ms round trip: p50 ≤ 1.15 × (round trip + server)`,
        measured: ratio.toFixed(2),
        met: ratio <= 1.15,
      });
      verdicts.push({
        target: `browser ${name}: exactly one request per call, no preflight`,
        measured: `${perCall.toFixed(2)} per call, ${preflights} preflights`,
        met: perCall === 1 && preflights === 0,
      });
    }
  } finally {
    await browser.close();
    await platform.stop();
    await fake.stop();
    pages.close();
    cert.remove();
  }
  return verdicts;
}

if (require.main === module) {
  browserBench((text = '') => process.stdout.write(`${text}\n`))
    .then((verdicts) => {
      process.stdout.write('\n');
      for (const v of verdicts) process.stdout.write(`- ${v.target}: ${v.measured} (${v.met ? 'met' : 'NOT met'})\n`);
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:browser failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
