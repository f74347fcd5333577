/**
 * The parameters of the functions, validated with zod before anything is sent to Twilio.
 * Names are camelCase; the PascalCase spelling of Twilio's docs is accepted as an alias.
 * A failure is an `invalid_request` whose details name each bad field by its camelCase name.
 */
import type * as Z from 'zod/mini';

import * as z from 'zod/mini';
import * as errors from '../edge/errors';
import { sidPattern, sidRule, type SidKind } from './sids';

/** A SID parameter: required, a string, and of its kind's shape (contract/sids). */
export const sid = (kind: SidKind, field: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`),
    })
    .check(z.regex(sidPattern(kind), `${field} ${sidRule(kind)}`));

export const InteractionSid = sid('interaction', 'interactionSid').check(z.describe('The interaction (KD followed by 32 hex digits).'));
export const ChannelSid = sid('channel', 'channelSid').check(z.describe('The channel (UO followed by 32 hex digits).'));

/** The only routing Twilio accepts on a channel update: complete the tasks. */
export const Routing = z.strictObject(
  { status: z.literal('closed', { error: 'routing.status must be "closed"' }) },
  { error: 'routing must be {"status":"closed"}' },
);
export type Routing = Z.infer<typeof Routing>;

/** routing as an object, or as its JSON string (a form field can only carry a string). */
const routingInput = z.pipe(
  z.transform((value: unknown, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.issues.push({ code: 'custom', message: 'routing must be a JSON object such as {"status":"closed"}', input: value });
      return z.NEVER;
    }
  }),
  Routing,
);

const limitInput = z.pipe(
  z.union(
    [
      z.number(),
      z.pipe(
        // A string that fails here gets the union's message below: zod reports a union's own error
        // when no option fits, so a message of this check's would never be seen.
        z.string().check(z.regex(/^\s*\d{1,7}\s*$/)),
        z.transform((s: string) => Number(s)),
      ),
    ],
    { error: 'limit must be a whole number from 1 to 1000' },
  ),
  z.int({ error: 'limit must be a whole number' }).check(z.minimum(1, 'limit must be at least 1'), z.maximum(1000, 'limit must be at most 1000')),
);

export const GetChannelParams = z.object({ interactionSid: InteractionSid, channelSid: ChannelSid });
export type GetChannelParams = Z.infer<typeof GetChannelParams>;

export const ListChannelsParams = z.object({
  interactionSid: InteractionSid,
  limit: z._default(limitInput, 50).check(z.describe('At most this many channels, 1 to 1000.')),
});
export type ListChannelsParams = Z.infer<typeof ListChannelsParams>;

export const CloseChannelParams = z
  .object({
    interactionSid: InteractionSid,
    channelSid: ChannelSid,
    status: z
      ._default(z.enum(['closed', 'inactive'], { error: 'status must be "closed" or "inactive"' }), 'closed')
      .check(z.describe('closed (default) or inactive.')),
    routing: z
      .optional(routingInput)
      .check(
        z.describe(
          '{"status":"closed"} (as an object or its JSON string) completes the tasks; without it they go to wrapping. Required with inactive.',
        ),
      ),
  })
  .check(
    z.superRefine((p, ctx) => {
      if (p.status === 'inactive' && p.routing === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['routing'],
          message: 'routing {"status":"closed"} is required when status is "inactive"',
        });
      }
    }),
  );
export type CloseChannelParams = Z.infer<typeof CloseChannelParams>;

/** The fields of a TaskRouter event callback we read (it sends many more). */
export const TaskRouterEvent = z.object({
  eventType: z.string({ error: 'EventType is required' }).check(z.minLength(1), z.maxLength(100), z.describe('e.g. task.canceled')),
  taskSid: z.optional(z.string().check(z.regex(sidPattern('task'), `TaskSid ${sidRule('task')}`))),
  taskAttributes: z.optional(z.string().check(z.maxLength(64 * 1024))),
  workspaceSid: z.optional(z.string().check(z.regex(sidPattern('workspace'), `WorkspaceSid ${sidRule('workspace')}`))),
  /** When TaskRouter sent the event, ms since epoch ("Added field TimestampMs to all events sent via callbacks", TaskRouter changelog, 2018-01-18). */
  timestampMs: z.optional(z.string().check(z.regex(/^\d{1,15}$/, 'TimestampMs must be milliseconds since the epoch, digits only'))),
});
export type TaskRouterEvent = Z.infer<typeof TaskRouterEvent>;

/** No valid request comes anywhere near these; larger or deeper parameters are refused unread. */
export const MAX_PARAMS_BYTES = 16 * 1024;
export const MAX_PARAMS_DEPTH = 16;

export type Bounds = { ok: true } | { ok: false; tooLarge: true } | { ok: false; tooLarge: false; field: string };

/**
 * Measure the parameters against the limits without recursion (an explicit stack), before
 * anything else reads them: each string counts its length, each other value 8, each key its
 * length, and each array or object 2 plus 1 per element, so nothing counts as free. Stops as
 * soon as a limit is passed, so a huge body costs little more than the limit.
 */
export function checkBounds(params: Record<string, unknown>, maxBytes = MAX_PARAMS_BYTES, maxDepth = MAX_PARAMS_DEPTH): Bounds {
  let size = 0;
  const stack: Array<{ value: unknown; depth: number; field: string }> = [];
  for (const [key, value] of Object.entries(params)) {
    size += key.length;
    stack.push({ value, depth: 1, field: key });
  }
  while (stack.length > 0) {
    if (size > maxBytes) return { ok: false, tooLarge: true };
    const { value, depth, field } = stack.pop()!;
    if (typeof value === 'string') {
      size += value.length;
      continue;
    }
    if (typeof value !== 'object' || value === null) {
      size += 8;
      continue;
    }
    if (depth >= maxDepth) return { ok: false, tooLarge: false, field };
    size += 2;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && size <= maxBytes; i++) {
        size += 1;
        stack.push({ value: value[i], depth: depth + 1, field });
      }
    } else {
      for (const key in value) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
        size += key.length + 1;
        stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1, field });
        if (size > maxBytes) break;
      }
    }
  }
  return size > maxBytes ? { ok: false, tooLarge: true } : { ok: true };
}

/** Throw 413 or 400 (naming the field) when the parameters are over the bounds. */
export function assertBounds(params: Record<string, unknown>, maxBytes = MAX_PARAMS_BYTES): void {
  const bounds = checkBounds(params, maxBytes);
  if (bounds.ok) return;
  if (bounds.tooLarge) throw new errors.PayloadTooLargeError(maxBytes);
  throw errors.InvalidRequestError.field(bounds.field, `nested more than ${MAX_PARAMS_DEPTH} levels deep`);
}

/** camelCase name → PascalCase alias. */
function alias(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Validate `params` (the request's query, form or JSON body) against `schema`. Each field may
 * come by its camelCase name or its PascalCase alias, not both with different values. Unknown
 * parameters are ignored: Studio and Twilio webhooks send many of their own.
 */
export function parseParams<S extends Z.ZodMiniObject>(schema: S, params: Record<string, unknown>): Z.infer<S> {
  const fields = Object.keys(schema.shape);
  const input: Record<string, unknown> = {};
  const problems: import('../edge/errors').FieldProblem[] = [];
  for (const field of fields) {
    const camel = Object.prototype.hasOwnProperty.call(params, field) ? params[field] : undefined;
    const pascal = Object.prototype.hasOwnProperty.call(params, alias(field)) ? params[alias(field)] : undefined;
    if (camel !== undefined && pascal !== undefined && JSON.stringify(camel) !== JSON.stringify(pascal)) {
      problems.push({ field, message: `${field} and ${alias(field)} disagree; send one of them` });
      continue;
    }
    const value = camel ?? pascal;
    // An empty form field means "not given", as in Studio widgets left blank.
    if (value !== undefined && value !== '') input[field] = value;
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path.length > 0 ? String(issue.path[0]) : 'request';
      if (!problems.some((p) => p.field === field)) problems.push({ field, message: issue.message });
    }
  }
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new errors.InvalidRequestError(first.message, problems);
  }
  return (result as { data: Z.infer<S> }).data;
}

/**
 * For a request vouched for by its Twilio signature: act only on exactly what was signed.
 * Twilio signs the URL plus each parameter's name and value concatenated with no separator,
 * so one signature also fits other parameter sets (`status=inactive` + `routing=…` signs the
 * same string as `routing=…` + `statusinactive=`). A set made only of this function's own
 * parameters, each strictly validated and none empty, has a single reading; anything else
 * (an unknown name, which we would otherwise ignore, or an empty value, which we would read as
 * absent) is refused, naming the field.
 */
export function assertUnambiguouslySigned(schema: Z.ZodMiniObject, params: Record<string, unknown>): void {
  const known = new Set(Object.keys(schema.shape).flatMap((field) => [field, alias(field)]));
  const problems: import('../edge/errors').FieldProblem[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (!known.has(name)) {
      problems.push({
        field: name.slice(0, 100),
        message: `a request signed by Twilio may carry only this function's parameters (${[...known].join(', ')})`,
      });
    } else if (value === '') {
      problems.push({ field: name, message: `${name} must not be empty in a request signed by Twilio` });
    }
  }
  if (problems.length > 0) throw new errors.InvalidRequestError(problems[0]!.message, problems);
}
