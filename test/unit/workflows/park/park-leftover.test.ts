/**
 * A resume whose clean-up failed (the record could not be deleted after the invite) leaves the
 * record `resuming` under its claim, with nothing watching the conversation. If nobody takes the
 * resumed task, re-park must take that record back and watch the conversation again: otherwise
 * the customer's next message reaches no one.
 */
import * as markers from '../../../../src/workflows/markers';
import { configOf } from '../../../support/channel-state';
import { assertCustomerNotAlone } from '../../../support/transfer';
import { parkWorld, type ParkWorld } from './support';

let w: ParkWorld;
beforeEach(async () => {
  w = await parkWorld();
});
afterEach(async () => {
  await w.fake.stop();
});

it("a resume's record left behind: re-parked under it, watched again, and the next message resumes once", async () => {
  expect((await w.park()).statusCode).toBe(200);
  // The record's delete fails (a 400 is not retried); the webhook's delete, before it, succeeds.
  w.fake.inject({ kind: 'status', status: 400, code: 20001 }, (q) => q.method === 'DELETE' && q.path.includes('/Items/'));
  expect((await w.deliver(w.write('1').index)).json.action).toBe('resumed');
  expect(w.records()).toEqual([expect.objectContaining({ data: expect.objectContaining({ state: 'resuming' }) })]);
  expect(w.webhooks()).toHaveLength(0);

  const [event] = w.fake.router.end(w.fake.invites[0]!.taskSid, 'workflow.timeout');
  const r = await w.taskRouter(event!);
  expect(r.json).toMatchObject({ action: 'reparked' });
  expect(w.records()).toHaveLength(1);
  expect(w.records()[0]!.data).toMatchObject({ state: 'parked', webhookSid: w.webhooks()[0]!.sid });
  expect(w.records()[0]!.data).not.toHaveProperty('claim');
  expect(w.webhooks()).toHaveLength(1);

  expect((await w.deliver(w.write('2').index)).json.action).toBe('resumed');
  expect(w.fake.invites).toHaveLength(2);
  assertCustomerNotAlone(w.fake, w.channelSid, 'resumed again');
});

it('a record resuming under another claim (a newer resume) is left alone: no second webhook', async () => {
  await w.park();
  w.fake.inject({ kind: 'status', status: 400, code: 20001 }, (q) => q.method === 'DELETE' && q.path.includes('/Items/'));
  await w.deliver(w.write('1').index);
  const [event] = w.fake.router.end(w.fake.invites[0]!.taskSid, 'workflow.timeout');
  const attributes = JSON.parse(event!.TaskAttributes!) as { resumedFrom: markers.ResumedFrom };
  const { mac: _mac, ...resumedFrom } = attributes.resumedFrom;
  attributes.resumedFrom = markers.signResumedFrom(configOf(), { ...resumedFrom, claimId: 'another-claim' });
  expect((await w.taskRouter({ ...event!, TaskAttributes: JSON.stringify(attributes) })).json.action).toBe('reparked');
  expect(w.records()[0]!.data).toMatchObject({ state: 'resuming' });
  expect(w.webhooks()).toHaveLength(0);
});
