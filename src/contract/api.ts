/**
 * The public contract as data: every endpoint's path, methods, parameters, answer, who may reach
 * it, and every error it can give. The operations (src/operations.ts) add the work to these, the
 * entry points are built from them, and the OpenAPI document (`assets/openapi.json`, written at
 * build time by scripts/openapi.ts) is generated from this list alone, so none can drift apart.
 */
import type * as Z from 'zod/mini';
import type { Method } from '../edge/http';
import type { ErrorCode } from './answers';

import * as params from './params';
import * as participantParams from './participant-params';
import * as answers from './answers';
import * as transferParams from './transfer-params';
import * as transferAnswers from './transfer-answers';
import * as parkParams from './park-params';
import * as parkAnswers from './park-answers';

/** What the schemas' `describe` calls say, for the OpenAPI generator (zod's registry). */
export { globalRegistry as descriptions } from 'zod/mini';

/**
 * Who reaches an endpoint:
 * - `everyone`: a public function that checks its callers itself (a Flex token, server
 *   credentials, a Twilio signature), with a protected twin under `/studio/` for Twilio-signed
 *   callers (Studio, webhooks);
 * - `twilio`: a protected function only (a webhook), reachable only with Twilio's signature.
 */
export type Audience = 'everyone' | 'twilio';

export interface Endpoint<P extends Z.ZodMiniObject = Z.ZodMiniObject, R extends Z.ZodMiniType = Z.ZodMiniType> {
  /** The function's name: its public path without the slash, and the name entry points use. */
  name: string;
  path: `/${string}`;
  methods: readonly Method[];
  summary: string;
  params: P;
  response: R;
  audience: Audience;
  /** Every error code the endpoint can answer. */
  errors: readonly ErrorCode[];
  /** Largest parameters accepted (default MAX_PARAMS_BYTES, 16 KiB). */
  maxParamsBytes?: number;
  /**
   * A webhook: Twilio sends many parameters of its own, which a signed request may then carry
   * (the endpoint acts only on its own, parsed strictly). Otherwise a signed request must carry
   * exactly the endpoint's parameters (contract/params, assertUnambiguouslySigned).
   */
  webhook?: boolean;
}

/** What any function can answer before its work starts, and while it calls Twilio. */
const EDGE: readonly ErrorCode[] = ['invalid_request', 'payload_too_large', 'misconfigured', 'internal_error'];
/** What checking a caller can answer (IAM or the REST API asked about a credential). */
const CALLER: readonly ErrorCode[] = ['unauthorized', 'forbidden', 'rate_limited', 'upstream_error', 'upstream_timeout'];
/** What any call to Twilio's REST API can answer (lib/edge/errors, fromTwilioError). */
const TWILIO: readonly ErrorCode[] = ['not_found', 'conflict', 'rate_limited', 'misconfigured', 'upstream_error', 'upstream_timeout'];

/** The codes of an endpoint, each once, in the contract's order. */
function errorsOf(methods: readonly Method[], ...groups: ReadonlyArray<readonly ErrorCode[]>): readonly ErrorCode[] {
  const codes = new Set<ErrorCode>(groups.flat());
  if (methods.length === 1) codes.add('method_not_allowed');
  return (Object.keys(answers.ERRORS) as ErrorCode[]).filter((code) => codes.has(code));
}

function endpoint<P extends Z.ZodMiniObject, R extends Z.ZodMiniType, A extends Audience>(
  spec: Omit<Endpoint<P, R>, 'path' | 'errors' | 'audience'> & { audience: A; errors: ReadonlyArray<readonly ErrorCode[]> },
): Endpoint<P, R> & { audience: A } {
  return { ...spec, path: spec.audience === 'twilio' ? `/webhooks/${spec.name}` : `/${spec.name}`, errors: errorsOf(spec.methods, ...spec.errors) };
}

export const GET_CHANNEL = endpoint({
  name: 'get-channel',
  methods: ['GET', 'POST'],
  summary: 'Fetch one channel of a Flex Interaction',
  params: params.GetChannelParams,
  response: answers.GetChannelResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const LIST_CHANNELS = endpoint({
  name: 'list-channels',
  methods: ['GET', 'POST'],
  summary: "List a Flex Interaction's channels",
  params: params.ListChannelsParams,
  response: answers.ListChannelsResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const CLOSE_CHANNEL = endpoint({
  name: 'close-channel',
  methods: ['POST'],
  summary: 'Close a channel (or set it inactive); without routing its tasks go to wrapping, with routing {"status":"closed"} they complete',
  params: params.CloseChannelParams,
  response: answers.CloseChannelResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const LIST_PARTICIPANTS = endpoint({
  name: 'list-participants',
  methods: ['GET', 'POST'],
  summary: "List a channel's participants (every page, at most 1000): sid, type, and for agents workerSid, taskSid, reservationSid",
  params: participantParams.ListParticipantsParams,
  response: answers.ListParticipantsResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const UPDATE_PARTICIPANT = endpoint({
  name: 'update-participant',
  methods: ['POST'],
  summary:
    "Wrap up (wrapup) or complete (closed) one agent's participation; the channel stays open. An agent changes only their own (participantSid may then be left out), a supervisor anyone's",
  params: participantParams.UpdateParticipantParams,
  response: answers.UpdateParticipantResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const ORPHAN_GUARD = endpoint({
  name: 'orphan-guard',
  methods: ['POST'],
  summary:
    "TaskRouter's Event Callback URL: closes the channel of a canceled or timed-out Flex Conversations task when no agent is left on it; always 200 with what it did and why",
  params: params.TaskRouterEvent,
  response: answers.OrphanGuardResponse,
  audience: 'twilio',
  // TaskRouter posts the whole task (attributes included) and many fields of its own.
  webhook: true,
  maxParamsBytes: 128 * 1024,
  errors: [EDGE, TWILIO],
});

export const TRANSFER_CHANNEL = endpoint({
  name: 'transfer-channel',
  methods: ['POST'],
  summary:
    "Transfer a conversation to a queue (queueSid) or a worker (workerSid) with an invite carrying the original task's attributes; cold (default): the transferring agent leaves only once the new agent accepted (the TaskRouter webhook finishes it), warm: both stay",
  params: transferParams.TransferChannelParams,
  response: transferAnswers.TransferChannelResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const TASKROUTER_WEBHOOK = endpoint({
  name: 'taskrouter',
  methods: ['POST'],
  summary:
    "TaskRouter's Event Callback URL for both the orphan guard and transfers: finishes a cold transfer on reservation.accepted (exactly once, If-Match on the new task), records a failed one on the transferring agent's task, closes orphaned channels; always 200 with what it did and why",
  params: transferParams.TaskRouterWebhookEvent,
  response: transferAnswers.TaskRouterWebhookResponse,
  audience: 'twilio',
  webhook: true,
  maxParamsBytes: 128 * 1024,
  errors: [EDGE, TWILIO],
});

/** What parking can answer beyond a Twilio call's errors: the channel is parked already. */
const PARKED: readonly ErrorCode[] = ['already_parked'];

export const PARK_CHANNEL = endpoint({
  name: 'park-channel',
  methods: ['POST'],
  summary:
    "Park a conversation: the agent's participant closed (their task completes, the conversation stays), the park recorded in Sync with what resuming needs, and a conversation webhook that resumes it on the customer's next message. An agent parks their own, a supervisor anyone's",
  params: parkParams.ParkChannelParams,
  response: parkAnswers.ParkChannelResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO, PARKED],
});

export const RESUME_CHANNEL = endpoint({
  name: 'resume-channel',
  methods: ['POST'],
  summary:
    'Resume a parked conversation now, exactly once (the same claim as a customer message): one invite with the original attributes, then the webhook and the record go. An agent resumes their own parks, a supervisor any',
  params: parkParams.ResumeChannelParams,
  response: parkAnswers.ResumeChannelResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const LIST_PARKED = endpoint({
  name: 'list-parked',
  methods: ['GET', 'POST'],
  summary: 'Parked conversations, paged (pageSize, pageToken): every one for a supervisor, their own for an agent, with who parked it and since when',
  params: parkParams.ListParkedParams,
  response: parkAnswers.ListParkedResponse,
  audience: 'everyone',
  errors: [EDGE, CALLER, TWILIO],
});

export const CONVERSATIONS_WEBHOOK = endpoint({
  name: 'conversations',
  methods: ['POST'],
  summary:
    "A parked conversation's onMessageAdded webhook (made by park-channel): the customer's next message resumes it with exactly one invite, whatever the number of deliveries; always 200 with what it did and why",
  params: parkParams.ConversationEvent,
  response: parkAnswers.ConversationWebhookResponse,
  audience: 'twilio',
  webhook: true,
  maxParamsBytes: 64 * 1024,
  errors: [EDGE, TWILIO],
});

/** Every endpoint, in the order the OpenAPI document lists them. */
export const ENDPOINTS = [
  GET_CHANNEL,
  LIST_CHANNELS,
  CLOSE_CHANNEL,
  LIST_PARTICIPANTS,
  UPDATE_PARTICIPANT,
  TRANSFER_CHANNEL,
  PARK_CHANNEL,
  RESUME_CHANNEL,
  LIST_PARKED,
  ORPHAN_GUARD,
  TASKROUTER_WEBHOOK,
  CONVERSATIONS_WEBHOOK,
] as const;
