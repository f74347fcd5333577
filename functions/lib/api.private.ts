/**
 * The public contract of the three functions as data: path, methods, parameter schema and
 * answer schema of each. The entry points are built from it, and the OpenAPI description
 * (`assets/openapi.json`, written at build time by scripts/openapi.ts) is generated from it,
 * so the two cannot drift apart.
 */
import type * as Z from 'zod/mini';

const z = require(Runtime.getFunctions()['lib/zod']!.path) as typeof import('./zod.private');
const params = require(Runtime.getFunctions()['lib/params']!.path) as typeof import('./params.private');
const channels = require(Runtime.getFunctions()['lib/channels']!.path) as typeof import('./channels.private');

/** What the schemas' `describe` calls say, for the OpenAPI generator (the library's own zod registry). */
export const descriptions = z.globalRegistry;

export const GetChannelResponse = z.object({ channel: channels.Channel });
export type GetChannelResponse = Z.infer<typeof GetChannelResponse>;

export const ListChannelsResponse = z.object({
  interactionSid: z.string(),
  channels: z.array(channels.Channel),
  count: z.int(),
});
export type ListChannelsResponse = Z.infer<typeof ListChannelsResponse>;

export const CloseChannelResponse = z.object({
  channel: channels.Channel,
  routing: z.nullable(params.Routing),
  taskStatus: z.enum(['wrapping', 'completed']),
});
export type CloseChannelResponse = Z.infer<typeof CloseChannelResponse>;

export const ErrorResponse = z.object({
  error: z.object({
    code: z.enum([
      'invalid_request',
      'unauthorized',
      'forbidden',
      'not_found',
      'method_not_allowed',
      'conflict',
      'payload_too_large',
      'rate_limited',
      'misconfigured',
      'internal_error',
      'upstream_error',
      'upstream_timeout',
    ]),
    message: z.string(),
    status: z.int(),
    details: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
    twilioCode: z.optional(z.int()),
    moreInfo: z.optional(z.string()),
  }),
});
export type ErrorResponse = Z.infer<typeof ErrorResponse>;

export const GET_CHANNEL = {
  path: '/get-channel',
  methods: ['GET', 'POST'],
  summary: 'Fetch one channel of a Flex Interaction',
  params: params.GetChannelParams,
  response: GetChannelResponse,
} as const;

export const LIST_CHANNELS = {
  path: '/list-channels',
  methods: ['GET', 'POST'],
  summary: "List a Flex Interaction's channels",
  params: params.ListChannelsParams,
  response: ListChannelsResponse,
} as const;

export const CLOSE_CHANNEL = {
  path: '/close-channel',
  methods: ['POST'],
  summary: 'Close a channel (or set it inactive); without routing its tasks go to wrapping, with routing {"status":"closed"} they complete',
  params: params.CloseChannelParams,
  response: CloseChannelResponse,
} as const;

export const ENDPOINTS = [GET_CHANNEL, LIST_CHANNELS, CLOSE_CHANNEL] as const;
