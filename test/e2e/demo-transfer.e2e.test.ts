/**
 * npm start's sandbox demo page in a real browser: the demo agent transfers a conversation
 * (cold) to demo agent 2, who accepts (the demo agent is wrapped up, by the webhook, only then)
 * or declines (the demo agent keeps it, the failure on their task), through the sandbox-only
 * /demo/sandbox/offer, which has the fake of Twilio post TaskRouter's signed events to
 * /webhooks/taskrouter behind the gateway.
 */
import type { Browser, Page } from 'playwright-core';
import { DEMO, demoTwilio } from '../../sandbox/demo';
import { demoPage } from '../../sandbox/demo-page';
import { launchBrowser } from '../support/browser';
import { startFunctions, type Running } from '../support/processes';
import { assertCustomerNotAlone } from '../support/transfer';

jest.setTimeout(90_000);

let fake: ReturnType<typeof demoTwilio>;
let server: Running;
let browser: Browser;

beforeAll(async () => {
  fake = demoTwilio();
  const fakeUrl = await fake.start();
  server = await startFunctions(
    { ACCOUNT_SID: DEMO.accountSid, AUTH_TOKEN: DEMO.authToken, TWILIO_API_BASE_URL: fakeUrl, TWILIO_IAM_BASE_URL: fakeUrl },
    { extra: demoPage(fake) },
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

/** Open the page on `interaction`, show `channel`'s participants and start the transfer. */
async function startTransfer(page: Page, interactionSid: string, channelSid: string): Promise<void> {
  await page.goto(`${server.url}/demo/`);
  await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
  await page.selectOption('#interaction', interactionSid);
  await page.click(`button[data-participants="${channelSid}"]`);
  await page.click(`button[data-transfer="${channelSid}"]`);
  await page.waitForSelector('button[data-offer="accept"]');
  expect(await page.locator('#outcome').textContent()).toMatch(/^Transfer started \(cold\); demo agent 2 is offered the new task WT/);
  assertCustomerNotAlone(fake, channelSid, 'the transfer is started');
}

const demoAgent = (channelSid: string) => fake.participants.get(channelSid)!.find((p) => p.workerSid === DEMO.agentWorkerSid)!;

it('demo agent 2 accepts: only then is the demo agent wrapped up, and the page says so', async () => {
  const page = await browser.newPage();
  try {
    const { interactionSid, channels } = DEMO.interactions[0];
    await startTransfer(page, interactionSid, channels[0].sid);
    expect(demoAgent(channels[0].sid).status).toBeUndefined();
    await page.click('button[data-offer="accept"]');
    await page.waitForFunction(`document.querySelector('#outcome')?.textContent?.startsWith('Demo agent 2 accepted')`);
    expect(await page.locator('#outcome').textContent()).toBe(
      "Demo agent 2 accepted: the demo agent's participant was set to wrapup (agent wrapped up).",
    );
    expect(demoAgent(channels[0].sid).status).toBe('wrapup');
    assertCustomerNotAlone(fake, channels[0].sid, 'demo agent 2 accepted');
    // The participants table now lists demo agent 2 too.
    await page.waitForFunction(`document.querySelectorAll('#participants tr').length === 3`);
    expect(fake.channels.get(channels[0].sid)!.status).toBe('active');
  } finally {
    await page.close();
  }
});

it('demo agent 2 declines: the demo agent keeps the conversation, transferFailed on their task, shown on the page', async () => {
  const page = await browser.newPage();
  try {
    const { interactionSid, channels } = DEMO.interactions[1];
    await startTransfer(page, interactionSid, channels[0].sid);
    await page.click('button[data-offer="decline"]');
    await page.waitForFunction(`document.querySelector('#outcome')?.textContent?.startsWith('Demo agent 2 declined')`);
    expect(await page.locator('#outcome').textContent()).toBe(
      "Demo agent 2 declined: transferFailed (reservation.rejected) is on the demo agent's task; they keep the conversation.",
    );
    expect(demoAgent(channels[0].sid).status).toBeUndefined();
    expect(fake.participantUpdates().filter((q) => q.path.includes(channels[0].sid))).toHaveLength(0);
    assertCustomerNotAlone(fake, channels[0].sid, 'demo agent 2 declined');
  } finally {
    await page.close();
  }
});

it('the sandbox endpoint refuses what is not a pending transfer task', async () => {
  const r = await fetch(`${server.url}/demo/sandbox/offer`, { method: 'POST', body: JSON.stringify({ taskSid: 'WT1', answer: 'accept' }) });
  expect(r.status).toBe(400);
});
