/**
 * Which service variables a deploy sets, changes and removes, so that after `npm run deploy`
 * the service's settings are exactly `.env`'s. Pure, so every rule has a unit test.
 *
 * The Serverless Toolkit only ever adds and updates variables: a setting deleted from `.env`
 * (say `CLOSE_POLICY=off`) would stay live for ever. Here, what `.env` does not hold (or holds
 * empty) is removed from the service.
 */
import { SETTING_NAMES } from '../src/config';

/**
 * They sign the deploy itself and are never uploaded: a service created by the toolkit has
 * "include credentials" on, so Twilio hands the functions the account's own ACCOUNT_SID and
 * AUTH_TOKEN ("Environment Variables" page of the Functions docs). For the same reason a
 * variable of that name found in the service is left alone: it is not ours to remove.
 */
export const ACCOUNT_CREDENTIALS = ['ACCOUNT_SID', 'AUTH_TOKEN'] as const;

/** For the sandbox and the tests only: deployed, they would send Flex tokens to another host. */
export const REFUSED = ['TWILIO_API_BASE_URL', 'TWILIO_IAM_BASE_URL'] as const;

/**
 * A key whose name says it holds a credential (`TWILIO_AUTH_TOKEN`, the Twilio CLI's own name
 * for the auth token; `*_SECRET`, `*_TOKEN`, `*_PASSWORD`, `*_KEY`, …). Such a key is uploaded
 * only when it is one of the functions' own settings (SETTING_NAMES); anything else is refused,
 * by name, before anything is sent: a service variable is readable by every function and by
 * whoever can read the service in the Console.
 */
export function looksLikeCredential(key: string): boolean {
  return /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|PWD|PASS|KEY|KEYS|CREDENTIALS?|PRIVATE|AUTH)(_|$)/i.test(key) || /(TOKEN|SECRET|PASSWORD)/i.test(key);
}

/** Secrets: uploaded (the functions need them) but never printed. */
export const SECRET = ['API_SECRET'] as const;

export interface VariablePlan {
  /** What the service's variables become. */
  target: Record<string, string>;
  set: string[];
  changed: string[];
  removed: string[];
  unchanged: string[];
}

export class RefusedSettingError extends Error {}

/**
 * The plan for `.env` (`local`) against what the service has (`remote`, undefined when the
 * environment does not exist yet). Names only ever leave this function, never values.
 */
export function planVariables(local: Record<string, string>, remote: Record<string, string> | undefined): VariablePlan {
  const target: Record<string, string> = {};
  for (const [key, value] of Object.entries(local)) {
    if (value.trim() === '') continue;
    if ((REFUSED as readonly string[]).includes(key)) {
      throw new RefusedSettingError(`${key} is for the sandbox and tests only and is never deployed: remove it from the settings you deploy`);
    }
    if ((ACCOUNT_CREDENTIALS as readonly string[]).includes(key)) continue;
    target[key] = value;
  }
  const foreign = Object.keys(target)
    .filter((key) => looksLikeCredential(key) && !SETTING_NAMES.includes(key))
    .sort();
  if (foreign.length > 0) {
    throw new RefusedSettingError(
      `${foreign.join(', ')} ${foreign.length === 1 ? 'looks like a credential and is' : 'look like credentials and are'} not a setting of these functions: every service variable is readable by every function, so remove ${foreign.length === 1 ? 'it' : 'them'} from the settings you deploy`,
    );
  }
  const existing = remote ?? {};
  const plan: VariablePlan = { target, set: [], changed: [], removed: [], unchanged: [] };
  for (const [key, value] of Object.entries(target)) {
    if (!(key in existing)) plan.set.push(key);
    else if (existing[key] !== value) plan.changed.push(key);
    else plan.unchanged.push(key);
  }
  for (const key of Object.keys(existing)) {
    if (!(key in target) && !(ACCOUNT_CREDENTIALS as readonly string[]).includes(key)) plan.removed.push(key);
  }
  for (const list of [plan.set, plan.changed, plan.removed, plan.unchanged]) list.sort();
  return plan;
}

/** The plan in a few lines: names only. */
export function describePlan(plan: VariablePlan): string[] {
  const lines: string[] = [];
  const show = (label: string, keys: string[]) => {
    if (keys.length > 0) lines.push(`  ${label}: ${keys.join(', ')}`);
  };
  show('set', plan.set);
  show('changed', plan.changed);
  show('removed', plan.removed);
  show('unchanged', plan.unchanged);
  if (lines.length === 0) lines.push('  (no variables)');
  if ('API_KEY' in plan.target) {
    lines.push('  API_KEY and API_SECRET are service variables: the functions sign their Twilio calls with that key (values not shown).');
  }
  return lines;
}
