/**
 * TaskRouter Tasks, read and changed for transfers, with the optimistic concurrency Twilio
 * documents for them ("API mutation and conflict resolution", /docs/usage/mutation-and-conflict-
 * resolution): a fetch answers the task's `ETag`; an update sent with `If-Match: <that ETag>` is
 * applied only if the task has not changed since, and refused with 412 otherwise. That is what
 * makes a step happen once across containers: of two deliveries that read the same ETag, one
 * update wins and the other gets 412.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');

import * as errors from '../edge/errors';

export interface TaskNow {
  sid: string;
  assignmentStatus: string;
  attributes: Record<string, unknown>;
  queueSid: string | null;
  workflowSid: string | null;
  taskChannelUniqueName: string | null;
  /** The task's ETag, for If-Match (undefined if TaskRouter sent none: then no update is made). */
  etag: string | undefined;
}

/** A task's attributes as an object ({} when they are not a JSON object). */
export function attributesOf(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const headerOf = (headers: Record<string, unknown> | undefined, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name && typeof value === 'string') return value;
  return undefined;
};

/** `GET /v1/Workspaces/{WS}/Tasks/{WT}`, with its ETag; undefined when the task does not exist. */
export async function fetchTask(client: TwilioClient, workspaceSid: string, taskSid: string): Promise<TaskNow | undefined> {
  let response;
  try {
    response = await client.taskrouter.v1.workspaces(workspaceSid).tasks(taskSid).fetchWithHttpInfo();
  } catch (err) {
    const translated = errors.fromTwilioError(err, 'the task');
    if (translated instanceof errors.NotFoundError) return undefined;
    throw translated;
  }
  return { ...taskOf(response.body), etag: headerOf(response.headers as Record<string, unknown>, 'etag') };
}

/** The fields of the helper's task instance we read (a fetch's, or a list's). */
interface TaskInstance {
  sid: string;
  assignmentStatus: string;
  attributes?: string;
  taskQueueSid?: string | null;
  workflowSid?: string | null;
  taskChannelUniqueName?: string | null;
}

function taskOf(task: TaskInstance): Omit<TaskNow, 'etag'> {
  return {
    sid: task.sid,
    assignmentStatus: task.assignmentStatus,
    attributes: attributesOf(task.attributes),
    queueSid: task.taskQueueSid ?? null,
    workflowSid: task.workflowSid ?? null,
    taskChannelUniqueName: task.taskChannelUniqueName ?? null,
  };
}

const isPreconditionFailed = (err: unknown): boolean => (err as { status?: unknown } | null)?.status === 412;

/**
 * Replace a task's attributes if it is still as fetched (If-Match). Answers the new ETag, or
 * `conflict` when another change came first (412), or when there is no ETag to match.
 */
export async function updateAttributes(
  client: TwilioClient,
  workspaceSid: string,
  task: Pick<TaskNow, 'sid' | 'etag'>,
  attributes: Record<string, unknown>,
): Promise<{ ok: true; etag: string | undefined } | { ok: false }> {
  if (task.etag === undefined) return { ok: false };
  try {
    const response = await client.taskrouter.v1
      .workspaces(workspaceSid)
      .tasks(task.sid)
      .updateWithHttpInfo({ attributes: JSON.stringify(attributes), ifMatch: task.etag });
    return { ok: true, etag: headerOf(response.headers as Record<string, unknown>, 'etag') };
  } catch (err) {
    if (isPreconditionFailed(err)) return { ok: false };
    throw errors.fromTwilioError(err, 'the task');
  }
}

/** Task statuses in which a task still routes or holds its channel. */
export const LIVE_STATUSES = ['pending', 'reserved', 'assigned', 'wrapping'] as const;

/** A task as a list answers it (no ETag). */
export type ListedTask = Omit<TaskNow, 'etag'>;

/**
 * The tasks naming a channel in their attributes, in the given statuses (`GET …/Tasks?
 * EvaluateTaskAttributes=flexInteractionChannelSid == "UO…"&AssignmentStatus=…`), at most `limit`.
 * Attributes are worker-writable: this finds where to look, it proves nothing by itself.
 */
export async function tasksOfChannel(
  client: TwilioClient,
  workspaceSid: string,
  channelSid: string,
  statuses: readonly string[],
  limit = 20,
): Promise<ListedTask[]> {
  let list;
  try {
    list = await client.taskrouter.v1.workspaces(workspaceSid).tasks.list({
      evaluateTaskAttributes: `flexInteractionChannelSid == "${channelSid}"`,
      assignmentStatus: [...statuses],
      limit,
    });
  } catch (err) {
    throw errors.fromTwilioError(err, "the channel's tasks");
  }
  return list.map(taskOf);
}
