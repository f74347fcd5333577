/**
 * Baseline: the Twilio calls a resume makes (/resume-channel and /webhooks/conversations alike),
 * in the same order, with no auth, signature check, validation, scope, claim rules or failure
 * handling. Read off the fake of Twilio's request log for one real resume of ours
 * (scripts/bench/park.ts prints both sequences and stops the run if they differ): fetch the park
 * record from Sync, claim it (update with If-Match on its revision), fetch the channel, create
 * the invite carrying the original attributes and the resume marker, delete the conversation's
 * webhook, delete the record.
 */
const { baselineClient } = require(Runtime.getFunctions()['baseline']!.path) as typeof import('./baseline.private');

type Data = {
  interactionSid: string;
  channelSid: string;
  conversationSid: string;
  parkedBy: { workerSid: string; identity: string | null };
  parkedAt: string;
  taskSid: string;
  workspaceSid: string;
  workflowSid: string;
  queueSid: string;
  taskChannelUniqueName: string;
  attributes: Record<string, unknown>;
  webhookSid: string;
};

export const handler = (context: Record<string, unknown>, event: Record<string, string>, callback: (e: unknown, r?: object) => void) => {
  // A failure answers 500 (a failed run), never an unhandled rejection that stops the server.
  run(context, event).then((answer) => callback(null, answer), callback);
};

async function run(context: Record<string, unknown>, event: Record<string, string>): Promise<object> {
  const client = baselineClient(context);
  const item = client.sync.v1.services(String(context.SYNC_SERVICE_SID)).syncMaps('flex-parked-channels').syncMapItems(event.channelSid!);
  const record = await item.fetch();
  const data = record.data as Data;
  const claim = { id: `claim-${Date.now()}`, at: Date.now() };
  await item.update({ data: { ...data, state: 'resuming', claim }, ifMatch: String(record.revision) });
  const channel = client.flexApi.v1.interaction(event.interactionSid!).channels(event.channelSid!);
  await channel.fetch();
  const properties = {
    workspace_sid: data.workspaceSid,
    workflow_sid: data.workflowSid,
    queue_sid: data.queueSid,
    task_channel_unique_name: data.taskChannelUniqueName,
    attributes: {
      ...data.attributes,
      resumedFrom: {
        interactionSid: data.interactionSid,
        channelSid: data.channelSid,
        conversationSid: data.conversationSid,
        parkedBy: data.parkedBy,
        parkedAt: data.parkedAt,
        resumedAt: new Date().toISOString(),
        claimId: claim.id,
        resumeTo: 'agent',
        taskSid: data.taskSid,
        workspaceSid: data.workspaceSid,
        queueSid: data.queueSid,
        workflowSid: data.workflowSid,
        taskChannelUniqueName: data.taskChannelUniqueName,
      },
      resumeWorkerSid: data.parkedBy.workerSid,
    },
  };
  const invite = await channel.invites.create({ routing: { properties } });
  await client.conversations.v1.conversations(data.conversationSid).webhooks(data.webhookSid).remove();
  await item.remove();
  return { action: 'resumed', invite: { sid: invite.sid } };
}
