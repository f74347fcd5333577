/**
 * Validation of the agent's Flex token with Twilio's IAM, cached for a warm container.
 *
 * IAM is asked once per token per cache lifetime: a valid answer is kept until shortly before
 * the token's own `expiration` (capped by TOKEN_CACHE_MAX_TTL_MS), an invalid one for a few
 * seconds only, and an IAM failure (unreachable, 5xx, timeout) not at all. The cache is keyed
 * by a SHA-256 of the token, never the token, bounded in size (least recently used goes first),
 * and concurrent first calls with one token share one validation.
 *
 * Unauthenticated traffic must not be able to drive IAM (our account's rate limits) or push real
 * agents out of the cache, so:
 * - a string that is not shaped like a Flex token is refused without asking IAM ("Flex user
 *   tokens are JSON Web Encryption (JWE) tokens", Flex User Token API docs; a signed JWT is also
 *   let through to IAM), and so is a signed JWT whose own `exp` has passed: local inspection
 *   only ever refuses, IAM alone accepts (and a token IAM accepted is answered from the cache,
 *   within the lifetime IAM gave it, without being inspected again);
 * - "not valid" answers live in a cache of their own, so a flood of junk cannot evict a valid one;
 * - at most IAM_MAX_CONCURRENT validations run at once per container; beyond that a caller waits
 *   for a slot, first come first served, bounded by IAM_MAX_QUEUED and IAM_MAX_WAIT_MS (and the
 *   request's deadline), then gets 429 with Retry-After; tokens whose header matches that of a
 *   token IAM recently said was valid are served first and have slots junk cannot take
 *   (credential-cache), so a flood of junk cannot lock a fresh agent token out.
 */
import type { Config } from '../config';
import type { CheckOptions } from './credential-cache';
import type { Deadline } from '../twilio/deadline';

import * as z from 'zod/mini';
import * as errors from '../edge/errors';
import * as transports from '../twilio/transport';
import * as deadlines from '../twilio/deadline';
import * as configs from '../config';
import * as credentialCache from './credential-cache';

/** Who a valid Flex token belongs to. */
export interface FlexIdentity {
  identity: string;
  workerSid?: string;
  roles: string[];
  /** When the token stops being valid (ms since epoch), when IAM says. */
  expiresAt?: number;
}

/** The part of IAM's answer we depend on. */
const IamAnswer = z.object({
  valid: z.boolean(),
  code: z.nullish(z.number()),
  message: z.nullish(z.string()),
  expiration: z.nullish(z.string()),
  identity: z.nullish(z.string()),
  roles: z.nullish(z.array(z.string())),
  worker_sid: z.nullish(z.string()),
});

type Verdict = import('./credential-cache').Verdict<FlexIdentity>;

/** Longest token we look at; Flex tokens are about 1 KiB. */
export const MAX_TOKEN_LENGTH = 8192;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  // An empty segment gets here too, and fails as JSON below.
  if (!BASE64URL.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Could this be a Flex token? A JWE in compact form (five base64url parts; the header names
 * `alg` and `enc`; with `"alg":"dir"` the key part is empty) or a JWS (three parts; the header
 * names `alg`, the payload is JSON). For a JWS whose `exp` (seconds) has passed: false. A JWE's
 * claims are encrypted, so its expiry is IAM's to tell. True never means valid.
 */
export function mayBeFlexToken(token: string, nowMs: number): boolean {
  if (token.length > MAX_TOKEN_LENGTH) return false;
  const parts = token.split('.');
  const header = decodeJsonSegment(parts[0]!); // split always gives at least one part
  if (header === undefined || typeof header.alg !== 'string') return false;
  if (parts.length === 5) {
    return typeof header.enc === 'string' && parts.every((p) => BASE64URL.test(p)) && parts.slice(2).every((p) => p.length > 0);
  }
  if (parts.length === 3) {
    const payload = decodeJsonSegment(parts[1]!);
    if (payload === undefined || !BASE64URL.test(parts[2]!)) return false;
    return !(typeof payload.exp === 'number' && payload.exp * 1000 <= nowMs);
  }
  return false;
}

/** How many distinct headers of valid tokens are remembered, and for how long. */
const FAMILIAR_HEADERS = 8;
const FAMILIAR_HEADER_TTL_MS = 3_600_000;

/** Keep a valid answer until this long before the token expires. */
const EXPIRY_MARGIN_MS = 30_000;
/** The IAM host for a Twilio region, as Flex does: only stage and dev realms differ. */
export function iamBaseUrl(region: string | undefined): string {
  if (region?.startsWith('stage')) return 'https://iam.stage.twilio.com';
  if (region?.startsWith('dev')) return 'https://iam.dev.twilio.com';
  return 'https://iam.twilio.com';
}

export interface ValidatorOptions extends CheckOptions {
  accountSid: string;
  username: string;
  password: string;
  baseUrl: string;
}

export class FlexTokenValidator {
  private readonly cache: import('./credential-cache').CredentialCache<FlexIdentity>;
  private readonly transport: import('../twilio/transport').Transport;
  private readonly now: () => number;
  /** Protected headers of tokens IAM recently said were valid → when last seen (a few at most). */
  private readonly familiar = new Map<string, number>();

  constructor(private readonly options: ValidatorOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new credentialCache.CredentialCache<FlexIdentity>({
      cacheSize: options.cacheSize,
      maxConcurrent: options.maxConcurrent,
      maxQueued: options.maxQueued,
      maxWaitMs: options.maxWaitMs,
      reserving: () => this.familiar.size > 0,
      busyMessage: 'too many Flex token validations are under way',
      now: this.now,
    });
    this.transport = new transports.Transport({
      service: 'Twilio IAM',
      readOnly: true,
      callTimeoutMs: options.timeoutMs,
      fallbackDeadlineMs: options.fallbackDeadlineMs,
      baseUrl: options.baseUrl,
    });
  }

  /**
   * The identity behind `token`, or `undefined` if it is not valid (by its shape, or by IAM).
   * Throws an `HttpError` when IAM could not be asked (502/504: a token we could not check is
   * not a bad one), or when too many validations are under way already (429).
   */
  async validate(token: string, requestDeadline?: Deadline): Promise<FlexIdentity | undefined> {
    // A token IAM said is valid, still within its cached lifetime, is answered first: decoding
    // its header again (about 15 µs a request, measured with a CPU profile) would only ever
    // confirm what IAM already did. Everything else is shaped before IAM is asked.
    const key = credentialCache.hashCredential(token);
    const cached = this.cache.validFor(key);
    if (cached !== undefined) return cached;
    if (!mayBeFlexToken(token, this.now())) return undefined;
    const header = token.slice(0, token.indexOf('.'));
    const deadline = deadlines.orFallback(requestDeadline, this.options.fallbackDeadlineMs);
    const who = await this.cache.check(token, () => this.askIam(token, deadline), this.isFamiliar(header), key, credentialCache.waitBudget(deadline));
    if (who !== undefined) this.remember(header);
    return who;
  }

  /**
   * Is this protected header (the token's first part, as sent) one that a token IAM said was
   * valid carried within FAMILIAR_HEADER_TTL_MS? Twilio does not document what a Flex token's
   * JWE header holds (`alg`, `enc`, a `kid`?), nor whether it is the same for every token of an
   * account. If it is, a fresh agent token gets the reserved slots and the front of the queue;
   * if it is not, nothing matches and every token waits in one first-come-first-served queue.
   * Either way the header is only a hint for ordering: it never accepts a token.
   */
  private isFamiliar(header: string): boolean {
    const seen = this.familiar.get(header);
    return seen !== undefined && this.now() - seen < FAMILIAR_HEADER_TTL_MS;
  }

  private remember(header: string): void {
    this.familiar.delete(header);
    this.familiar.set(header, this.now());
    while (this.familiar.size > FAMILIAR_HEADERS) this.familiar.delete(this.familiar.keys().next().value as string);
  }

  /** A valid answer is kept until shortly before the token expires, and at most maxTtlMs. */
  private lifetime(who: FlexIdentity): number {
    const now = this.now();
    const capped = now + this.options.maxTtlMs;
    return who.expiresAt === undefined ? capped : Math.min(capped, who.expiresAt - EXPIRY_MARGIN_MS);
  }

  private async askIam(token: string, deadline: Deadline): Promise<Verdict> {
    const response = await this.transport.request(
      {
        method: 'POST',
        uri: `${this.options.baseUrl}/v1/Accounts/${this.options.accountSid}/Tokens/validate`,
        username: this.options.username,
        password: this.options.password,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Cache-Control': 'no-cache' },
        body: JSON.stringify({ token }),
      },
      deadline,
    );
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new errors.MisconfiguredError('Twilio IAM refused the credentials this function is configured with');
    }
    if (response.statusCode >= 500) throw new errors.UpstreamError(`Twilio IAM answered HTTP ${response.statusCode}`);
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      throw new errors.UpstreamError('Twilio IAM answered with something unreadable');
    }
    const answer = IamAnswer.safeParse(json);
    if (!answer.success) {
      // A 4xx with an error body (malformed token) is IAM saying no; anything else is unreadable.
      if (response.statusCode >= 400) return { valid: false };
      throw new errors.UpstreamError('Twilio IAM answered with something unreadable');
    }
    const a = answer.data;
    if (!a.valid || response.statusCode >= 400) return { valid: false };
    const expiresAt = a.expiration ? Date.parse(a.expiration) : undefined;
    if (expiresAt !== undefined && !Number.isNaN(expiresAt) && expiresAt <= this.now()) return { valid: false };
    const who: FlexIdentity = {
      identity: a.identity ?? '',
      workerSid: a.worker_sid ?? undefined,
      roles: a.roles ?? [],
      expiresAt: expiresAt !== undefined && !Number.isNaN(expiresAt) ? expiresAt : undefined,
    };
    return { valid: true, who, until: this.lifetime(who) };
  }
}

const validatorFor = configs.perSettings((options: ValidatorOptions) => new FlexTokenValidator(options));

/** The warm container's validator for these settings (its cache lives as long as the container). */
export const flexTokenValidator: (config: Config) => FlexTokenValidator = configs.perConfig((config) => {
  const { username, password } = configs.twilioCredentials(config);
  return validatorFor({
    accountSid: config.accountSid,
    username,
    password,
    baseUrl: config.iamBaseUrl ?? iamBaseUrl(config.region),
    ...credentialCache.checkSettings(config),
  });
});
