/**
 * Park and resume from a Flex plugin in a real browser: a page on a Flex-like https origin calls
 * the functions on a *.twil.io-like https host (the local gateway) through the real client
 * (dist/client/*.mjs), with zero preflight requests. The customer's message is posted, signed as
 * Twilio signs it, to the webhook URL park gave the conversation (the service's public https
 * origin, reached here on loopback), as Conversations would.
 */
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import twilio from 'twilio';
import { launchBrowser } from '../support/browser';
import { startSeededFake, type Seeded } from '../support/fake';
import { freePort, ROOT, startFunctions, type Running } from '../support/processes';
import { makeTestCertificate, type TestCertificate } from '../support/tls';
import { assertCustomerNotAlone } from '../support/transfer';
import * as f from '../support/fixtures';

jest.setTimeout(120_000);

const FLEX_HOST = 'flex.twilio.com';
const SERVICE_HOST = 'flex-interaction-channels-1234-dev.twil.io';
const MAP = 'flex-parked-channels';

let cert: TestCertificate;
let s: Seeded;
let server: Running & { platform: import('../../gateway/local-platform').LocalPlatform };
let pages: Server;
let pagePort: number;
let servicePort: number;
let browser: Browser;
let page: Page;
let serviceUrl: string;
let syncService: string;

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>plugin</title></head><body>
<script type="module">import * as client from '/client.mjs'; window.FIC = client; document.body.dataset.ready = 'yes';</script></body></html>`;

beforeAll(async () => {
  cert = makeTestCertificate([FLEX_HOST, SERVICE_HOST]);
  const clientModule = readFileSync(join(ROOT, 'dist', 'client', 'flex-interaction-channels.mjs'), 'utf8');
  pages = createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    res.writeHead(200, { 'Content-Type': req.url === '/client.mjs' ? 'text/javascript' : 'text/html' });
    res.end(req.url === '/client.mjs' ? clientModule : PAGE);
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  pagePort = (pages.address() as AddressInfo).port;
  s = await startSeededFake();
  syncService = s.fake.sync.addService();
  servicePort = await freePort();
  serviceUrl = `https://${SERVICE_HOST}:${servicePort}`;
  server = await startFunctions(
    {
      ACCOUNT_SID: f.ACCOUNT_SID,
      AUTH_TOKEN: f.AUTH_TOKEN,
      TWILIO_API_BASE_URL: s.baseUrl,
      TWILIO_IAM_BASE_URL: s.baseUrl,
      ALLOWED_ORIGINS: `https://${FLEX_HOST}:${pagePort}`,
      SYNC_SERVICE_SID: syncService,
    },
    { port: servicePort, tls: { cert: cert.cert, key: cert.key }, publicOrigin: serviceUrl },
  );
  browser = await launchBrowser({ hosts: [FLEX_HOST, SERVICE_HOST], certPem: cert.cert });
  page = await browser.newPage();
  await page.goto(`https://${FLEX_HOST}:${pagePort}/`);
  await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await s?.fake.stop();
  pages?.close();
  cert?.remove();
});

/** Run `script` in the page with a client for `token`; it answers { ok, value } or { ok: false, error }. */
async function inPage(token: string, script: string): Promise<any> {
  return page.evaluate(
    async ({ baseUrl, token, script }) => {
      const FIC = (globalThis as any).FIC;
      const client = new FIC.FlexInteractionChannelsClient({ baseUrl, token: () => token });
      try {
        return { ok: true, value: await new Function('client', `return (async () => { ${script} })()`)(client) };
      } catch (err: any) {
        return { ok: false, error: { code: err.code, status: err.status, message: String(err.message) } };
      }
    },
    { baseUrl: serviceUrl, token, script },
  );
}

const preflights = () => server.platform.gateway.seen.filter((r) => r.method === 'OPTIONS').length;
const records = () => s.fake.sync.items(syncService, MAP) as Array<{ key: string; data: any }>;

/** Twilio posting to `url` (the service's public https origin), signed over it, reached on loopback. */
function postAsTwilio(url: string, params: Record<string, string>): Promise<{ status: number; body: any }> {
  const u = new URL(url);
  const body = new URLSearchParams(params).toString();
  const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, url, params);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: servicePort,
        servername: u.hostname,
        ca: cert.cert,
        method: 'POST',
        path: `${u.pathname}${u.search}`,
        headers: { Host: u.host, 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A conversation the worker is on, with their task (the attributes a resume must carry). */
function conversationFor(worker: string) {
  const { interactionSid, channelSids } = s.fake.addInteraction([{ workers: [worker] }]);
  const channelSid = channelSids[0]!;
  const agent = s.fake.participants.get(channelSid)!.find((p) => p.workerSid === worker)!;
  s.fake.addAgentTask(channelSid, agent, { customerName: 'Ada', orderId: 'R-1234' });
  const conversationSid = s.fake.conversationOf(channelSid)!;
  const conversation = s.fake.conversations.get(conversationSid)!;
  const task = `{ attributes: { flexInteractionSid: '${interactionSid}', flexInteractionChannelSid: '${channelSid}' } }`;
  const invites = () => s.fake.invites.filter((i) => i.channelSid === channelSid);
  return { interactionSid, channelSid, agent, conversationSid, conversation, task, invites };
}

/** The customer writes: the message is stored, and Twilio posts onMessageAdded to each webhook. */
async function customerWrites(c: ReturnType<typeof conversationFor>, body: string) {
  const message = {
    sid: s.fake.nextSid('IM'),
    index: c.conversation.messages.length,
    author: 'customer-ada',
    body,
    dateCreated: new Date().toISOString(),
  };
  c.conversation.messages.push(message);
  const event = s.fake.messageEvent(c.conversationSid, message);
  return Promise.all(c.conversation.webhooks.map((w) => postAsTwilio(w.url, { ...event, WebhookSid: w.sid })));
}

it('the agent parks from the task alone, the customer writes: one invite with the original attributes; zero preflights', async () => {
  const before = server.platform.gateway.seen.length;
  const preflightsBefore = preflights();
  const c = conversationFor(f.AGENT_WORKER);
  const r = await inPage(
    f.AGENT_TOKEN,
    `const p = await client.parkChannel(${c.task});
     return { participant: p.participant.status, state: p.park.state, by: p.park.parkedBy.workerSid, webhook: p.webhookSid.slice(0, 2) };`,
  );
  expect(r).toEqual({ ok: true, value: { participant: 'closed', state: 'parked', by: f.AGENT_WORKER, webhook: 'WH' } });
  expect(server.platform.gateway.seen.slice(before).map((q) => q.method)).toEqual(['POST']);
  expect(c.agent).toMatchObject({ status: 'closed', taskStatus: 'completed' });
  expect(s.fake.channels.get(c.channelSid)!.status).toBe('active');
  expect(c.conversation.webhooks).toHaveLength(1);
  expect(c.conversation.webhooks[0]!.url.startsWith(`${serviceUrl}/webhooks/conversations?`)).toBe(true);
  expect(records().filter((x) => x.key === c.channelSid)).toHaveLength(1);

  const answers = await customerWrites(c, 'found the receipt');
  expect(answers).toEqual([{ status: 200, body: expect.objectContaining({ action: 'resumed' }) }]);
  expect(c.invites()).toHaveLength(1);
  const attributes = JSON.parse(s.fake.taskRouter.tasks.get(c.invites()[0]!.taskSid)!.attributes);
  expect(attributes).toMatchObject({ customerName: 'Ada', orderId: 'R-1234', resumedFrom: { parkedBy: { workerSid: f.AGENT_WORKER } } });
  expect(c.conversation.webhooks).toHaveLength(0);
  expect(records().find((x) => x.key === c.channelSid)).toBeUndefined();
  assertCustomerNotAlone(s.fake, c.channelSid, 'resumed');
  // A second delivery of the same kind finds nothing parked: still one invite.
  expect(await customerWrites(c, 'hello?')).toEqual([]);
  expect(c.invites()).toHaveLength(1);
  expect(preflights()).toBe(preflightsBefore);
});

it('listParked(): a supervisor sees every parked conversation, an agent only their own; zero preflights', async () => {
  const preflightsBefore = preflights();
  const mine = conversationFor(f.AGENT_WORKER);
  const theirs = conversationFor(f.OUTSIDER_WORKER);
  expect((await inPage(f.AGENT_TOKEN, `return (await client.parkChannel(${mine.task})).park.state;`)).value).toBe('parked');
  expect((await inPage(f.OUTSIDER_TOKEN, `return (await client.parkChannel(${theirs.task})).park.state;`)).value).toBe('parked');
  const list = `const l = await client.listParked({ pageSize: 100 }); return { count: l.count, channels: l.parked.map((p) => p.channelSid), by: l.parked.map((p) => p.parkedBy.workerSid), since: l.parked.every((p) => !Number.isNaN(Date.parse(p.parkedAt))) };`;
  const all = await inPage(f.SUPERVISOR_TOKEN, list);
  expect(all.ok).toBe(true);
  expect(all.value.channels).toEqual(expect.arrayContaining([mine.channelSid, theirs.channelSid]));
  expect(all.value.count).toBe(records().length);
  expect(all.value.since).toBe(true);
  const own = await inPage(f.AGENT_TOKEN, list);
  expect(own.value.channels).toContain(mine.channelSid);
  expect(own.value.channels).not.toContain(theirs.channelSid);
  expect(own.value.by.every((w: string) => w === f.AGENT_WORKER)).toBe(true);
  expect(preflights()).toBe(preflightsBefore);
});

it('resumeChannel() from the page on a second park: one invite, the park gone; a second click resumes nothing', async () => {
  const preflightsBefore = preflights();
  const c = conversationFor(f.AGENT_WORKER);
  expect((await inPage(f.AGENT_TOKEN, `return (await client.parkChannel(${c.task})).park.state;`)).value).toBe('parked');
  const resume = `const l = await client.listParked({ pageSize: 100 });
     const park = l.parked.find((p) => p.channelSid === '${c.channelSid}');
     if (!park) return { action: 'not listed' };
     const r = await client.resumeChannel(park);
     return { action: r.action, invite: r.invite ? r.invite.sid.slice(0, 2) : null };`;
  expect(await inPage(f.AGENT_TOKEN, resume)).toEqual({ ok: true, value: { action: 'resumed', invite: 'KG' } });
  expect(c.invites()).toHaveLength(1);
  expect(JSON.parse(s.fake.taskRouter.tasks.get(c.invites()[0]!.taskSid)!.attributes)).toMatchObject({ orderId: 'R-1234' });
  expect(c.conversation.webhooks).toHaveLength(0);
  expect(records().find((x) => x.key === c.channelSid)).toBeUndefined();
  // Clicked again from the task (the list no longer has it): nothing parked, no second invite.
  const again = await inPage(f.AGENT_TOKEN, `return (await client.resumeChannel(${c.task})).action;`);
  expect(again.ok ? again.value : again.error.status).not.toBe('resumed');
  expect(c.invites()).toHaveLength(1);
  expect(preflights()).toBe(preflightsBefore);
});
