/**
 * Baseline: the Twilio calls /park-channel makes, in the same order, with no auth, validation,
 * scope or failure handling. Read off the fake of Twilio's request log for one real park of ours
 * (scripts/bench/park.ts prints both sequences and stops the run if they differ): fetch the
 * channel, list its participants, fetch the agent's task (in the account's one workspace, listed
 * once per container), create the park record in Sync (the map exists by then), read the
 * conversation's last message, close the agent's participant, create the conversation's
 * webhook replaying after that message, write the webhook's SID into the record (If-Match).
 */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

let workspace: Promise<string> | undefined;

export const handler = (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  // A failure answers 500 (a failed run), never an unhandled rejection that stops the server.
  run(context, event).then((answer) => callback(null, answer), callback);
};

async function run(context: Record<string, unknown>, event: Record<string, string>): Promise<object> {
  const client = baselineClient(context);
  const ids = { interactionSid: event.interactionSid!, channelSid: event.channelSid! };
  const channel = client.flexApi.v1.interaction(ids.interactionSid).channels(ids.channelSid);
  await channel.fetch();
  const participants = await channel.participants.list({ limit: 1001, pageSize: 1000 });
  const agent = participants.find((p) => p.type === 'agent') as
    { sid: string; routingProperties: { task_sid: string; worker_sid: string } } | undefined;
  workspace ??= client.taskrouter.v1.workspaces.list({ limit: 2, pageSize: 2 }).then((list) => list[0]!.sid);
  const workspaceSid = await workspace;
  const task = await client.taskrouter.v1.workspaces(workspaceSid).tasks(agent!.routingProperties.task_sid).fetch();
  const attributes = JSON.parse(task.attributes) as { conversationSid: string };
  const map = client.sync.v1.services(String(context.SYNC_SERVICE_SID)).syncMaps('flex-parked-channels');
  const data = {
    state: 'parked',
    ...ids,
    conversationSid: attributes.conversationSid,
    parkedBy: { workerSid: agent!.routingProperties.worker_sid, identity: null },
    parkedAt: new Date().toISOString(),
    taskSid: task.sid,
    workspaceSid,
    queueSid: task.taskQueueSid,
    workflowSid: task.workflowSid,
    taskChannelUniqueName: task.taskChannelUniqueName,
    attributes,
    webhookSid: null as string | null,
  };
  const item = await map.syncMapItems.create({ key: ids.channelSid, data });
  const conversation = client.conversations.v1.conversations(attributes.conversationSid);
  const [last] = await conversation.messages.list({ order: 'desc', limit: 1, pageSize: 1 });
  await channel.participants(agent!.sid).update({ status: 'closed' });
  const webhook = await conversation.webhooks.create({
    target: 'webhook',
    'configuration.url': `https://${String(context.DOMAIN_NAME)}/webhooks/conversations?interactionSid=${ids.interactionSid}&channelSid=${ids.channelSid}`,
    'configuration.method': 'post',
    'configuration.filters': ['onMessageAdded'],
    'configuration.replayAfter': (last?.index ?? -1) + 1,
  });
  await map.syncMapItems(ids.channelSid).update({ data: { ...data, webhookSid: webhook.sid }, ifMatch: String(item.revision) });
  return { webhookSid: webhook.sid };
}
