import { flexTokenLike } from '../../sandbox/fake-twilio';

/** Credentials and SIDs shared by the tests. None of them is real. */
export const ACCOUNT_SID = `AC${'1a'.repeat(16)}`;
export const AUTH_TOKEN = `${'5f'.repeat(16)}`;
export const API_KEY = `SK${'2b'.repeat(16)}`;
export const API_SECRET = 'fake-api-secret-value-for-tests-1234';
/** An API key of the account that a server presents as its credential (Basic SK…:secret). */
export const CALLER_KEY = `SK${'7e'.repeat(16)}`;
export const CALLER_SECRET = 'CallerSecret0123456789abcdefABCD';

/** A string shaped like a Flex token (a JWE); only IAM, here the fake, knows if it is valid. */
export const flexToken = flexTokenLike;

export const AGENT_TOKEN = flexToken('agent');
export const SUPERVISOR_TOKEN = flexToken('supervisor');
export const OUTSIDER_TOKEN = flexToken('outsider');
export const EXPIRED_TOKEN = flexToken('expired');

export const AGENT_WORKER = `WK${'3c'.repeat(16)}`;
export const SUPERVISOR_WORKER = `WK${'4d'.repeat(16)}`;
export const OUTSIDER_WORKER = `WK${'6e'.repeat(16)}`;

/**
 * Where nothing listens: port 2 on loopback (nothing binds it, fetch allows it, and a free port found at run time
 * could be taken by a parallel test's server before the call). Connecting is refused at once.
 */
export const REFUSED_PORT = 2;

export const KD_UNKNOWN = `KD${'0'.repeat(31)}9`;
export const UO_UNKNOWN = `UO${'0'.repeat(31)}9`;

/** Every secret above: none may ever appear in a response or a log line. */
export const SECRETS = [AUTH_TOKEN, API_SECRET, CALLER_SECRET, AGENT_TOKEN, SUPERVISOR_TOKEN, OUTSIDER_TOKEN, EXPIRED_TOKEN];

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
