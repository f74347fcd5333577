/**
 * The fake's invites and what follows them, as Twilio does it ("Invites subresource" page):
 * `POST …/Interactions/{KD}/Channels/{UO}/Invites` with `Routing` `{"properties": {…}}` creates a
 * new task (its attributes the invite's, plus the channel's ids) in the workspace it names. Then
 * the test (or the sandbox's demo page) drives it: reserve it for a worker, accept (the worker
 * joins the channel as an agent participant), reject (an invite naming a worker is canceled, as
 * Twilio's best practices say; a queue's goes back to pending), time out (canceled), cancel.
 * Each step answers the TaskRouter events it causes, as the form fields TaskRouter posts, and
 * `deliver` posts them signed (X-Twilio-Signature over the URL and the form, as Twilio signs).
 */
import type { ServerResponse } from 'node:http';
import { DEFAULT_WORKSPACE, type ReservationState, type TaskState } from '../fake-taskrouter';
import type { FakeState, ParticipantState, RecordedRequest } from './types';

import twilio from 'twilio';
import { API, findChannel, notFound, send, twilioError } from './types';

export interface TransferHost extends FakeState {
  conversationOf(channelSid: string): string | undefined;
  nextSid(prefix: string): string;
  addParticipant(channelSid: string, spec: Omit<ParticipantState, 'sid'> & { sid?: string }): ParticipantState;
}

export interface InviteState {
  sid: string;
  interactionSid: string;
  channelSid: string;
  taskSid: string;
  routing: Record<string, unknown>;
}

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-fA-F]{32}$`);

/** POST …/Invites; anything else under Invites is not modelled (405). */
export function createInvite(
  host: TransferHost,
  invites: InviteState[],
  interactionSid: string,
  channelSid: string,
  req: RecordedRequest,
  res: ServerResponse,
): void {
  const channel = findChannel(host, interactionSid, channelSid);
  if (!channel) return notFound(res, req.path);
  let routing: { properties?: Record<string, unknown> };
  try {
    routing = JSON.parse(String(req.body.Routing ?? '')) as typeof routing;
  } catch {
    return send(res, 400, twilioError(400, 20001, 'Missing or invalid required parameter Routing'));
  }
  const p = routing?.properties ?? {};
  const bad = (['workspace_sid', 'queue_sid'] as const).find(
    (k) => typeof p[k] !== 'string' || !SID(k === 'workspace_sid' ? 'WS' : 'WQ').test(p[k] as string),
  );
  if (bad) return send(res, 400, twilioError(400, 20001, `Routing properties.${bad} is required`));
  if (p.worker_sid !== undefined && (typeof p.worker_sid !== 'string' || !SID('WK').test(p.worker_sid)))
    return send(res, 400, twilioError(400, 20001, 'Invalid worker_sid'));
  if (channel.status === 'closed') return send(res, 409, twilioError(409, 45004, 'The channel is closed'));
  const sid = host.nextSid('KG');
  const attributes = {
    ...(typeof p.attributes === 'object' && p.attributes !== null ? (p.attributes as object) : {}),
    flexChannelInviteSid: sid,
    flexInteractionSid: interactionSid,
    flexInteractionChannelSid: channelSid,
  };
  const task: TaskState = {
    sid: host.nextSid('WT'),
    workspaceSid: p.workspace_sid as string,
    assignmentStatus: 'pending',
    attributes: JSON.stringify(attributes),
    queueSid: p.queue_sid as string,
    workflowSid: typeof p.workflow_sid === 'string' ? p.workflow_sid : undefined,
    taskChannelUniqueName: typeof p.task_channel_unique_name === 'string' ? p.task_channel_unique_name : 'chat',
    interactionSid,
    channelSid,
    targetWorkerSid: typeof p.worker_sid === 'string' ? p.worker_sid : undefined,
  };
  host.taskRouter.tasks.set(task.sid, task);
  invites.push({ sid, interactionSid, channelSid, taskSid: task.sid, routing });
  send(res, 200, {
    sid,
    interaction_sid: interactionSid,
    channel_sid: channelSid,
    routing: { reservation: null, properties: { ...host.taskRouter.json(task), queue_sid: task.queueSid, workflow_sid: task.workflowSid ?? null } },
    url: `${API}/Interactions/${interactionSid}/Channels/${channelSid}/Invites/${sid}`,
  });
}

/**
 * An agent participant's task in TaskRouter: every agent participant has one (Twilio: an agent
 * joins a channel by accepting a reservation of a task; the Participants page shows its
 * `task_sid`). Made `assigned`, with the conversation's attributes (its `conversationSid`, as Flex
 * sets it) plus `extra`, in the default workspace; a task that exists already (an invite's,
 * accepted) keeps its own and gets `extra` merged in.
 */
export function addAgentTask(host: TransferHost, channelSid: string, participant: ParticipantState, extra: Record<string, unknown> = {}): void {
  const existing = host.taskRouter.tasks.get(participant.taskSid!);
  if (existing) {
    if (Object.keys(extra).length > 0)
      host.taskRouter.change(existing, { attributes: JSON.stringify({ ...JSON.parse(existing.attributes), ...extra }) });
    return;
  }
  const channel = host.channels.get(channelSid)!;
  const conversationSid = host.conversationOf(channelSid);
  const attributes = {
    flexInteractionSid: channel.interactionSid,
    flexInteractionChannelSid: channelSid,
    ...(conversationSid ? { conversationSid } : {}),
    customerName: 'Ada',
    ...extra,
  };
  host.taskRouter.tasks.set(participant.taskSid!, {
    sid: participant.taskSid!,
    workspaceSid: DEFAULT_WORKSPACE,
    assignmentStatus: 'assigned',
    attributes: JSON.stringify(attributes),
    queueSid: `WQ${'7'.repeat(32)}`,
    workflowSid: `WW${'8'.repeat(32)}`,
    taskChannelUniqueName: 'chat',
    interactionSid: channel.interactionSid,
    channelSid,
    revision: 1,
  });
}

/** What a participant update or a channel close does to a task (Participants page; the Channels page's table). */
export function moveTask(host: Pick<FakeState, 'taskRouter'>, taskSid: string | undefined, to: 'wrapping' | 'completed'): void {
  const task = taskSid === undefined ? undefined : host.taskRouter.tasks.get(taskSid);
  if (!task) return;
  if (task.assignmentStatus === 'pending' || task.assignmentStatus === 'reserved') host.taskRouter.change(task, { assignmentStatus: 'canceled' });
  else if (task.assignmentStatus === 'assigned' || (task.assignmentStatus === 'wrapping' && to === 'completed'))
    host.taskRouter.change(task, { assignmentStatus: to });
}

/** The form fields TaskRouter posts to an Event Callback URL for this event. */
export function eventParams(host: TransferHost, eventType: string, task: TaskState, reservation?: ReservationState): Record<string, string> {
  return {
    AccountSid: host.options.accountSid,
    WorkspaceSid: task.workspaceSid,
    WorkspaceName: 'Flex Task Assignment',
    EventType: eventType,
    EventDescription: `${eventType} (fake)`,
    ResourceType: reservation ? 'reservation' : 'task',
    ResourceSid: reservation?.sid ?? task.sid,
    TaskSid: task.sid,
    TaskAttributes: task.attributes,
    TaskAssignmentStatus: task.assignmentStatus,
    TaskChannelUniqueName: task.taskChannelUniqueName ?? 'chat',
    ...(task.queueSid ? { TaskQueueSid: task.queueSid } : {}),
    ...(reservation ? { ReservationSid: reservation.sid, WorkerSid: reservation.workerSid, ReservationStatus: reservation.status } : {}),
    Timestamp: String(Math.floor(Date.now() / 1000)),
    TimestampMs: String(Date.now()),
    Sid: host.nextSid('EV'),
  };
}

/** Drive a task's routing; each step answers the events TaskRouter would send. */
export class Router {
  constructor(private readonly host: TransferHost) {}

  private task(taskSid: string): TaskState {
    const task = this.host.taskRouter.tasks.get(taskSid);
    if (!task) throw new Error(`the fake has no task ${taskSid}`);
    return task;
  }

  /** Offer the task to a worker (default: the worker its invite names). */
  reserve(taskSid: string, workerSid?: string): { reservation: ReservationState; events: Array<Record<string, string>> } {
    const task = this.task(taskSid);
    const worker = workerSid ?? task.targetWorkerSid;
    if (!worker) throw new Error('reserve: name the worker (the invite named none)');
    const reservation: ReservationState = { sid: this.host.nextSid('WR'), taskSid, workerSid: worker, status: 'pending' };
    this.host.taskRouter.reservations.set(reservation.sid, reservation);
    this.host.taskRouter.change(task, { assignmentStatus: 'reserved' });
    return { reservation, events: [eventParams(this.host, 'reservation.created', task, reservation)] };
  }

  /** The worker accepts: the task is assigned and the worker joins the channel as an agent. */
  accept(reservationSid: string): Array<Record<string, string>> {
    const r = this.host.taskRouter.reservations.get(reservationSid)!;
    const task = this.task(r.taskSid);
    r.status = 'accepted';
    this.host.taskRouter.change(task, { assignmentStatus: 'assigned' });
    if (task.channelSid)
      this.host.addParticipant(task.channelSid, { type: 'agent', workerSid: r.workerSid, taskSid: task.sid, reservationSid: r.sid });
    return [eventParams(this.host, 'reservation.accepted', task, r)];
  }

  /** The worker declines (`rejected`) or lets the offer pass (`timeout`). */
  decline(reservationSid: string, how: 'rejected' | 'timeout' = 'rejected'): Array<Record<string, string>> {
    const r = this.host.taskRouter.reservations.get(reservationSid)!;
    const task = this.task(r.taskSid);
    r.status = how;
    const events = [eventParams(this.host, `reservation.${how}`, task, r)];
    if (task.targetWorkerSid === undefined) {
      this.host.taskRouter.change(task, { assignmentStatus: 'pending' });
      return events;
    }
    this.host.taskRouter.change(task, { assignmentStatus: 'canceled' });
    return [...events, eventParams(this.host, 'task.canceled', task)];
  }

  /** The task times out of its workflow (canceled) or is canceled. */
  end(taskSid: string, how: 'workflow.timeout' | 'task.canceled'): Array<Record<string, string>> {
    const task = this.task(taskSid);
    this.host.taskRouter.change(task, { assignmentStatus: 'canceled' });
    return [eventParams(this.host, how, task)];
  }
}

/**
 * Post one event to an Event Callback URL, signed as Twilio signs it. `url` is where it goes;
 * the signature is over `signedUrl` (default: the same URL as https, which is how the local
 * gateway, like Twilio's, reconstructs it).
 */
export async function deliver(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signedUrl = url.replace(/^http:/, 'https:'),
): Promise<{ status: number; body: any }> {
  const signature = twilio.getExpectedTwilioSignature(authToken, signedUrl, params);
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: returned as text
  }
  return { status: r.status, body };
}
