/**
 * npm start's sandbox demo page in a real browser: a channel's participants, and the demo agent
 * leaving it (wrap up, then complete) while the conversation stays open.
 */
import type { Browser } from 'playwright-core';
import { DEMO, demoTwilio } from '../../sandbox/demo';
import { demoPage } from '../../sandbox/demo-page';
import { launchBrowser } from '../support/browser';
import { startFunctions, type Running } from '../support/processes';

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

it("shows a channel's participants and lets the demo agent wrap up, then complete, while the channel stays open", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${server.url}/demo/`);
    await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
    const chat = DEMO.interactions[0].channels[0];
    await page.click(`button[data-participants="${chat.sid}"]`);
    await page.waitForSelector('#participants tr');
    expect(await page.locator('#participants tr').allTextContents()).toEqual([expect.stringContaining('customer'), expect.stringContaining('agent')]);
    const agent = fake.participants.get(chat.sid)!.find((p) => p.workerSid === DEMO.agentWorkerSid)!;

    await page.click('button[data-leave="wrapup"]');
    await page.waitForFunction(`document.querySelector('#answer')?.textContent?.includes('"taskStatus": "wrapping"')`);
    expect(agent.taskStatus).toBe('wrapping');
    await page.click('button[data-leave="closed"]');
    await page.waitForFunction(`document.querySelector('#answer')?.textContent?.includes('"taskStatus": "completed"')`);
    expect(await page.locator('#answer').textContent()).toContain('"agentsRemaining": 0');
    expect(agent.taskStatus).toBe('completed');
    // The conversation stays open: the channel is still active, in the fake and on the page.
    expect(fake.channels.get(chat.sid)!.status).toBe('active');
    expect(await page.locator('#channels td.status.active').count()).toBe(1);
    expect(fake.participantUpdates()).toHaveLength(2);
  } finally {
    await page.close();
  }
});
