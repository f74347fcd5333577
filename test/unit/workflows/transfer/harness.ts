/**
 * The TaskRouter webhook's unit suites (finisher-accepted, finisher-failures): a seeded fake of
 * Twilio per test with the demo agent's task in TaskRouter, a transfer started through
 * /transfer-channel, the fake's router driving the new task, and its events handed to
 * /webhooks/taskrouter (src/webhooks/taskrouter.ts, transfer-finish.ts) through
 * the fake Runtime. The e2e suites cover the same through the gateway, signed.
 */
import { handler as webhook } from '../../../../functions/webhooks/taskrouter.protected';
import { handler as transferChannel } from '../../../../functions/transfer-channel';
import { TaskRouterWebhookResponse } from '../../../../src/contract/transfer-answers';
import { forgetWorkspace } from '../../../../src/adapters/workspace';
import type { Seeded } from '../../../support/fake';
import { invoke, seededPerTest } from '../../../support/invoke';
import * as f from '../../../support/fixtures';
import { sortReads } from '../park/support';

export let s: Seeded;
export let env: Record<string, string>;

/** Register the per-test fake (call once at the top of a suite). */
export function useFake(): void {
  seededPerTest((seeded, e) => {
    forgetWorkspace();
    s = seeded;
    env = e;
    s.fake.addAgentTask(s.channelSid, agent(f.AGENT_WORKER)!, { customerName: 'Ada' });
  });
}

export const QUEUE = `WQ${'9'.repeat(32)}`;
export const NEW_AGENT = f.OUTSIDER_WORKER;
export const agent = (worker: string) => s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === worker);
export const agentTask = () => JSON.parse(s.fake.taskRouter.tasks.get(agent(f.AGENT_WORKER)!.taskSid!)!.attributes);
export const marker = (taskSid: string) => JSON.parse(s.fake.taskRouter.tasks.get(taskSid)!.attributes).transfer;
export const twilioRequests = () => s.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate'));
/** Requests as `METHOD path`, each run of reads sorted: the channel's state and the task are read at the same time. */
export { sortReads };
export const sent = () => sortReads(twilioRequests().map((q) => `${q.method} ${q.path.split('/').slice(-2).join('/')}`));
/** The channel's state as sent() shows it (the agents' tasks come with the list of the channel's tasks). */
export const stateReads = () => [`GET Channels/${s.channelSid}`, `GET ${s.channelSid}/Participants`, `GET WS${'5'.repeat(32)}/Tasks`];

/** Start a transfer as the demo agent; answers the new task's SID (the fake's log cleared after). */
export async function transfer(target: Record<string, string>, mode = 'cold', e = env): Promise<string> {
  const r = await invoke(transferChannel, e, {
    path: '/transfer-channel',
    params: { interactionSid: s.interactionSid, channelSid: s.channelSid, mode, ...target },
    headers: { Authorization: `Bearer ${f.AGENT_TOKEN}` },
  });
  expect(r.statusCode).toBe(200);
  s.fake.clearRequests();
  return r.json.task.sid as string;
}

/** Hand one event to the webhook: 200, exactly its schema. */
export async function hook(event: Record<string, string>, e = env) {
  const r = await invoke(webhook as never, e, { path: '/webhooks/taskrouter', params: event });
  expect(r.statusCode).toBe(200);
  expect(TaskRouterWebhookResponse.parse(r.json)).toEqual(r.json);
  return r.json;
}

/** The webhook's raw answer (for errors). */
export const hookRaw = (event: Record<string, string>) => invoke(webhook as never, env, { path: '/webhooks/taskrouter', params: event });

/** The new task reserved for and accepted by the new agent: its reservation.accepted event. */
export const accepted = (taskSid: string) => s.fake.router.accept(s.fake.router.reserve(taskSid, NEW_AGENT).reservation.sid)[0]!;
