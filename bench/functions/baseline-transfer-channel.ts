/**
 * Baseline: the calls /transfer-channel makes for a cold transfer to a queue, with no auth,
 * validation or normalization: fetch the channel, list its participants, fetch the first agent's
 * task (in the account's one workspace, listed once per container, as ours does when
 * TASKROUTER_WORKSPACE_SID is empty), create the invite carrying the task's attributes and a
 * marker, answer Twilio's invite as it is.
 */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

let workspace: Promise<string> | undefined;

export const handler = async (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  const client = baselineClient(context);
  const channel = client.flexApi.v1.interaction(event.interactionSid!).channels(event.channelSid!);
  await channel.fetch();
  const participants = await channel.participants.list({ limit: 1000, pageSize: 1000 });
  const agent = participants.find((p) => p.type === 'agent') as { routingProperties: { task_sid: string } } | undefined;
  workspace ??= client.taskrouter.v1.workspaces.list({ limit: 2, pageSize: 2 }).then((list) => list[0]!.sid);
  const workspaceSid = await workspace;
  const task = await client.taskrouter.v1.workspaces(workspaceSid).tasks(agent!.routingProperties.task_sid).fetch();
  const attributes = { ...JSON.parse(task.attributes), transfer: { id: String(Date.now()), state: 'pending', mode: 'cold' } };
  const properties = { workspace_sid: workspaceSid, workflow_sid: task.workflowSid, queue_sid: event.queueSid, attributes };
  const invite = await channel.invites.create({ routing: { properties } });
  callback(null, invite.toJSON());
};
