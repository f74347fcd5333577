/**
 * Twilio's SID shapes, in one place: two letters naming the resource, then 32 hex digits
 * (Twilio's OpenAPI gives each SID parameter this pattern). Parameters, settings, webhook events
 * and credential checks all test against these.
 */
export const SID_PREFIXES = {
  account: 'AC',
  apiKey: 'SK',
  interaction: 'KD',
  channel: 'UO',
  participant: 'UT',
  reservation: 'WR',
  task: 'WT',
  worker: 'WK',
  queue: 'WQ',
  workflow: 'WW',
  workspace: 'WS',
  syncService: 'IS',
  conversation: 'CH',
  conversationWebhook: 'WH',
} as const;

export type SidKind = keyof typeof SID_PREFIXES;

const PATTERNS = Object.fromEntries(Object.entries(SID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}[0-9a-fA-F]{32}$`)])) as Record<
  SidKind,
  RegExp
>;

/** The pattern a SID of this kind matches. */
export function sidPattern(kind: SidKind): RegExp {
  return PATTERNS[kind];
}

/** Is `value` a SID of this kind? */
export function isSid(kind: SidKind, value: unknown): value is string {
  return typeof value === 'string' && PATTERNS[kind].test(value);
}

/** "must look like KD followed by 32 hex digits", the wording every SID check uses. */
export function sidRule(kind: SidKind): string {
  return `must look like ${SID_PREFIXES[kind]} followed by 32 hex digits`;
}
