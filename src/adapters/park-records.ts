/**
 * The park records: one item per parked channel (key: the channel's SID, UO…) in a Sync Map
 * (unique name PARK_MAP_NAME, default `flex-parked-channels`) of the Sync service
 * SYNC_SERVICE_SID, created on first use.
 *
 * Why Sync and not the conversation's attributes: list-parked reads every park, paged, without
 * scanning conversations; and Sync Map Items take `If-Match` on update and delete (Twilio's
 * OpenAPI, UpdateSyncMapItem / DeleteSyncMapItem: "applies this mutation if (and only if) the
 * revision field of this map item matches"; "API mutation and conflict resolution" page), where
 * conversation attributes document none. Creating an item whose key exists is refused (409,
 * Sync error 54208), which makes "park" happen once too. Item data is at most 16 KiB (Sync
 * limits), checked here before anything is written.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';

import * as z from 'zod/mini';
import * as errors from '../edge/errors';
import * as params from '../contract/params';
import { sidPattern, type SidKind } from '../contract/sids';

/** Sync's limit on an item's data. */
export const MAX_RECORD_BYTES = 16 * 1024;

const Sid = (kind: SidKind) => z.string().check(z.regex(sidPattern(kind)));
const nullableSid = (kind: SidKind) => z.nullable(Sid(kind));

/** What a park record holds: what resuming needs, and who parked when. */
export const RecordData = z.object({
  state: z.enum(['parked', 'resuming']),
  interactionSid: params.InteractionSid,
  channelSid: params.ChannelSid,
  conversationSid: Sid('conversation'),
  parkedBy: z.object({ workerSid: nullableSid('worker'), identity: z.nullable(z.string()) }),
  parkedAt: z.string(),
  taskSid: Sid('task'),
  workspaceSid: Sid('workspace'),
  queueSid: nullableSid('queue'),
  workflowSid: nullableSid('workflow'),
  taskChannelUniqueName: z.nullable(z.string()),
  /** The original task's attributes (Twilio: an invite does not carry them over). */
  attributes: z.record(z.string(), z.unknown()),
  webhookSid: nullableSid('conversationWebhook'),
  claim: z.optional(z.object({ id: z.string(), at: z.number() })),
});
export type RecordData = z.infer<typeof RecordData>;

export interface ParkRecord {
  data: RecordData;
  /** The item's revision, for If-Match. */
  revision: string;
}

interface Where {
  service: string;
  map: string;
}

/** The Sync service and map, or 500 `misconfigured` naming SYNC_SERVICE_SID. */
export function whereOf(config: Pick<Config, 'syncServiceSid' | 'parkMapName'>): Where {
  if (config.syncServiceSid === undefined) {
    throw new errors.MisconfiguredError('invalid settings: SYNC_SERVICE_SID is required to park, resume and list parked conversations');
  }
  return { service: config.syncServiceSid, map: config.parkMapName };
}

const statusOf = (err: unknown): unknown => (err as { status?: unknown } | null)?.status;

const map = (client: TwilioClient, w: Where) => client.sync.v1.services(w.service).syncMaps(w.map);

/** The size of a record as Sync counts it (its JSON, in bytes). */
export const recordBytes = (data: RecordData): number => Buffer.byteLength(JSON.stringify(data), 'utf8');

/** Refuse (409) a record over Sync's 16 KiB, before anything changes. */
export function assertFits(data: RecordData): void {
  const bytes = recordBytes(data);
  if (bytes > MAX_RECORD_BYTES) {
    throw new errors.ConflictError(
      `the park record would be ${bytes} bytes, over Sync's ${MAX_RECORD_BYTES}: the task's attributes are too large to park this conversation`,
    );
  }
}

function read(item: { data: unknown; revision: string }): ParkRecord | undefined {
  const parsed = RecordData.safeParse(item.data);
  return parsed.success ? { data: parsed.data, revision: String(item.revision) } : undefined;
}

/**
 * Create the record; `created: false` when the channel's key exists (Sync: 409). The map is
 * created when Sync says it does not exist (404), then the item once more; a map made meanwhile
 * by another container (409 on the map) is fine.
 */
export async function create(client: TwilioClient, w: Where, data: RecordData): Promise<{ created: true; revision: string } | { created: false }> {
  assertFits(data);
  const attempt = async () => {
    const item = await map(client, w).syncMapItems.create({ key: data.channelSid, data });
    return { created: true as const, revision: String(item.revision) };
  };
  try {
    return await attempt();
  } catch (err) {
    if (statusOf(err) === 409) return { created: false };
    if (statusOf(err) !== 404) throw errors.fromTwilioError(err, 'the park record');
  }
  try {
    await client.sync.v1.services(w.service).syncMaps.create({ uniqueName: w.map });
  } catch (err) {
    if (statusOf(err) === 404) throw new errors.MisconfiguredError('the Sync service SYNC_SERVICE_SID names does not exist in this account');
    if (statusOf(err) !== 409) throw errors.fromTwilioError(err, 'the Sync map of park records');
  }
  try {
    return await attempt();
  } catch (err) {
    if (statusOf(err) === 409) return { created: false };
    throw errors.fromTwilioError(err, 'the park record');
  }
}

/** The channel's item as it is: a record of ours, `unreadable` (an item under its key that is not one), or undefined (none, or no map yet). */
export async function peek(client: TwilioClient, w: Where, channelSid: string): Promise<ParkRecord | 'unreadable' | undefined> {
  let item;
  try {
    item = await map(client, w).syncMapItems(channelSid).fetch();
  } catch (err) {
    if (statusOf(err) === 404) return undefined;
    throw errors.fromTwilioError(err, 'the park record');
  }
  return read(item) ?? 'unreadable';
}

/** The record of a channel; undefined when there is none (or the map does not exist yet). An unreadable record is a 502. */
export async function fetch(client: TwilioClient, w: Where, channelSid: string): Promise<ParkRecord | undefined> {
  const record = await peek(client, w, channelSid);
  if (record === 'unreadable') throw new errors.UpstreamError(`the park record of ${channelSid} in Sync is not one this service wrote`);
  return record;
}

/**
 * Replace the record's data if it is still at `revision` (If-Match). `ok: false` when another
 * change came first (412) or the record is gone (404): the caller lost the race.
 */
export async function update(
  client: TwilioClient,
  w: Where,
  record: ParkRecord,
  data: RecordData,
): Promise<{ ok: true; record: ParkRecord } | { ok: false; gone: boolean }> {
  assertFits(data);
  try {
    const item = await map(client, w).syncMapItems(data.channelSid).update({ data, ifMatch: record.revision });
    return { ok: true, record: { data, revision: String(item.revision) } };
  } catch (err) {
    if (statusOf(err) === 412) return { ok: false, gone: false };
    if (statusOf(err) === 404) return { ok: false, gone: true };
    throw errors.fromTwilioError(err, 'the park record');
  }
}

/** Delete the record (already gone is fine). */
export async function remove(client: TwilioClient, w: Where, channelSid: string): Promise<void> {
  try {
    await map(client, w).syncMapItems(channelSid).remove();
  } catch (err) {
    if (statusOf(err) !== 404) throw errors.fromTwilioError(err, 'the park record');
  }
}

/** One page of records, and the token of the next (null on the last). A map not created yet is an empty list. */
export async function page(
  client: TwilioClient,
  w: Where,
  p: { pageSize: number; pageToken?: string },
): Promise<{ records: ParkRecord[]; nextPageToken: string | null }> {
  let got;
  try {
    got = await map(client, w).syncMapItems.page({ pageSize: p.pageSize, ...(p.pageToken === undefined ? {} : { pageToken: p.pageToken }) });
  } catch (err) {
    if (statusOf(err) === 404 && p.pageToken === undefined) return { records: [], nextPageToken: null };
    throw errors.fromTwilioError(err, 'the park records');
  }
  const records = got.instances.map(read).filter((r): r is ParkRecord => r !== undefined);
  return { records, nextPageToken: tokenOf(got.nextPageUrl) };
}

/** The PageToken of Twilio's next-page URL. */
export function tokenOf(url: string | undefined): string | null {
  if (url === undefined || url === null) return null;
  try {
    return new URL(url).searchParams.get('PageToken');
  } catch {
    return null;
  }
}
