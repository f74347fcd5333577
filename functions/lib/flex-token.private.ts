/**
 * Validation of the agent's Flex token with Twilio's IAM, cached for a warm container.
 *
 * IAM is asked once per token per cache lifetime: a valid answer is kept until shortly before
 * the token's own `expiration` (capped by TOKEN_CACHE_MAX_TTL_MS), an invalid one for a few
 * seconds only, and an IAM failure (unreachable, 5xx, timeout) not at all. The cache is keyed
 * by a SHA-256 of the token, never the token, bounded in size (least recently used goes first),
 * and concurrent first calls with one token share one validation.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config } from './config.private';

const errors = require(Runtime.getFunctions()['lib/errors']!.path) as typeof import('./errors.private');
const transports = require(Runtime.getFunctions()['lib/transport']!.path) as typeof import('./transport.private');
const configs = require(Runtime.getFunctions()['lib/config']!.path) as typeof import('./config.private');

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
  code: z.number().optional().nullable(),
  message: z.string().optional().nullable(),
  expiration: z.string().optional().nullable(),
  identity: z.string().optional().nullable(),
  roles: z.array(z.string()).optional().nullable(),
  worker_sid: z.string().optional().nullable(),
});

type Verdict = { valid: true; who: FlexIdentity } | { valid: false };

/** Keep a valid answer until this long before the token expires. */
const EXPIRY_MARGIN_MS = 30_000;
/** Keep an invalid answer this long (a typo'd token is not re-validated in a loop). */
const INVALID_TTL_MS = 5_000;

/** The IAM host for a Twilio region, as Flex does: only stage and dev realms differ. */
export function iamBaseUrl(region: string | undefined): string {
  if (region?.startsWith('stage')) return 'https://iam.stage.twilio.com';
  if (region?.startsWith('dev')) return 'https://iam.dev.twilio.com';
  return 'https://iam.twilio.com';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

interface Entry {
  verdict: Verdict;
  until: number;
}

/** A small LRU map: `Map` keeps insertion order, so the first key is the least recently used. */
class Lru {
  private readonly map = new Map<string, Entry>();

  constructor(private readonly capacity: number) {}

  get(key: string, now: number): Entry | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    if (entry.until <= now) return undefined;
    this.map.set(key, entry);
    return entry;
  }

  set(key: string, entry: Entry): void {
    if (this.capacity <= 0) return;
    this.map.delete(key);
    this.map.set(key, entry);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }
}

export interface ValidatorOptions {
  accountSid: string;
  username: string;
  password: string;
  baseUrl: string;
  timeoutMs: number;
  fallbackDeadlineMs: number;
  maxTtlMs: number;
  cacheSize: number;
  now?: () => number;
}

export class FlexTokenValidator {
  private readonly cache: Lru;
  private readonly inFlight = new Map<string, Promise<Verdict>>();
  private readonly transport: import('./transport.private').Transport;
  private readonly now: () => number;
  /** How many times IAM was asked (for the benchmark and tests). */
  iamCalls = 0;

  constructor(private readonly options: ValidatorOptions) {
    this.cache = new Lru(options.cacheSize);
    this.now = options.now ?? Date.now;
    this.transport = new transports.Transport({
      service: 'Twilio IAM',
      readOnly: true,
      callTimeoutMs: options.timeoutMs,
      fallbackDeadlineMs: options.fallbackDeadlineMs,
      baseUrl: options.baseUrl,
    });
  }

  get cacheSize(): number {
    return this.cache.size;
  }

  /**
   * The identity behind `token`, or `undefined` if IAM says it is not valid. Throws an
   * `HttpError` (502/504) when IAM could not be asked: a token we could not check is not a bad one.
   */
  async validate(token: string): Promise<FlexIdentity | undefined> {
    const key = hashToken(token);
    const hit = this.cache.get(key, this.now());
    if (hit !== undefined) return hit.verdict.valid ? hit.verdict.who : undefined;

    let pending = this.inFlight.get(key);
    if (pending === undefined) {
      pending = this.askIam(token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
      pending.then(
        (verdict) => this.remember(key, verdict),
        () => undefined,
      );
    }
    const verdict = await pending;
    return verdict.valid ? verdict.who : undefined;
  }

  private remember(key: string, verdict: Verdict): void {
    const now = this.now();
    let until = now + INVALID_TTL_MS;
    if (verdict.valid) {
      until = now + this.options.maxTtlMs;
      if (verdict.who.expiresAt !== undefined) until = Math.min(until, verdict.who.expiresAt - EXPIRY_MARGIN_MS);
    }
    if (until > now) this.cache.set(key, { verdict, until });
  }

  private async askIam(token: string): Promise<Verdict> {
    this.iamCalls++;
    const response = await this.transport.request({
      method: 'POST',
      uri: `${this.options.baseUrl}/v1/Accounts/${this.options.accountSid}/Tokens/validate`,
      username: this.options.username,
      password: this.options.password,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Cache-Control': 'no-cache' },
      body: JSON.stringify({ token }),
    });
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
    return {
      valid: true,
      who: {
        identity: a.identity ?? '',
        workerSid: a.worker_sid ?? undefined,
        roles: a.roles ?? [],
        expiresAt: expiresAt !== undefined && !Number.isNaN(expiresAt) ? expiresAt : undefined,
      },
    };
  }
}

let shared: { key: string; validator: FlexTokenValidator } | undefined;

/** The warm container's validator for these settings (its cache lives as long as the container). */
export function flexTokenValidator(config: Config): FlexTokenValidator {
  const { username, password } = configs.twilioCredentials(config);
  const baseUrl = config.iamBaseUrl ?? iamBaseUrl(config.region);
  const key = [config.accountSid, username, password, baseUrl, config.iamTimeoutMs, config.tokenCacheMaxTtlMs, config.tokenCacheSize].join('|');
  if (shared?.key !== key) {
    shared = {
      key,
      validator: new FlexTokenValidator({
        accountSid: config.accountSid,
        username,
        password,
        baseUrl,
        timeoutMs: config.iamTimeoutMs,
        fallbackDeadlineMs: config.requestDeadlineMs,
        maxTtlMs: config.tokenCacheMaxTtlMs,
        cacheSize: config.tokenCacheSize,
      }),
    };
  }
  return shared.validator;
}
