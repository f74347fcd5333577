/**
 * The Flex plugin path in a real browser: a page on a Flex-like https origin calls the functions
 * on a *.twil.io-like https host (the local gateway, answering preflights as Twilio's does)
 * through the real client, bundled as a plugin imports it (dist/client/*.mjs). Chromium applies
 * real CORS and mixed-content rules.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { startSeededFake, type Seeded } from '../support/fake';
import { freePort, ROOT, startFunctions, type Running } from '../support/processes';
import { makeTestCertificate, type TestCertificate } from '../support/tls';
import * as f from '../support/fixtures';

jest.setTimeout(120_000);

const FLEX_HOST = 'flex.twilio.com';
const EVIL_HOST = 'evil.example';
const SERVICE_HOST = 'flex-interaction-channels-1234-dev.twil.io';

let cert: TestCertificate;
let s: Seeded;
let server: Running & { platform: import('../../gateway/local-platform').LocalPlatform };
let pages: Server;
let pagePort: number;
let browser: Browser;
let serviceUrl: string;

/** The plugin-like page: it imports the client module, as a plugin bundle would. */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>plugin</title></head><body>
<script type="module">import * as client from '/client.mjs'; window.FIC = client; document.body.dataset.ready = 'yes';</script></body></html>`;

beforeAll(async () => {
  cert = makeTestCertificate([FLEX_HOST, EVIL_HOST, SERVICE_HOST]);
  const clientModule = readFileSync(join(ROOT, 'dist', 'client', 'flex-interaction-channels.mjs'), 'utf8');
  pages = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    if (req.url === '/client.mjs') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(clientModule);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(PAGE);
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  pagePort = (pages.address() as AddressInfo).port;

  s = await startSeededFake();
  const port = await freePort();
  serviceUrl = `https://${SERVICE_HOST}:${port}`;
  server = await startFunctions(
    {
      ACCOUNT_SID: f.ACCOUNT_SID,
      AUTH_TOKEN: f.AUTH_TOKEN,
      TWILIO_API_BASE_URL: s.baseUrl,
      TWILIO_IAM_BASE_URL: s.baseUrl,
      ALLOWED_ORIGINS: `https://${FLEX_HOST}:${pagePort}`,
      REQUEST_DEADLINE_MS: '1000',
    },
    { port, tls: { cert: cert.cert, key: cert.key }, publicOrigin: serviceUrl },
  );
  browser = await launchBrowser({ hosts: [FLEX_HOST, EVIL_HOST, SERVICE_HOST], certPem: cert.cert });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await s?.fake.stop();
  pages?.close();
  cert?.remove();
});

async function openPage(host: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`https://${host}:${pagePort}/`);
  await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
  return page;
}

/** Run `script` in the page with a client for `token`; it answers { ok, value } or { ok: false, error }. */
async function inPage(page: Page, token: string, script: string): Promise<any> {
  return page.evaluate(
    async ({ baseUrl, token, script }) => {
      const FIC = (globalThis as any).FIC;
      const client = new FIC.FlexInteractionChannelsClient({ baseUrl, token: () => token });
      try {
        const value = await new Function('client', 'FIC', `return (async () => { ${script} })()`)(client, FIC);
        return { ok: true, value };
      } catch (err: any) {
        return { ok: false, error: { name: err.name, code: err.code, status: err.status, message: String(err.message) } };
      }
    },
    { baseUrl: serviceUrl, token, script },
  );
}

const preflights = () => server.platform.gateway.seen.filter((r) => r.method === 'OPTIONS').length;

describe('from a Flex-like page', () => {
  let page: Page;
  beforeAll(async () => {
    page = await openPage(FLEX_HOST);
  });
  afterAll(async () => {
    await page?.close();
  });

  it('get, list, and close as the agent on the channel, with zero preflight requests', async () => {
    const before = server.platform.gateway.seen.length;
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }, { type: 'email' }]);
    const r = await inPage(
      page,
      f.AGENT_TOKEN,
      `const got = await client.getChannel({ interactionSid: '${interactionSid}', channelSid: '${channelSids[0]}' });
       const list = await client.listChannels({ interactionSid: '${interactionSid}', limit: 5 });
       const task = { attributes: { flexInteractionSid: '${interactionSid}', flexInteractionChannelSid: '${channelSids[0]}' } };
       const closed = await client.closeChannel(task, { complete: true });
       return { status: got.channel.status, count: list.count, closed: closed.channel.status, taskStatus: closed.taskStatus };`,
    );
    expect(r).toEqual({ ok: true, value: { status: 'active', count: 2, closed: 'closed', taskStatus: 'completed' } });
    const calls = server.platform.gateway.seen.slice(before);
    expect(calls.map((c) => c.method)).toEqual(['POST', 'POST', 'POST']);
    expect(preflights()).toBe(0);
  });

  it('list participants and leave the conversation from the task alone: single simple requests, zero preflights', async () => {
    const before = server.platform.gateway.seen.length;
    const preflightsBefore = preflights();
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
    const r = await inPage(
      page,
      f.AGENT_TOKEN,
      `const task = { attributes: { flexInteractionSid: '${interactionSid}', flexInteractionChannelSid: '${channelSids[0]}' } };
       const listed = await client.listParticipants(task);
       const wrapped = await client.leaveChannel(task, { status: 'wrapup' });
       const done = await client.leaveChannel(task, { status: 'closed' });
       return { count: listed.count, wrapped: wrapped.taskStatus, done: done.taskStatus, left: done.agentsRemaining };`,
    );
    expect(r).toEqual({ ok: true, value: { count: 2, wrapped: 'wrapping', done: 'completed', left: 0 } });
    expect(server.platform.gateway.seen.slice(before).map((c) => c.method)).toEqual(['POST', 'POST', 'POST']);
    expect(preflights()).toBe(preflightsBefore);
    expect(s.fake.channels.get(channelSids[0]!)!.status).toBe('active');
  });

  it('transfer the conversation from the task alone (cold, to a queue): one simple request, zero preflights', async () => {
    const before = server.platform.gateway.seen.length;
    const preflightsBefore = preflights();
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
    const agent = s.fake.participants.get(channelSids[0]!)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
    s.fake.addAgentTask(channelSids[0]!, agent);
    const r = await inPage(
      page,
      f.AGENT_TOKEN,
      `const task = { attributes: { flexInteractionSid: '${interactionSid}', flexInteractionChannelSid: '${channelSids[0]}' } };
       const t = await client.transferChannel(task, { queueSid: 'WQ${'9'.repeat(32)}' });
       return { mode: t.mode, from: t.from.participantSid, invite: t.invite.sid.slice(0, 2), task: t.task.sid.slice(0, 2) };`,
    );
    expect(r).toEqual({ ok: true, value: { mode: 'cold', from: agent.sid, invite: 'KG', task: 'WT' } });
    expect(server.platform.gateway.seen.slice(before).map((c) => c.method)).toEqual(['POST']);
    expect(preflights()).toBe(preflightsBefore);
    expect(agent.status).toBeUndefined();
  });

  it('a supervisor closes a channel they are not on', async () => {
    const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [f.AGENT_WORKER] }]);
    const r = await inPage(
      page,
      f.SUPERVISOR_TOKEN,
      `return (await client.closeChannel({ interactionSid: '${interactionSid}', channelSid: '${channelSids[0]}' })).taskStatus;`,
    );
    expect(r).toEqual({ ok: true, value: 'wrapping' });
    expect(preflights()).toBe(0);
  });

  it.each([
    [
      'unauthorized',
      401,
      () => [f.flexToken('nobody'), `await client.getChannel({ interactionSid: '${s.interactionSid}', channelSid: '${s.channelSid}' });`],
    ],
    [
      'forbidden',
      403,
      () => [f.OUTSIDER_TOKEN, `await client.closeChannel({ interactionSid: '${s.interactionSid}', channelSid: '${s.channelSid}' });`],
    ],
    ['not_found', 404, () => [f.AGENT_TOKEN, `await client.getChannel({ interactionSid: '${s.interactionSid}', channelSid: '${f.UO_UNKNOWN}' });`]],
  ])("%s (%i) reaches the page as the typed error with the contract's code", async (code, status, make) => {
    const [token, script] = make() as [string, string];
    const r = await inPage(page, token, script);
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ name: 'FlexInteractionChannelsError', code, status }) });
  });

  it('a 429 with Retry-After is retried, then succeeds; the page can read Retry-After', async () => {
    // Twilio asks for 2 s, longer than the function's 1 s deadline allows: the function answers
    // 429 with Retry-After: 2, and the client, reading it across origins (exposed by CORS),
    // waits 2 s (not its 1 s default) and tries again.
    s.fake.clearFaults();
    s.fake.inject({ kind: 'status', status: 429, retryAfter: '2' }, (q) => q.path.startsWith('/v1/Interactions'), 1);
    const before = server.platform.gateway.seen.length;
    const r = await inPage(
      page,
      f.AGENT_TOKEN,
      `const t0 = Date.now(); const got = await client.getChannel({ interactionSid: '${s.interactionSid}', channelSid: '${s.channelSid}' }); return [got.channel.sid, Date.now() - t0 >= 1900];`,
    );
    expect(r).toEqual({ ok: true, value: [s.channelSid, true] });
    expect(server.platform.gateway.seen.slice(before).map((c) => c.method)).toEqual(['POST', 'POST']);
    s.fake.clearFaults();
  });

  it('no token appears in any URL the browser requested', () => {
    const urls = server.platform.gateway.seen.map((r) => r.url).join('\n');
    for (const token of [f.AGENT_TOKEN, f.SUPERVISOR_TOKEN, f.OUTSIDER_TOKEN]) expect(urls).not.toContain(token);
    expect(urls).not.toMatch(/Token=/);
  });

  it('the preflight count bites: a call with an Authorization header is preflighted (control)', async () => {
    const before = preflights();
    await page.evaluate(async (url) => {
      await fetch(`${url}/get-channel`, { method: 'POST', headers: { Authorization: 'Bearer x' } }).catch(() => undefined);
    }, serviceUrl);
    expect(preflights()).toBe(before + 1);
  });
});

it('a page on an origin not in ALLOWED_ORIGINS cannot read any answer', async () => {
  const page = await openPage(EVIL_HOST);
  try {
    const before = server.platform.gateway.seen.length;
    const r = await inPage(
      page,
      f.AGENT_TOKEN,
      `return await client.getChannel({ interactionSid: '${s.interactionSid}', channelSid: '${s.channelSid}' });`,
    );
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ code: 'network_error', status: 0 }) });
    // The simple request did reach the function; the browser withheld the answer.
    expect(server.platform.gateway.seen.slice(before).map((c) => c.method)).toEqual(['POST']);
  } finally {
    await page.close();
  }
});
