/**
 * Our markers in task attributes, in one place: a transfer's new task carries `transfer`, a
 * resumed park's task `resumedFrom` (and `resumeWorkerSid` for known-agent routing), a failed
 * transfer is reported on the transferring agent's task as `transferFailed`.
 *
 * A Flex worker can set the attributes of a task it holds (Flex UI `task.setAttributes`), so a
 * marker read back from TaskRouter is trusted only once proven ours: each carries `mac`, an
 * HMAC-SHA256 over its fixed fields **and the interaction and channel it is for**, under a key
 * derived (HKDF-SHA256) from the account's secret — `AUTH_TOKEN`, else `API_SECRET` — which is
 * never written to Twilio. A marker copied to a task of another channel, edited, or written by
 * hand does not verify, and then decides nothing. The mutable `state` of a transfer is outside
 * the MAC: it is claimed with If-Match on the task (adapters/tasks.ts), never trusted to prove
 * anything by itself. docs/channel-state.md says what rotating the secret does (fails safe).
 */
import type { Config } from '../config';

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import * as configs from '../config';
import * as errors from '../edge/errors';
import { sidPattern, type SidKind } from '../contract/sids';

const Sid = (kind: SidKind) => z.string().check(z.regex(sidPattern(kind)));
const NullableSid = (kind: SidKind) => z.nullable(Sid(kind));

/** The attributes of ours that a task may carry; none of them is carried over to a new task. */
export const OUR_KEYS = ['transfer', 'transferFailed', 'resumedFrom', 'resumeWorkerSid'] as const;

export const TRANSFER_STATES = ['pending', 'completing', 'completed'] as const;

/** What a transfer's new task carries (and what a Flex plugin may read). */
export const TransferMarker = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(100)),
  state: z.enum(TRANSFER_STATES),
  mode: z.enum(['cold', 'warm']),
  from: z.object({ participantSid: Sid('participant'), workerSid: NullableSid('worker'), taskSid: Sid('task') }),
  to: z.object({ queueSid: NullableSid('queue'), workerSid: NullableSid('worker') }),
  /** Cold: the status the transferring participant gets once someone accepted; warm: `stay`. */
  then: z.enum(['wrapup', 'closed', 'stay']),
  mac: z.string(),
});
export type TransferMarker = z.infer<typeof TransferMarker>;

/** What a resumed park's task carries, besides the original attributes. */
export const ResumedFrom = z.object({
  interactionSid: Sid('interaction'),
  channelSid: Sid('channel'),
  conversationSid: Sid('conversation'),
  parkedBy: z.object({ workerSid: NullableSid('worker'), identity: z.nullable(z.string()) }),
  parkedAt: z.string(),
  resumedAt: z.string(),
  claimId: z.string(),
  resumeTo: z.enum(['agent', 'queue']),
  taskSid: Sid('task'),
  workspaceSid: Sid('workspace'),
  queueSid: NullableSid('queue'),
  workflowSid: NullableSid('workflow'),
  taskChannelUniqueName: z.nullable(z.string()),
  mac: z.string(),
});
export type ResumedFrom = z.infer<typeof ResumedFrom>;

/** The channel a marker is for (it is inside the MAC). */
export interface ChannelIds {
  interactionSid: string;
  channelSid: string;
}

/** The key markers are signed with, derived once per settings; no secret configured: 500 misconfigured. */
const keyOf = configs.perConfig((config: Config): Buffer | undefined => {
  const secret = config.authToken ?? config.apiSecret;
  if (secret === undefined || secret === '') return undefined;
  return Buffer.from(hkdfSync('sha256', secret, config.accountSid, 'flex-interaction-channels/task-markers/v1', 32));
});

function key(config: Config): Buffer {
  const k = keyOf(config);
  if (k === undefined)
    throw new errors.MisconfiguredError('AUTH_TOKEN (or API_KEY and API_SECRET) is required to sign the markers transfers and parks leave on tasks');
  return k;
}

/** The fields a MAC covers, in a fixed order (JSON of an array: no key-order ambiguity). */
function transferFields(ids: ChannelIds, m: Omit<TransferMarker, 'mac' | 'state'>): unknown[] {
  return [
    'transfer',
    ids.interactionSid,
    ids.channelSid,
    m.id,
    m.mode,
    m.from.participantSid,
    m.from.workerSid,
    m.from.taskSid,
    m.to.queueSid,
    m.to.workerSid,
    m.then,
  ];
}

function resumedFields(r: Omit<ResumedFrom, 'mac'>): unknown[] {
  return [
    'resumedFrom',
    r.interactionSid,
    r.channelSid,
    r.conversationSid,
    r.parkedBy.workerSid,
    r.parkedBy.identity,
    r.parkedAt,
    r.resumedAt,
    r.claimId,
    r.resumeTo,
    r.taskSid,
    r.workspaceSid,
    r.queueSid,
    r.workflowSid,
    r.taskChannelUniqueName,
  ];
}

const macOf = (k: Buffer, fields: unknown[]): string => createHmac('sha256', k).update(JSON.stringify(fields)).digest('base64url');

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A transfer marker for this channel, signed. */
export function signTransfer(config: Config, ids: ChannelIds, m: Omit<TransferMarker, 'mac'>): TransferMarker {
  return { ...m, mac: macOf(key(config), transferFields(ids, m)) };
}

/** A resumedFrom marker, signed (its channel is among its fields). */
export function signResumedFrom(config: Config, r: Omit<ResumedFrom, 'mac'>): ResumedFrom {
  return { ...r, mac: macOf(key(config), resumedFields(r)) };
}

/** The channel a task's attributes name (Twilio writes these on a Flex Conversations task), or undefined. */
export function channelOf(attributes: Record<string, unknown>): ChannelIds | undefined {
  const { flexInteractionSid, flexInteractionChannelSid } = attributes;
  if (typeof flexInteractionSid !== 'string' || !sidPattern('interaction').test(flexInteractionSid)) return undefined;
  if (typeof flexInteractionChannelSid !== 'string' || !sidPattern('channel').test(flexInteractionChannelSid)) return undefined;
  return { interactionSid: flexInteractionSid, channelSid: flexInteractionChannelSid };
}

/** The transfer a task's attributes carry, when it is ours and for the channel they name; else undefined. */
export function verifiedTransfer(config: Config, attributes: Record<string, unknown>): { marker: TransferMarker; ids: ChannelIds } | undefined {
  const ids = channelOf(attributes);
  const parsed = TransferMarker.safeParse(attributes.transfer);
  if (ids === undefined || !parsed.success) return undefined;
  return sameMac(parsed.data.mac, macOf(key(config), transferFields(ids, parsed.data))) ? { marker: parsed.data, ids } : undefined;
}

/** The park a task's attributes say it resumed, when the marker is ours and for the channel they name; else undefined. */
export function verifiedResumedFrom(config: Config, attributes: Record<string, unknown>): ResumedFrom | undefined {
  const ids = channelOf(attributes);
  const parsed = ResumedFrom.safeParse(attributes.resumedFrom);
  if (ids === undefined || !parsed.success) return undefined;
  const r = parsed.data;
  if (r.interactionSid !== ids.interactionSid || r.channelSid !== ids.channelSid) return undefined;
  return sameMac(r.mac, macOf(key(config), resumedFields(r))) ? r : undefined;
}

/** A task's attributes less every marker of ours: what a new task (transfer, park's record) carries over. */
export function withoutMarkers(attributes: Record<string, unknown>): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...attributes };
  for (const k of OUR_KEYS) delete rest[k];
  return rest;
}
