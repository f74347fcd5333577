/**
 * The fake's Sync (sandbox/fake-twilio.ts routes `/v1/Services/{IS}/Maps…` here): services,
 * maps and map items, the parts a park record uses (Sync's OpenAPI, twilio_sync_v1.json):
 * - maps: create (`UniqueName`; a taken name is a 409), fetch by SID or unique name;
 * - items: create (`Key`, `Data` JSON up to 16 KiB; an existing key is a 409, error 54208 "Map
 *   Item already exists"), fetch, update (`Data`), delete, list (`Order`, `PageSize`,
 *   `PageToken`, paged with `meta`);
 * - every item has a `revision`, answered as its `ETag`; an update or delete with `If-Match`
 *   applies only when it names the current revision, else 412, error 54205 "Map Item revision
 *   mismatch" (Twilio's error page: "The value you provide in the If-Match header should be a
 *   revision … When using REST … this is the ETag header provided in responses").
 * An unknown service or map is a 404 (20404, 54200), an unknown item 404 (54201).
 */
import type { ServerResponse } from 'node:http';
import type { RecordedRequest } from './types';
import { hex, send, twilioError } from './types';

export interface SyncItemState {
  key: string;
  /** JSON text of the item's data. */
  data: string;
  revision: number;
  dateCreated: string;
  dateUpdated: string;
}

export interface SyncMapState {
  sid: string;
  uniqueName: string | null;
  items: Map<string, SyncItemState>;
}

const BASE = 'https://sync.twilio.com/v1';
/** Sync: a map item's data "Can be up to 16 KiB in length". */
export const MAX_ITEM_BYTES = 16 * 1024;

export class FakeSync {
  /** Service SID → its maps by SID. */
  readonly services = new Map<string, Map<string, SyncMapState>>();
  private counter = 0;

  constructor(private readonly accountSid: string) {}

  /** Add a Sync service; returns its SID. */
  addService(sid = `IS${hex(0x5000 + ++this.counter)}`): string {
    if (!this.services.has(sid)) this.services.set(sid, new Map());
    return sid;
  }

  /** A map of `serviceSid` by SID or unique name. */
  map(serviceSid: string, sidOrName: string): SyncMapState | undefined {
    const maps = this.services.get(serviceSid);
    return maps?.get(sidOrName) ?? [...(maps?.values() ?? [])].find((m) => m.uniqueName === sidOrName);
  }

  /** Every item of a map, parsed (for tests and the demo page). */
  items(serviceSid: string, sidOrName: string): Array<{ key: string; data: unknown; revision: number }> {
    return [...(this.map(serviceSid, sidOrName)?.items.values() ?? [])].map((i) => ({
      key: i.key,
      data: JSON.parse(i.data) as unknown,
      revision: i.revision,
    }));
  }

  /** Route `/v1/Services/{IS}/Maps…`; false when the path is not Sync's. */
  route(req: RecordedRequest, res: ServerResponse): boolean {
    const parts = req.path.split('/').filter(Boolean); // v1 Services IS Maps [MP [Items [key]]]
    if (parts[0] !== 'v1' || parts[1] !== 'Services' || parts[3] !== 'Maps') return false;
    const maps = this.services.get(parts[2]!);
    if (!maps) return this.missing(res, 20404, `Service ${parts[2]} not found`);
    if (parts.length === 4 && req.method === 'POST') return this.createMap(parts[2]!, maps, req, res);
    const map = parts[4] === undefined ? undefined : this.map(parts[2]!, decodeURIComponent(parts[4]));
    if (!map) return this.missing(res, 54200, 'Map not found');
    if (parts.length === 5 && req.method === 'GET') return this.answer(res, 200, this.mapJson(parts[2]!, map));
    if (parts[5] !== 'Items') return this.answer(res, 405, twilioError(405, 20004, 'Method not allowed'));
    if (parts.length === 6 && req.method === 'POST') return this.createItem(parts[2]!, map, req, res);
    if (parts.length === 6 && req.method === 'GET') return this.listItems(parts[2]!, map, req, res);
    const item = map.items.get(decodeURIComponent(parts[6] ?? ''));
    if (parts.length !== 7 || !item) return this.missing(res, 54201, 'Map Item not found');
    if (req.method === 'GET') return this.answer(res, 200, this.itemJson(parts[2]!, map, item), { ETag: String(item.revision) });
    if (req.ifMatch !== undefined && req.ifMatch !== String(item.revision)) {
      return this.answer(res, 412, twilioError(412, 54205, 'The actual revision of the Map Item does not match the expected revision'));
    }
    if (req.method === 'DELETE') {
      map.items.delete(item.key);
      res.writeHead(204).end();
      return true;
    }
    if (req.method !== 'POST') return this.answer(res, 405, twilioError(405, 20004, 'Method not allowed'));
    if (req.body.Data !== undefined) {
      const data = this.data(req, res);
      if (data === undefined) return true;
      Object.assign(item, { data, revision: item.revision + 1, dateUpdated: new Date().toISOString() });
    }
    return this.answer(res, 200, this.itemJson(parts[2]!, map, item), { ETag: String(item.revision) });
  }

  private createMap(serviceSid: string, maps: Map<string, SyncMapState>, req: RecordedRequest, res: ServerResponse): boolean {
    const uniqueName = req.body.UniqueName === undefined ? null : String(req.body.UniqueName);
    if (uniqueName !== null && this.map(serviceSid, uniqueName)) return this.answer(res, 409, twilioError(409, 54301, 'Unique name already exists'));
    const map: SyncMapState = { sid: `MP${hex(0x6000 + ++this.counter)}`, uniqueName, items: new Map() };
    maps.set(map.sid, map);
    return this.answer(res, 201, this.mapJson(serviceSid, map));
  }

  private createItem(serviceSid: string, map: SyncMapState, req: RecordedRequest, res: ServerResponse): boolean {
    const key = String(req.body.Key ?? '');
    if (key.length < 1 || key.length > 256)
      return this.answer(res, 400, twilioError(400, 54209, 'The Map Item key must be a string with length 1-256'));
    const data = this.data(req, res);
    if (data === undefined) return true;
    // The key is the claim: of two creates of one key, exactly one gets 201 (Node runs this synchronously).
    if (map.items.has(key)) return this.answer(res, 409, twilioError(409, 54208, 'A Map Item with given key already exists in the Map'));
    const now = new Date().toISOString();
    const item: SyncItemState = { key, data, revision: 0, dateCreated: now, dateUpdated: now };
    map.items.set(key, item);
    return this.answer(res, 201, this.itemJson(serviceSid, map, item), { ETag: String(item.revision) });
  }

  private listItems(serviceSid: string, map: SyncMapState, req: RecordedRequest, res: ServerResponse): boolean {
    const order = req.query.Order ?? 'asc';
    const pageSize = Math.min(1000, Math.max(1, Number(req.query.PageSize ?? 50) || 50));
    const start = /^PT(\d+)$/.exec(req.query.PageToken ?? '')?.[1];
    const sorted = [...map.items.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    if (order === 'desc') sorted.reverse();
    const from = start === undefined ? 0 : Number(start);
    const at = (n: number) =>
      `${BASE}/Services/${serviceSid}/Maps/${map.sid}/Items?Order=${order}&PageSize=${pageSize}${n > 0 ? `&PageToken=PT${n}` : ''}`;
    return this.answer(res, 200, {
      items: sorted.slice(from, from + pageSize).map((i) => this.itemJson(serviceSid, map, i)),
      meta: {
        page: Math.floor(from / pageSize),
        page_size: pageSize,
        first_page_url: at(0),
        previous_page_url: from > 0 ? at(Math.max(0, from - pageSize)) : null,
        url: at(from),
        next_page_url: from + pageSize < sorted.length ? at(from + pageSize) : null,
        key: 'items',
      },
    });
  }

  /** The request's `Data` as JSON text, or undefined once a 400 was answered. */
  private data(req: RecordedRequest, res: ServerResponse): string | undefined {
    const text = String(req.body.Data ?? '');
    try {
      JSON.parse(text);
    } catch {
      this.answer(res, 400, twilioError(400, 54006, 'Data must be a valid JSON object'));
      return undefined;
    }
    if (Buffer.byteLength(text) > MAX_ITEM_BYTES) {
      this.answer(res, 413, twilioError(413, 54006, 'Data is larger than 16 KiB'));
      return undefined;
    }
    return text;
  }

  private mapJson(serviceSid: string, map: SyncMapState) {
    return {
      sid: map.sid,
      unique_name: map.uniqueName,
      account_sid: this.accountSid,
      service_sid: serviceSid,
      url: `${BASE}/Services/${serviceSid}/Maps/${map.sid}`,
    };
  }

  private itemJson(serviceSid: string, map: SyncMapState, i: SyncItemState) {
    return {
      key: i.key,
      account_sid: this.accountSid,
      service_sid: serviceSid,
      map_sid: map.sid,
      url: `${BASE}/Services/${serviceSid}/Maps/${map.sid}/Items/${encodeURIComponent(i.key)}`,
      revision: String(i.revision),
      data: JSON.parse(i.data) as unknown,
      date_expires: null,
      date_created: i.dateCreated,
      date_updated: i.dateUpdated,
      created_by: 'system',
    };
  }

  private missing(res: ServerResponse, code: number, message: string): boolean {
    return this.answer(res, 404, twilioError(404, code, message));
  }

  private answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): boolean {
    send(res, status, body, headers);
    return true;
  }
}
