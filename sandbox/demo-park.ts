/**
 * The sandbox's stand-in for the customer of a parked conversation: the demo page's
 * sandbox-only endpoint (`POST /demo/sandbox/customer-message`, JSON `{ channelSid, body }`,
 * served by npm start's sandbox only, never deployed) adds a message, as the customer wrote it,
 * to the conversation of that demo channel in the fake of Twilio, which posts onMessageAdded,
 * signed as Twilio signs it, to every webhook of the conversation (park's points at this
 * server's /webhooks/conversations, behind the gateway). The answer: what each webhook answered,
 * and the invites' tasks the channel has (a resumed park's task is offered with
 * /demo/sandbox/offer, `to: "agent"`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeTwilio } from './fake-twilio';
import { json, readJson } from './demo-transfer';

const MAX_MESSAGE = 1000;

/** Handle `POST /demo/sandbox/customer-message` against `fake`. */
export async function customerMessage(fake: FakeTwilio, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return json(res, 405, { status: 405, message: 'POST only' });
  const body = (await readJson(req)) as { channelSid?: unknown; body?: unknown } | undefined;
  const conversationSid = typeof body?.channelSid === 'string' ? fake.conversationOf(body.channelSid) : undefined;
  if (conversationSid === undefined) return json(res, 400, { status: 400, message: 'channelSid must name a channel of the sandbox' });
  const text = body?.body === undefined ? 'Hello again, I found the receipt.' : body.body;
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_MESSAGE)
    return json(res, 400, { status: 400, message: `body must be text of 1 to ${MAX_MESSAGE} characters` });
  const channelSid = body!.channelSid as string;
  const deliveries = await fake.addMessage(conversationSid, { author: 'demo-customer', body: text });
  const tasks = fake.invites
    .filter((i) => i.channelSid === channelSid)
    .map((i) => fake.taskRouter.tasks.get(i.taskSid))
    .filter((t) => t !== undefined)
    .map((t) => ({ sid: t.sid, assignmentStatus: t.assignmentStatus, resumed: 'resumedFrom' in JSON.parse(t.attributes) }));
  json(res, 200, {
    conversationSid,
    webhook: deliveries.map((d) => ({ status: d.status, body: d.body })),
    tasks,
  });
}
