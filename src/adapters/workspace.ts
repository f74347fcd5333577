/**
 * The TaskRouter workspace transfers route through: the setting TASKROUTER_WORKSPACE_SID, or,
 * when it is empty, the account's one workspace, looked up once per container
 * (`GET /v1/Workspaces`). A Flex account has exactly one (the "Flex Task Assignment" workspace);
 * none or several is a 500 `misconfigured` naming the setting, never a guess.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';

import * as errors from '../edge/errors';

let found: { accountSid: string; workspaceSid: Promise<string> } | undefined;

async function lookUp(client: TwilioClient): Promise<string> {
  let list;
  try {
    list = await client.taskrouter.v1.workspaces.list({ limit: 2, pageSize: 2 });
  } catch (err) {
    throw errors.fromTwilioError(err, 'the TaskRouter workspaces');
  }
  if (list.length !== 1) {
    throw new errors.MisconfiguredError(
      `the account has ${list.length === 0 ? 'no' : 'several'} TaskRouter workspaces: set TASKROUTER_WORKSPACE_SID to the one transfers use`,
    );
  }
  return list[0]!.sid;
}

/** The workspace SID (the setting, else the one looked up; a failed look-up is tried again next time). */
export function workspaceSid(client: TwilioClient, config: Pick<Config, 'accountSid' | 'taskRouterWorkspaceSid'>): Promise<string> {
  if (config.taskRouterWorkspaceSid !== undefined) return Promise.resolve(config.taskRouterWorkspaceSid);
  if (found?.accountSid !== config.accountSid) {
    const lookup = lookUp(client);
    found = { accountSid: config.accountSid, workspaceSid: lookup };
    lookup.catch(() => {
      if (found?.workspaceSid === lookup) found = undefined;
    });
  }
  return found.workspaceSid;
}

/** Forget the looked-up workspace (tests). */
export function forgetWorkspace(): void {
  found = undefined;
}
