/**
 * When `npm run deploy` or `npm run studio` cannot get an answer from Twilio: one sentence that
 * names the host, what was being asked, and what to check, instead of a library's raw error
 * (`getaddrinfo ENOTFOUND serverless.twilio.com`). Never a credential: only the names of the
 * settings to look at.
 */

/** Error codes of a connection that never got an answer (Node's and got's). */
const NETWORK_CODES = [
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EPIPE',
  'ESOCKETTIMEDOUT',
];

export interface Asking {
  /** The host asked, e.g. serverless.twilio.com. */
  host: string;
  /** What was asked, as the end of "to …": "look up the service \"flex-interaction-channels\"". */
  what: string;
  /** The settings file, named in the advice. */
  envPath: string;
}

/** The HTTP status of a failed answer, from got's HTTPError or the twilio helper's RestException. */
function statusOf(err: unknown): number | undefined {
  const e = err as { response?: { statusCode?: unknown }; status?: unknown };
  if (typeof e?.response?.statusCode === 'number') return e.response.statusCode;
  // The helper's RestException has a numeric `status`; our UpstreamError (502) is no answer of Twilio's.
  if (typeof e?.status === 'number' && (err as { code?: unknown }).code !== 'upstream_error' && e.status !== 504) return e.status;
  return undefined;
}

/** The network error code, from the error (got, Node) or from our transport's message ("could not reach … (ENOTFOUND)"). */
function networkCodeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && NETWORK_CODES.includes(code)) return code;
  if (code === 'upstream_timeout' || (err as { name?: unknown })?.name === 'TimeoutError') return 'timeout';
  const message = err instanceof Error ? err.message : '';
  if (code === 'upstream_error') return /\(([A-Z_]+|timeout)\)/.exec(message)?.[1] ?? 'connection failed';
  const inMessage = NETWORK_CODES.find((c) => message.includes(c));
  return inMessage;
}

/**
 * The sentence for a failed call to Twilio, or undefined when the error is not about reaching
 * Twilio (a bug, or a refusal of ours, which keeps its own message).
 */
export function explainTwilioFailure(err: unknown, asking: Asking): string | undefined {
  const { host, what, envPath } = asking;
  const network = networkCodeOf(err);
  if (network !== undefined) {
    const proxy = process.env.HTTP_PROXY ?? process.env.HTTPS_PROXY;
    return [
      `could not reach ${host} (${network}) to ${what}.`,
      'Everything above was worked out on this machine; the rest needs your Twilio account.',
      `Check that this machine reaches https://${host} (network, VPN or firewall${proxy === undefined ? '' : `, and the proxy in HTTP_PROXY/HTTPS_PROXY`}), then run it again.`,
    ].join('\n');
  }
  const status = statusOf(err);
  if (status === 401 || status === 403) {
    return [
      `${host} refused the credentials (HTTP ${status}) when asked to ${what}.`,
      `Check ACCOUNT_SID and AUTH_TOKEN in ${envPath} (or, signing with an API key: ACCOUNT_SID, API_KEY and API_SECRET of that same account; see docs/deploying.md for which key type works).`,
    ].join('\n');
  }
  if (status !== undefined) {
    const message = err instanceof Error ? err.message.replace(/(Basic|Bearer)\s+\S+/gi, '$1 [redacted]').slice(0, 300) : '';
    return `${host} answered HTTP ${status} when asked to ${what}${message ? `: ${message}` : ''}.`;
  }
  return undefined;
}
