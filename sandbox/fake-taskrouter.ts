/**
 * The part of TaskRouter the orphan guard reads, for the fake of Twilio (sandbox/fake-twilio.ts
 * routes `/v1/Workspaces/…` here): fetch one task (`GET /v1/Workspaces/{WS}/Tasks/{WT}`) and
 * list a workspace's tasks filtered by `AssignmentStatus` and by an `EvaluateTaskAttributes`
 * expression of the one form the guard sends, `flexInteractionChannelSid == "UO…"` (any other
 * expression is a 400, so a change of what we send shows). Answers in TaskRouter's shape.
 */
import type { ServerResponse } from 'node:http';

export interface TaskState {
  sid: string;
  workspaceSid: string;
  assignmentStatus: 'pending' | 'reserved' | 'assigned' | 'canceled' | 'completed' | 'wrapping';
  /** The task's attributes, as the JSON text TaskRouter keeps. */
  attributes: string;
}

type Send = (res: ServerResponse, status: number, body: unknown) => void;
type Request = { method: string; path: string; query: Record<string, string>; search?: string };

const BASE = 'https://taskrouter.twilio.com/v1';
const error = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export class FakeTaskRouter {
  readonly tasks = new Map<string, TaskState>();

  private json(t: TaskState) {
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
      date_created: '2025-01-01T00:00:00Z',
      date_updated: '2025-01-01T00:00:00Z',
      url: `${BASE}/Workspaces/${t.workspaceSid}/Tasks/${t.sid}`,
      links: {},
    };
  }

  /** Answer a request under /v1/Workspaces; false when the path is not one of ours. */
  route(req: Request, res: ServerResponse, send: Send): boolean {
    const parts = req.path.split('/').filter(Boolean); // v1 Workspaces WS Tasks [WT]
    if (parts[0] !== 'v1' || parts[1] !== 'Workspaces' || parts[3] !== 'Tasks' || req.method !== 'GET') return false;
    const workspaceSid = parts[2]!;
    if (parts.length === 5) {
      const task = this.tasks.get(parts[4]!);
      if (task?.workspaceSid !== workspaceSid) send(res, 404, error(404, 20404, `The requested resource ${req.path} was not found`));
      else send(res, 200, this.json(task));
      return true;
    }
    if (parts.length !== 4) return false;
    const expression = req.query.EvaluateTaskAttributes;
    const match = expression === undefined ? undefined : /^flexInteractionChannelSid == "(UO[0-9a-f]{32})"$/.exec(expression);
    if (expression !== undefined && !match) {
      send(res, 400, error(400, 20001, 'EvaluateTaskAttributes: this fake knows only flexInteractionChannelSid == "UO…"'));
      return true;
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
    return true;
  }
}
