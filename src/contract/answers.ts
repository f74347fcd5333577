/**
 * The answers of the contract, as zod schemas: what each endpoint's 200 carries, and the one
 * error body. The handlers' results are typed by them and the OpenAPI document is generated
 * from them (scripts/openapi.ts).
 */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';
import * as params from './params';
import * as participantParams from './participant-params';

/** A channel as the contract shows it. */
export const Channel = z.object({
  sid: z.string(),
  interactionSid: z.string(),
  type: z.nullable(z.string()),
  status: z.nullable(z.string()),
  errorCode: z.nullable(z.number()),
  errorMessage: z.nullable(z.string()),
  url: z.nullable(z.string()),
  links: z.object({
    participants: z.nullable(z.string()),
    invites: z.nullable(z.string()),
    transfers: z.nullable(z.string()),
  }),
});
export type Channel = Z.infer<typeof Channel>;

export const GetChannelResponse = z.object({ channel: Channel });
export type GetChannelResponse = Z.infer<typeof GetChannelResponse>;

export const ListChannelsResponse = z.object({
  interactionSid: z.string(),
  channels: z.array(Channel),
  count: z.int(),
});
export type ListChannelsResponse = Z.infer<typeof ListChannelsResponse>;

export const CloseChannelResponse = z.object({
  channel: Channel,
  routing: z.nullable(params.Routing),
  taskStatus: z.enum(['wrapping', 'completed']),
});
export type CloseChannelResponse = Z.infer<typeof CloseChannelResponse>;

/** A channel participant as the contract shows it: agents' ids read from Twilio's untyped routing_properties. */
export const Participant = z.object({
  sid: z.string(),
  type: z.nullable(z.string()),
  workerSid: z.nullable(z.string()),
  taskSid: z.nullable(z.string()),
  reservationSid: z.nullable(z.string()),
});
export type Participant = Z.infer<typeof Participant>;

export const ListParticipantsResponse = z.object({
  interactionSid: z.string(),
  channelSid: z.string(),
  participants: z.array(Participant),
  count: z.int(),
});
export type ListParticipantsResponse = Z.infer<typeof ListParticipantsResponse>;

export const UpdateParticipantResponse = z.object({
  participant: Participant,
  status: z.enum(participantParams.PARTICIPANT_STATUSES),
  taskStatus: z.enum(['wrapping', 'completed']),
  /** Agent participants still on the channel besides this one (see README: an upper bound). */
  agentsRemaining: z.int(),
});
export type UpdateParticipantResponse = Z.infer<typeof UpdateParticipantResponse>;

/** What the orphan guard did, and why. */
export const OrphanGuardResponse = z.object({
  action: z.enum(['closed', 'ignored']),
  reason: z.string(),
  interactionSid: z.optional(z.string()),
  channelSid: z.optional(z.string()),
  channel: z.optional(Channel),
});
export type OrphanGuardResponse = Z.infer<typeof OrphanGuardResponse>;

/**
 * Every error the contract knows: its stable `code`, its HTTP status, and when it is given.
 * Each endpoint lists the codes it can answer (contract/api), and the OpenAPI document shows,
 * per status, exactly those codes.
 */
export const ERRORS = {
  invalid_request: { status: 400, when: 'a parameter is missing, malformed or not allowed (details name the fields)' },
  unauthorized: { status: 401, when: 'no credentials, or none of them valid' },
  forbidden: { status: 403, when: 'authenticated, but not allowed to do this' },
  not_found: { status: 404, when: 'Twilio says the interaction or channel does not exist' },
  method_not_allowed: { status: 405, when: 'a method the endpoint does not take (Allow names the ones it does)' },
  conflict: { status: 409, when: "Twilio refuses the change in the channel's current state" },
  already_parked: { status: 409, when: 'the channel is parked already (its park record exists)' },
  payload_too_large: { status: 413, when: 'parameters far beyond any valid request' },
  rate_limited: { status: 429, when: 'Twilio kept answering 429, or too many credential checks are under way; see Retry-After' },
  misconfigured: { status: 500, when: "the function's settings are missing or invalid, or Twilio refused its credentials" },
  internal_error: { status: 500, when: 'a bug: logged without secrets, answered without detail' },
  upstream_error: { status: 502, when: 'Twilio answered 5xx or something unreadable, or could not be reached' },
  upstream_timeout: { status: 504, when: 'Twilio did not answer within the deadline' },
} as const;
export type ErrorCode = keyof typeof ERRORS;

export const ErrorResponse = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    status: z.int(),
    details: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
    twilioCode: z.optional(z.int()),
    moreInfo: z.optional(z.string()),
  }),
});
export type ErrorResponse = Z.infer<typeof ErrorResponse>;
