/**
 * The Twilio REST client, one per warm container and per set of credentials, built lazily on
 * first use (loading the helper costs more than everything else in a cold start). It talks
 * through our `Transport`, so deadlines, retries and the sandbox's base URL apply to it.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';

import * as transports from './transport';
import * as configs from '../config';

interface ClientOptions {
  accountSid: string;
  username: string;
  password: string;
  region?: string;
  edge?: string;
  apiBaseUrl?: string;
  callTimeoutMs: number;
  fallbackDeadlineMs: number;
}

const clientFor = configs.perSettings((o: ClientOptions): TwilioClient => {
  const Twilio = require('twilio/lib/rest/Twilio') as typeof TwilioClient;
  const transport = new transports.Transport({
    service: 'the Twilio REST API',
    callTimeoutMs: o.callTimeoutMs,
    fallbackDeadlineMs: o.fallbackDeadlineMs,
    baseUrl: o.apiBaseUrl,
  });
  return new Twilio(o.username, o.password, {
    accountSid: o.accountSid,
    lazyLoading: true,
    region: o.region,
    edge: o.edge,
    httpClient: transport as unknown as NonNullable<ConstructorParameters<typeof TwilioClient>[2]>['httpClient'],
  });
});

/** The shared Twilio client for these settings. */
export function twilioClient(config: Config): TwilioClient {
  const { username, password } = configs.twilioCredentials(config);
  return clientFor({
    accountSid: config.accountSid,
    username,
    password,
    region: config.region,
    edge: config.edge,
    apiBaseUrl: config.apiBaseUrl,
    callTimeoutMs: config.twilioCallTimeoutMs,
    fallbackDeadlineMs: config.requestDeadlineMs,
  });
}

let loading = false;

/**
 * Have the helper load its Flex API code (about 10 ms the first time, in a fresh container) on
 * the next turn of the event loop. The endpoint calls this once a request's credential check is
 * under way: a fresh container's first request always waits for IAM (nothing is cached yet),
 * and the load then happens during that wait instead of after it. Later calls do nothing.
 */
export function loadSoon(config: Config): void {
  if (loading) return;
  loading = true;
  setImmediate(() => {
    try {
      void twilioClient(config).flexApi.v1;
    } catch {
      // The request's own call to Twilio builds the client again and reports what is wrong.
    }
  });
}
