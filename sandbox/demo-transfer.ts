/**
 * The sandbox's stand-in for the second demo agent and for TaskRouter's Event Callback: the
 * demo page's sandbox-only endpoint (`POST /demo/sandbox/offer`, JSON `{ taskSid, answer:
 * "accept" | "decline" }`, served by npm start's sandbox only, never deployed) offers a
 * transfer's new task to the second demo agent in the fake of Twilio, who accepts or declines
 * (or, with `to: "agent"`, a resumed park's task to the demo agent, who parked it);
 * the TaskRouter events that causes are posted, signed as Twilio signs them, to this server's
 * /webhooks/taskrouter, as Twilio would. The answer: what the webhook answered to each event,
 * and the demo agent's task's `transferFailed` (if any) and participant status afterwards.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeTwilio } from './fake-twilio';
import { DEMO } from './demo-data';

const MAX_BODY = 4096;

export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
      if (body.length > MAX_BODY) req.destroy();
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(body));
      } catch {
        resolve(undefined);
      }
    });
    req.on('error', () => resolve(undefined));
  });
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
}

/** Handle `POST /demo/sandbox/offer` against `fake`; the webhook is on the same host as the request. */
export async function offer(fake: FakeTwilio, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') return json(res, 405, { status: 405, message: 'POST only' });
  const body = (await readJson(req)) as { taskSid?: unknown; answer?: unknown; to?: unknown } | undefined;
  const task = typeof body?.taskSid === 'string' ? fake.taskRouter.tasks.get(body.taskSid) : undefined;
  if (task === undefined || task.assignmentStatus !== 'pending' || task.channelSid === undefined)
    return json(res, 400, { status: 400, message: 'taskSid must name a pending transfer task of the sandbox' });
  if (body?.answer !== 'accept' && body?.answer !== 'decline') return json(res, 400, { status: 400, message: 'answer must be accept or decline' });
  if (body.to !== undefined && body.to !== 'agent' && body.to !== 'agent2')
    return json(res, 400, { status: 400, message: 'to must be agent or agent2' });
  const worker = body.to === 'agent' ? DEMO.agentWorkerSid : DEMO.secondAgentWorkerSid;
  const { reservation, events: offered } = fake.router.reserve(task.sid, worker);
  const events = [...offered, ...(body.answer === 'accept' ? fake.router.accept(reservation.sid) : fake.router.decline(reservation.sid))];
  const hook = `http://${req.headers.host ?? '127.0.0.1'}/webhooks/taskrouter`;
  const webhook = [];
  for (const event of events) webhook.push({ eventType: event.EventType, ...(await fake.deliverEvent(hook, event)) });
  const transfer = JSON.parse(task.attributes).transfer as { from?: { participantSid?: string; taskSid?: string } } | undefined;
  const from = fake.participants.get(task.channelSid)?.find((p) => p.sid === transfer?.from?.participantSid);
  const agentTask = transfer?.from?.taskSid ? fake.taskRouter.tasks.get(transfer.from.taskSid) : undefined;
  const resumed = JSON.parse(task.attributes).resumedFrom !== undefined;
  json(res, 200, {
    answer: body.answer,
    to: body.to === 'agent' ? 'agent' : 'agent2',
    task: { sid: task.sid, assignmentStatus: task.assignmentStatus, resumed },
    webhook,
    transferringAgent: {
      status: from?.status ?? 'on the channel',
      transferFailed: agentTask ? (JSON.parse(agentTask.attributes).transferFailed ?? null) : null,
    },
  });
}
