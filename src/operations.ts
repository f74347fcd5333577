/**
 * What each function does, once: the contract's endpoint (contract/api) plus its work. The
 * public functions and their protected twins are both built from these (src/library.ts), so
 * they cannot differ in parameters, Twilio calls, answers or errors.
 */
import type { Operation } from './edge/endpoint';

import * as api from './contract/api';
import * as channels from './adapters/channels';
import * as participants from './adapters/participants';
import * as leave from './workflows/leave';
import * as channelState from './workflows/channel-state';
import * as orphans from './workflows/orphan-guard';
import * as transfers from './workflows/transfer';
import * as taskRouter from './webhooks/taskrouter';
import * as policy from './credentials/policy';
import * as parking from './workflows/park';
import * as resumes from './workflows/resume';
import * as parkedList from './workflows/parked-list';
import * as parkWebhook from './webhooks/conversations';

/** Fetch one channel: `{ channel }`. */
const getChannel: Operation<typeof api.GET_CHANNEL> = {
  endpoint: api.GET_CHANNEL,
  run: async ({ params, client }) => ({ channel: await channels.getChannel(client(), params) }),
};

/** List an interaction's channels: `{ interactionSid, channels, count }`. */
const listChannels: Operation<typeof api.LIST_CHANNELS> = {
  endpoint: api.LIST_CHANNELS,
  run: async ({ params, client }) => {
    const list = await channels.listChannels(client(), params);
    return { interactionSid: params.interactionSid, channels: list, count: list.length };
  },
};

/** Close a channel (or set it inactive) if the caller may (credentials/policy): `{ channel, routing, taskStatus }`. */
const closeChannel: Operation<typeof api.CLOSE_CHANNEL> = {
  endpoint: api.CLOSE_CHANNEL,
  run: async ({ params, caller, config, client }) => {
    await policy.authorizeClose(caller, config, async () =>
      channelState.workersOn(await channelState.read(client(), config, params, { park: false })),
    );
    return channels.closeChannel(client(), params);
  },
};

/** A channel's participants, normalized: `{ interactionSid, channelSid, participants, count }`. */
const listParticipants: Operation<typeof api.LIST_PARTICIPANTS> = {
  endpoint: api.LIST_PARTICIPANTS,
  run: async ({ params, client }) => {
    const list = (await participants.readParticipants(client(), params)).map(participants.publicParticipant);
    return { interactionSid: params.interactionSid, channelSid: params.channelSid, participants: list, count: list.length };
  },
};

/** One agent's participation wrapped up or completed, if the caller may (credentials/policy): `{ participant, status, taskStatus, agentsRemaining }`. */
const updateParticipant: Operation<typeof api.UPDATE_PARTICIPANT> = {
  endpoint: api.UPDATE_PARTICIPANT,
  run: async ({ params, caller, config, client }) => leave.leave(client(), policy.participantScope(caller, config), config, params),
};

/** The orphan guard: decide, act, log, answer `{ action, reason, … }`. */
const orphanGuard: Operation<typeof api.ORPHAN_GUARD> = {
  endpoint: api.ORPHAN_GUARD,
  run: ({ params, client, config }) => orphans.guard(client(), config, params, config.orphanGuardEvents),
};

/** Transfer a conversation with an invite, if the caller may (credentials/policy): `{ transferId, invite, task, from, to, … }`. */
const transferChannel: Operation<typeof api.TRANSFER_CHANNEL> = {
  endpoint: api.TRANSFER_CHANNEL,
  run: async ({ params, caller, config, client }) => transfers.transfer(client(), policy.transferScope(caller, config), config, params),
};

/** The TaskRouter webhook: transfer finisher and orphan guard, `{ action, reason, transfer?, orphanGuard? }`. */
const taskRouterWebhook: Operation<typeof api.TASKROUTER_WEBHOOK> = {
  endpoint: api.TASKROUTER_WEBHOOK,
  run: ({ params, client, config }) => taskRouter.handle(client(), params, config),
};

/** Park a conversation, if the caller may (credentials/policy): `{ park, participant, webhookSid, resumed? }`. */
const parkChannel: Operation<typeof api.PARK_CHANNEL> = {
  endpoint: api.PARK_CHANNEL,
  run: async ({ params, caller, config, client }) =>
    parking.park(client(), policy.parkScope(caller, config), policy.identityOf(caller), config, params),
};

/** Resume a park now, exactly once, if the caller may: `{ action, reason, invite?, task?, to? }`. */
const resumeChannel: Operation<typeof api.RESUME_CHANNEL> = {
  endpoint: api.RESUME_CHANNEL,
  run: async ({ params, caller, config, client }) => {
    const scope = policy.parkScope(caller, config);
    return resumes.resume(client(), config, params, { kind: 'click', authorize: (data) => policy.authorizeResume(scope, data?.parkedBy) });
  },
};

/** The parks the caller may see, one page: `{ parked, count, nextPageToken }`. */
const listParked: Operation<typeof api.LIST_PARKED> = {
  endpoint: api.LIST_PARKED,
  run: async ({ params, caller, config, client }) => parkedList.listParked(client(), policy.parkScope(caller, config), config, params),
};

/** A parked conversation's onMessageAdded webhook: `{ action, reason, … }`. */
const conversationsWebhook: Operation<typeof api.CONVERSATIONS_WEBHOOK> = {
  endpoint: api.CONVERSATIONS_WEBHOOK,
  run: ({ params, client, config }) => parkWebhook.onMessage(client(), params, config),
};

/** Every operation by its endpoint's name: what the entry points name. */
export const OPERATIONS = {
  'get-channel': getChannel,
  'list-channels': listChannels,
  'close-channel': closeChannel,
  'list-participants': listParticipants,
  'update-participant': updateParticipant,
  'transfer-channel': transferChannel,
  'park-channel': parkChannel,
  'resume-channel': resumeChannel,
  'list-parked': listParked,
  conversations: conversationsWebhook,
  'orphan-guard': orphanGuard,
  taskrouter: taskRouterWebhook,
} as const;

export type OperationName = keyof typeof OPERATIONS;
/** The operations with a public function (the others are reachable only with Twilio's signature). */
export type PublicOperationName = {
  [N in OperationName]: (typeof OPERATIONS)[N]['endpoint']['audience'] extends 'everyone' ? N : never;
}[OperationName];
