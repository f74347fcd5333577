/**
 * list-parked: the park records, one page of the Sync Map at a time (Sync pages by PageToken,
 * at most 100 items). Supervisors (CLOSE_ANY_ROLES) and account-like callers see every park; an
 * agent sees the parks they made, filtered from each page, so an agent's page may hold fewer
 * than pageSize (even none) while nextPageToken still leads on.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { ListParkedParams } from '../contract/park-params';
import type { ListParkedResponse } from '../contract/park-answers';
import type { ParticipantScope } from '../credentials/policy';

import * as records from '../adapters/park-records';
import { parkOf } from './park';

export async function listParked(
  client: TwilioClient,
  scope: ParticipantScope,
  config: Pick<Config, 'syncServiceSid' | 'parkMapName'>,
  p: ListParkedParams,
): Promise<ListParkedResponse> {
  const where = records.whereOf(config);
  const got = await records.page(client, where, p);
  const visible = got.records.filter((r) => {
    switch (scope.kind) {
      case 'any':
        return true;
      case 'own':
        return r.data.parkedBy.workerSid === scope.workerSid;
    }
  });
  const parked = visible.map((r) => parkOf(r.data));
  return { parked, count: parked.length, nextPageToken: got.nextPageToken };
}
