/**
 * npm start's sandbox demo page in a real browser: pick a demo interaction, see its channels,
 * close one as the demo agent. With WRITE_SCREENSHOT=1 it also writes docs/demo.png, the
 * picture in the README.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { DEMO, demoTwilio } from '../../sandbox/demo';
import { demoPage } from '../../sandbox/demo-page';
import { launchBrowser } from '../support/browser';
import { ROOT, startFunctions, type Running } from '../support/processes';

jest.setTimeout(90_000);

let fake: ReturnType<typeof demoTwilio>;
let server: Running;
let browser: Browser;

beforeAll(async () => {
  fake = demoTwilio();
  const fakeUrl = await fake.start();
  server = await startFunctions(
    { ACCOUNT_SID: DEMO.accountSid, AUTH_TOKEN: DEMO.authToken, TWILIO_API_BASE_URL: fakeUrl, TWILIO_IAM_BASE_URL: fakeUrl },
    { extra: demoPage() },
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

it("lists a demo interaction's channels and closes the agent's one", async () => {
  const page = await browser.newPage({ viewport: { width: 980, height: 640 } });
  try {
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    const two = DEMO.interactions[1];
    await page.selectOption('#interaction', two.interactionSid);
    await page.waitForSelector(`button[data-channel="${two.channels[0].sid}"]`);
    expect(await page.locator('#channels tr').count()).toBe(2);
    // The demo agent's channel is marked as theirs, the other is not.
    expect(await page.locator('#channels tr').nth(0).locator('td.yours').count()).toBe(two.channels[0].agent ? 1 : 0);
    expect(await page.locator('#channels tr').nth(1).locator('td.yours').count()).toBe(two.channels[1].agent ? 1 : 0);
    await page.click(`button[data-channel="${two.channels[0].sid}"]`);
    // The table shows the channel closed, and the close's answer stays on screen.
    await page.waitForSelector('#channels td.status.closed');
    await page.waitForFunction(`document.querySelector('#answer')?.textContent?.includes('"taskStatus": "completed"')`);
    // The outcome, in a sentence, above the raw answer.
    expect(await page.locator('#outcome').textContent()).toBe('Channel closed; its tasks completed (taskStatus: completed).');
    expect(fake.channels.get(two.channels[0].sid)!.status).toBe('closed');
    // The supervisor may close the channel the agent is not on; the agent may not.
    await page.click(`button[data-channel="${two.channels[1].sid}"]`);
    await page.waitForFunction(`document.querySelector('#answer')?.textContent?.includes('"code": "forbidden"')`);
    if (process.env.WRITE_SCREENSHOT === '1') {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      await page.selectOption('#who', 'supervisor');
      await page.click(`button[data-channel="${two.channels[1].sid}"]`);
      await page.waitForFunction(`document.querySelectorAll('#channels td.status.closed').length === 2`);
      await page.screenshot({ path: join(ROOT, 'docs', 'demo.png') });
    }
  } finally {
    await page.close();
  }
});

it('closes with the tasks to wrapping too, and says so above the raw answer', async () => {
  const page = await browser.newPage({ viewport: { width: 980, height: 640 } });
  try {
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    const one = DEMO.interactions[0];
    await page.selectOption('#interaction', one.interactionSid);
    await page.click(`button[data-wrap="${one.channels[0].sid}"]`);
    await page.waitForFunction(`document.querySelector('#answer')?.textContent?.includes('"taskStatus": "wrapping"')`);
    expect(await page.locator('#outcome').textContent()).toBe('Channel closed; its tasks went to wrapping (taskStatus: wrapping).');
    expect(fake.channels.get(one.channels[0].sid)!.status).toBe('closed');
    const close = fake.requests.find((q) => q.method === 'POST' && q.path.endsWith(`/Channels/${one.channels[0].sid}`));
    expect(close?.body).toEqual({ Status: 'closed' });
  } finally {
    await page.close();
  }
});

it('shows what the API answers as text: a channel type or status holding HTML is never markup', async () => {
  const four = DEMO.interactions[2];
  const channel = fake.channels.get(four.channels[0].sid)!;
  channel.type = '<img id="injected" src="x">';
  channel.status = 'active"><b id="injected-too">x</b';
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    await page.selectOption('#interaction', four.interactionSid);
    await page.waitForFunction(`document.querySelector('#channels')?.textContent?.includes('<img id="injected" src="x">')`);
    expect(await page.locator('#injected, #injected-too, #channels img, #channels b').count()).toBe(0);
    expect(await page.locator('#channels td.status').textContent()).toBe('active"><b id="injected-too">x</b');
  } finally {
    await page.close();
  }
});
