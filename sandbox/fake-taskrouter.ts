/**
 * TaskRouter for the fake of Twilio (sandbox/fake-twilio.ts routes `/v1/Workspaces…` here):
 * - `GET /v1/Workspaces` (the account's workspaces; a Flex account has one);
 * - Tasks: fetch (`GET …/Tasks/{WT}`, answering an `ETag`), update (`POST …/Tasks/{WT}`,
 *   `Attributes` / `AssignmentStatus`; with `If-Match` applied only when it matches the task's
 *   current ETag, else 412, as Twilio's "API mutation and conflict resolution" page documents),
 *   and list filtered by `AssignmentStatus` and by an `EvaluateTaskAttributes` expression of the
 *   one form the orphan guard sends, `flexInteractionChannelSid == "UO…"` (any other expression
 *   is a 400, so a change of what we send shows);
 * - reservations of a task, driven by the tests and the sandbox (sandbox/fake-twilio/transfers.ts).
 */
import type { ServerResponse } from 'node:http';

export interface TaskState {
  sid: string;
  workspaceSid: string;
  assignmentStatus: 'pending' | 'reserved' | 'assigned' | 'canceled' | 'completed' | 'wrapping';
  /** The task's attributes, as the JSON text TaskRouter keeps. */
  attributes: string;
  queueSid?: string;
  workflowSid?: string;
  taskChannelUniqueName?: string;
  /** Bumped on every change: the ETag is `"<revision>"`. */
  revision?: number;
  /** An invite's task: its channel, and the worker it names (if any). */
  interactionSid?: string;
  channelSid?: string;
  targetWorkerSid?: string;
}

export interface ReservationState {
  sid: string;
  taskSid: string;
  workerSid: string;
  status: 'pending' | 'accepted' | 'rejected' | 'timeout' | 'canceled';
}

type Send = (res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) => void;
type Request = { method: string; path: string; query: Record<string, string>; search?: string; body: Record<string, unknown>; ifMatch?: string };

const BASE = 'https://taskrouter.twilio.com/v1';
export const DEFAULT_WORKSPACE = `WS${'5'.repeat(32)}`;
const error = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
const STATUSES = new Set(['pending', 'reserved', 'assigned', 'canceled', 'completed', 'wrapping']);

export class FakeTaskRouter {
  readonly tasks = new Map<string, TaskState>();
  readonly reservations = new Map<string, ReservationState>();
  /** The account's workspaces (GET /v1/Workspaces). */
  workspaces: string[] = [DEFAULT_WORKSPACE];

  /** The ETag a task has now. */
  etag(t: TaskState): string {
    return `"${t.revision ?? 0}"`;
  }

  json(t: TaskState) {
    return {
      account_sid: `AC${'0'.repeat(32)}`,
      sid: t.sid,
      workspace_sid: t.workspaceSid,
      assignment_status: t.assignmentStatus,
      attributes: t.attributes,
      age: 1,
      priority: 0,
      reason: null,
      timeout: 86400,
      task_queue_sid: t.queueSid ?? null,
      workflow_sid: t.workflowSid ?? null,
      task_channel_unique_name: t.taskChannelUniqueName ?? null,
      date_created: '2025-01-01T00:00:00Z',
      date_updated: '2025-01-01T00:00:00Z',
      url: `${BASE}/Workspaces/${t.workspaceSid}/Tasks/${t.sid}`,
      links: {},
    };
  }

  /** Change a task as TaskRouter would: a new revision, so earlier ETags no longer match. */
  change(t: TaskState, changes: Partial<Pick<TaskState, 'assignmentStatus' | 'attributes'>>): void {
    Object.assign(t, changes);
    t.revision = (t.revision ?? 0) + 1;
  }

  /** Answer a request under /v1/Workspaces; false when the path is not one of ours. */
  route(req: Request, res: ServerResponse, send: Send): boolean {
    const parts = req.path.split('/').filter(Boolean); // v1 Workspaces WS Tasks [WT]
    if (parts[0] !== 'v1' || parts[1] !== 'Workspaces') return false;
    if (parts.length === 2 && req.method === 'GET') {
      const url = `${BASE}/Workspaces?PageSize=50&Page=0`;
      const workspaces = this.workspaces.map((sid) => ({ sid, friendly_name: 'Flex Task Assignment', url: `${BASE}/Workspaces/${sid}` }));
      send(res, 200, {
        workspaces,
        meta: { page: 0, page_size: 50, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: 'workspaces' },
      });
      return true;
    }
    if (parts[3] !== 'Tasks') return false;
    const workspaceSid = parts[2]!;
    if (parts.length === 5) {
      const task = this.tasks.get(parts[4]!);
      if (task?.workspaceSid !== workspaceSid) send(res, 404, error(404, 20404, `The requested resource ${req.path} was not found`));
      else if (req.method === 'GET') send(res, 200, this.json(task), { ETag: this.etag(task) });
      else if (req.method === 'POST') this.update(task, req, res, send);
      else return false;
      return true;
    }
    if (parts.length !== 4 || req.method !== 'GET') return false;
    this.list(workspaceSid, req, res, send);
    return true;
  }

  private update(task: TaskState, req: Request, res: ServerResponse, send: Send): void {
    if (req.ifMatch !== undefined && req.ifMatch !== this.etag(task)) {
      return send(res, 412, error(412, 20412, 'The resource has changed since the ETag given in If-Match'));
    }
    const changes: Partial<Pick<TaskState, 'assignmentStatus' | 'attributes'>> = {};
    if (req.body.Attributes !== undefined) {
      try {
        JSON.parse(String(req.body.Attributes));
      } catch {
        return send(res, 400, error(400, 20001, 'Attributes must be JSON'));
      }
      changes.attributes = String(req.body.Attributes);
    }
    if (req.body.AssignmentStatus !== undefined) {
      if (!STATUSES.has(String(req.body.AssignmentStatus))) return send(res, 400, error(400, 20001, 'Invalid AssignmentStatus'));
      changes.assignmentStatus = String(req.body.AssignmentStatus) as TaskState['assignmentStatus'];
    }
    this.change(task, changes);
    send(res, 200, this.json(task), { ETag: this.etag(task) });
  }

  private list(workspaceSid: string, req: Request, res: ServerResponse, send: Send): void {
    const expression = req.query.EvaluateTaskAttributes;
    const match = expression === undefined ? undefined : /^flexInteractionChannelSid == "(UO[0-9a-f]{32})"$/.exec(expression);
    if (expression !== undefined && !match) {
      return send(res, 400, error(400, 20001, 'EvaluateTaskAttributes: this fake knows only flexInteractionChannelSid == "UO…"'));
    }
    // AssignmentStatus is a list: the helper repeats the parameter once per status.
    const all = new URLSearchParams(req.search ?? '').getAll('AssignmentStatus');
    const statuses = all.length > 0 ? all : undefined;
    const items = [...this.tasks.values()].filter((t) => {
      if (t.workspaceSid !== workspaceSid || (statuses !== undefined && !statuses.includes(t.assignmentStatus))) return false;
      if (!match) return true;
      try {
        return (JSON.parse(t.attributes) as { flexInteractionChannelSid?: unknown }).flexInteractionChannelSid === match[1];
      } catch {
        return false;
      }
    });
    const pageSize = Math.min(1000, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
    const url = `${BASE}/Workspaces/${workspaceSid}/Tasks?PageSize=${pageSize}&Page=0`;
    send(res, 200, {
      tasks: items.slice(0, pageSize).map((t) => this.json(t)),
      meta: { page: 0, page_size: pageSize, first_page_url: url, previous_page_url: null, url, next_page_url: null, key: 'tasks' },
    });
  }
}
