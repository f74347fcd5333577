/** A seeded fake with a parkable conversation, and the park functions' handlers called through the fake Runtime. */
import { sortReads } from '../../../support/requests';
import { handler as parkChannel } from '../../../../functions/park-channel';
import { handler as resumeChannel } from '../../../../functions/resume-channel';
import { handler as listParked } from '../../../../functions/list-parked';
import { handler as conversationsWebhook } from '../../../../functions/webhooks/conversations.protected';
import { handler as taskRouterWebhook } from '../../../../functions/webhooks/taskrouter.protected';
import { forgetWorkspace } from '../../../../src/adapters/workspace';
import { startSeededFake, type Seeded } from '../../../support/fake';
import { invoke, settings } from '../../../support/invoke';
import * as f from '../../../support/fixtures';

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

export interface ParkWorld extends Seeded {
  env: Record<string, string>;
  syncService: string;
  conversationSid: string;
  agentTaskSid: string;
  park(params?: Record<string, unknown>, token?: string, env?: Record<string, string>): ReturnType<typeof invoke>;
  resume(params?: Record<string, unknown>, token?: string): ReturnType<typeof invoke>;
  list(params?: Record<string, unknown>, token?: string): ReturnType<typeof invoke>;
  /** Post the customer's message `index` to the webhook handler, as Twilio would. */
  deliver(index: number, extra?: Record<string, string>): ReturnType<typeof invoke>;
  /** Post TaskRouter events to the TaskRouter webhook handler. */
  taskRouter(event: Record<string, string>): ReturnType<typeof invoke>;
  /** The customer writes (stored in the fake; deliveries to the deployed domain are not made here). */
  write(body: string, author?: string): { index: number };
  records(): Array<{ key: string; data: any }>;
  webhooks(): Array<{ sid: string; url: string; filters: string[]; replayAfter?: number }>;
  /** Requests other than IAM's. */
  sent(): string[];
}

export async function parkWorld(extra: Record<string, string> = {}): Promise<ParkWorld> {
  forgetWorkspace();
  const s = await startSeededFake();
  const syncService = s.fake.sync.addService();
  const env = settings(s.baseUrl, { SYNC_SERVICE_SID: syncService, ...extra });
  const agent = s.fake.participants.get(s.channelSid)!.find((p) => p.workerSid === f.AGENT_WORKER)!;
  s.fake.addAgentTask(s.channelSid, agent, { customerName: 'Ada', transfer: { id: 'old' } });
  const conversationSid = s.fake.conversationOf(s.channelSid)!;
  const ids = { interactionSid: s.interactionSid, channelSid: s.channelSid };
  const conversation = () => s.fake.conversations.get(conversationSid)!;
  const world: ParkWorld = {
    ...s,
    env,
    syncService,
    conversationSid,
    agentTaskSid: agent.taskSid!,
    park: (params = {}, token = f.AGENT_TOKEN, e = env) =>
      invoke(parkChannel, e, { path: '/park-channel', params: { ...ids, ...params }, headers: bearer(token) }),
    resume: (params = {}, token = f.AGENT_TOKEN) =>
      invoke(resumeChannel, env, { path: '/resume-channel', params: { ...ids, ...params }, headers: bearer(token) }),
    list: (params = {}, token = f.SUPERVISOR_TOKEN) => invoke(listParked, env, { path: '/list-parked', params, headers: bearer(token) }),
    deliver: (index, more = {}) => {
      const message = conversation().messages[index]!;
      return invoke(conversationsWebhook, env, {
        path: '/webhooks/conversations',
        params: { ...s.fake.messageEvent(conversationSid, message), ...ids, ...more },
      });
    },
    taskRouter: (event) => invoke(taskRouterWebhook, env, { path: '/webhooks/taskrouter', params: event }),
    write: (body, author = 'customer-ada') => {
      const c = conversation();
      c.messages.push({ sid: s.fake.nextSid('IM'), index: c.messages.length, author, body, dateCreated: new Date().toISOString() });
      return { index: c.messages.length - 1 };
    },
    records: () => s.fake.sync.items(syncService, 'flex-parked-channels').map((i: any) => ({ key: i.key, data: i.data })),
    webhooks: () => conversation().webhooks,
    // Each run of reads sorted: the channel's state makes its reads at the same time.
    sent: () =>
      sortReads(
        s.fake.requests.filter((q) => !q.path.endsWith('/Tokens/validate')).map((q) => `${q.method} ${q.path.split('/').slice(-2).join('/')}`),
      ),
  };
  return world;
}

export { sortReads };
