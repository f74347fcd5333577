/**
 * API keys of this account as a way in for your own servers: `Authorization: Basic
 * SK…:secret`. A server then never needs the account's auth token to call us, and revoking the
 * key in the Console revokes the caller within the cache lifetime (TOKEN_CACHE_MAX_TTL_MS).
 *
 * Twilio documents no "is this key valid" call, so the key is checked by using it: one page of
 * the account's Queues (`GET /2010-04-01/Accounts/{AccountSid}/Queues.json?PageSize=1`), a read
 * that changes nothing, holds no personal data, and that Standard keys may make (Twilio keeps
 * only the Account and Keys resources from them). Its URL names our account, so a key of
 * another account is refused. A 2xx is a valid key; 401/403/404 are a key that is not (a
 * Restricted key without that read is refused: fail safe); Twilio failing is a 502/504, never
 * an allow. Cached, bounded and timed out like the Flex token check (lib/credential-cache).
 */
import type { Config } from '../config';
import type { CheckOptions } from './credential-cache';
import type { Deadline } from '../twilio/deadline';

import * as errors from '../edge/errors';
import * as configs from '../config';
import { isSid } from '../contract/sids';
import * as transports from '../twilio/transport';
import * as deadlines from '../twilio/deadline';
import * as credentialCache from './credential-cache';

/** The shape of an API key's secret (32 letters and digits). */
export const API_KEY_SECRET = /^[A-Za-z0-9]{32}$/;

/** Could this pair be an API key? Anything else is refused without asking Twilio. */
export function mayBeApiKey(sid: string, secret: string): boolean {
  return isSid('apiKey', sid) && API_KEY_SECRET.test(secret);
}

/** The REST API host for a region and edge, as the `twilio` helper builds it. */
export function restApiBaseUrl(region: string | undefined, edge: string | undefined): string {
  const effectiveRegion = edge !== undefined && region === undefined ? 'us1' : region;
  return `https://api${edge ? `.${edge}` : ''}${effectiveRegion ? `.${effectiveRegion}` : ''}.twilio.com`;
}

export interface ApiKeyValidatorOptions extends CheckOptions {
  accountSid: string;
  baseUrl: string;
}

export class ApiKeyValidator {
  private readonly cache: import('./credential-cache').CredentialCache<{ sid: string }>;
  private readonly transport: import('../twilio/transport').Transport;
  private readonly now: () => number;

  constructor(private readonly options: ApiKeyValidatorOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new credentialCache.CredentialCache({
      cacheSize: options.cacheSize,
      maxConcurrent: options.maxConcurrent,
      maxQueued: options.maxQueued,
      maxWaitMs: options.maxWaitMs,
      busyMessage: 'too many API key checks are under way',
      now: this.now,
    });
    this.transport = new transports.Transport({
      service: 'the Twilio REST API',
      callTimeoutMs: options.timeoutMs,
      fallbackDeadlineMs: options.fallbackDeadlineMs,
      baseUrl: options.baseUrl,
    });
  }

  /** True when `sid:secret` is a live API key of this account. */
  async validate(sid: string, secret: string, requestDeadline?: Deadline): Promise<boolean> {
    if (!mayBeApiKey(sid, secret)) return false;
    const deadline = deadlines.orFallback(requestDeadline, this.options.fallbackDeadlineMs);
    const credential = `${sid}:${secret}`;
    const verdict = await this.cache.check(
      credential,
      () => this.ask(sid, secret, deadline),
      false,
      credentialCache.hashCredential(credential),
      credentialCache.waitBudget(deadline),
    );
    return verdict !== undefined;
  }

  private async ask(sid: string, secret: string, deadline: Deadline): Promise<import('./credential-cache').Verdict<{ sid: string }>> {
    const response = await this.transport.request(
      {
        method: 'GET',
        uri: `${this.options.baseUrl}/2010-04-01/Accounts/${this.options.accountSid}/Queues.json`,
        params: { PageSize: 1 },
        username: sid,
        password: secret,
        headers: { Accept: 'application/json' },
      },
      deadline,
    );
    if (response.statusCode >= 200 && response.statusCode < 300) return { valid: true, who: { sid }, until: this.now() + this.options.maxTtlMs };
    if (response.statusCode === 401 || response.statusCode === 403 || response.statusCode === 404) return { valid: false };
    throw new errors.UpstreamError(`the Twilio REST API answered HTTP ${response.statusCode} while checking an API key`);
  }
}

const validatorFor = configs.perSettings((options: ApiKeyValidatorOptions) => new ApiKeyValidator(options));

/** The warm container's API key validator for these settings. */
export const apiKeyValidator: (config: Config) => ApiKeyValidator = configs.perConfig((config) =>
  validatorFor({
    accountSid: config.accountSid,
    baseUrl: config.apiBaseUrl ?? restApiBaseUrl(config.region, config.edge),
    ...credentialCache.checkSettings(config),
  }),
);
