/**
 * npm start's sandbox demo page in a real browser, with npm start's own sandbox settings: the
 * demo agent parks a conversation; the customer writes (the sandbox-only
 * /demo/sandbox/customer-message has the fake of Twilio post onMessageAdded, signed, to the
 * webhook park made, /webhooks/conversations behind the gateway); the park resumes once, and
 * the resumed task is offered to the demo agent again, who accepts. A second park is resumed by
 * a click in the parked list.
 */
import type { Browser, Page } from 'playwright-core';
import { sandboxSettings } from '../../scripts/start-checks';
import { DEMO, demoTwilio } from '../../sandbox/demo';
import { demoPage } from '../../sandbox/demo-page';
import { launchBrowser } from '../support/browser';
import { freePort, startFunctions, type Running } from '../support/processes';
import { assertCustomerNotAlone } from '../support/transfer';

jest.setTimeout(90_000);

let fake: ReturnType<typeof demoTwilio>;
let server: Running;
let browser: Browser;

beforeAll(async () => {
  fake = demoTwilio();
  const fakeUrl = await fake.start();
  const port = await freePort();
  server = await startFunctions(sandboxSettings({}, port, DEMO, fakeUrl), { port, extra: demoPage(fake) });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await fake?.stop();
});

const records = () => fake.sync.items(DEMO.syncServiceSid, 'flex-parked-channels') as Array<{ key: string; data: any }>;
const webhooksOf = (channelSid: string) => fake.conversations.get(fake.conversationOf(channelSid)!)!.webhooks;
const invitesOf = (channelSid: string) => fake.invites.filter((i) => i.channelSid === channelSid);
const demoAgents = (channelSid: string) => fake.participants.get(channelSid)!.filter((p) => p.workerSid === DEMO.agentWorkerSid);
const outcome = (page: Page) => page.locator('#outcome').textContent();
const waitOutcome = (page: Page, start: string) =>
  page.waitForFunction(`document.querySelector('#outcome')?.textContent?.startsWith(${JSON.stringify(start)})`);

/** Open the page as `who` on `interaction`, show `channel`'s participants and park it. */
async function park(page: Page, interactionSid: string, channelSid: string, who = 'agent'): Promise<void> {
  await page.goto(`${server.url}/demo/`);
  await page.waitForSelector('body[data-ready="yes"]', { state: 'attached' });
  await page.selectOption('#who', who);
  await page.selectOption('#interaction', interactionSid);
  await page.click(`button[data-participants="${channelSid}"]`);
  await page.click(`button[data-park="${channelSid}"]`);
  await waitOutcome(page, 'Parked');
  expect(await outcome(page)).toBe(
    "Parked: the demo agent's participant is closed (task completed); the conversation stays open, and the customer's next message resumes it.",
  );
  expect(demoAgents(channelSid)).toEqual([expect.objectContaining({ status: 'closed', taskStatus: 'completed' })]);
  expect(fake.channels.get(channelSid)!.status).toBe('active');
  expect(webhooksOf(channelSid)).toHaveLength(1);
  expect(records().filter((r) => r.key === channelSid)).toHaveLength(1);
  // The parked list (kept in the fake's Sync map) shows it.
  await page.waitForSelector(`button[data-resume="${channelSid}"]`);
}

it('park, a customer message, the resumed task offered to the demo agent, who accepts', async () => {
  const page = await browser.newPage();
  try {
    const { interactionSid, channels } = DEMO.interactions[0];
    const channelSid = channels[0].sid;
    await park(page, interactionSid, channelSid);

    await page.click(`button[data-customer="${channelSid}"]`);
    await waitOutcome(page, 'The customer wrote');
    expect(await outcome(page)).toMatch(/^The customer wrote: the park was resumed \(one invite\); the new task WT[0-9a-f]{32} is offered/);
    expect(invitesOf(channelSid)).toHaveLength(1);
    const task = fake.taskRouter.tasks.get(invitesOf(channelSid)[0]!.taskSid)!;
    expect(JSON.parse(task.attributes)).toMatchObject({
      customerName: 'Demo customer',
      resumedFrom: { parkedBy: { workerSid: DEMO.agentWorkerSid } },
    });
    expect(webhooksOf(channelSid)).toHaveLength(0);
    expect(records().find((r) => r.key === channelSid)).toBeUndefined();
    await page.waitForFunction(`document.querySelectorAll('#parked tr').length === 0`);

    await page.click('button[data-resumed="accept"]');
    await waitOutcome(page, 'The demo agent accepted');
    expect(task.assignmentStatus).toBe('assigned');
    expect(demoAgents(channelSid).map((p) => p.status ?? 'on the channel')).toEqual(['closed', 'on the channel']);
    assertCustomerNotAlone(fake, channelSid, 'the resumed task was accepted');

    // A second message finds nothing parked: no second invite.
    await page.click(`button[data-customer="${channelSid}"]`);
    await waitOutcome(page, 'The customer wrote; no webhook');
    expect(invitesOf(channelSid)).toHaveLength(1);
  } finally {
    await page.close();
  }
});

it('a supervisor resumes a park from the parked list: one invite, offered to the demo agent', async () => {
  const page = await browser.newPage();
  try {
    const { interactionSid, channels } = DEMO.interactions[1];
    const channelSid = channels[0].sid;
    await park(page, interactionSid, channelSid);
    await page.selectOption('#who', 'supervisor');
    await page.click('#list-parked');
    await waitOutcome(page, '1 parked conversation(s).');
    await page.click(`button[data-resume="${channelSid}"]`);
    await waitOutcome(page, 'Resume: resumed');
    expect(invitesOf(channelSid)).toHaveLength(1);
    expect(records().find((r) => r.key === channelSid)).toBeUndefined();
    await page.click('button[data-resumed="decline"]');
    await waitOutcome(page, 'The demo agent declined');
    expect(webhooksOf(channelSid)).toHaveLength(0);
  } finally {
    await page.close();
  }
});

it('the sandbox endpoint refuses what is not a channel of the sandbox, or a message that is not text', async () => {
  const post = (body: unknown) => fetch(`${server.url}/demo/sandbox/customer-message`, { method: 'POST', body: JSON.stringify(body) });
  expect((await post({ channelSid: 'UO1' })).status).toBe(400);
  expect((await post({ channelSid: DEMO.interactions[2].channels[0].sid, body: 7 })).status).toBe(400);
  expect((await fetch(`${server.url}/demo/sandbox/customer-message`)).status).toBe(405);
});
