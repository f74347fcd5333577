/**
 * The Twilio REST client, one per warm container and per set of credentials, built lazily on
 * first use (loading the helper costs more than everything else in a cold start). It talks
 * through our `Transport`, so deadlines, retries and the sandbox's base URL apply to it.
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');
import type { Config } from '../config';
import type { Deadline } from './deadline';

import * as transports from './transport';
import * as wire from './wire';
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

type HttpClient = NonNullable<ConstructorParameters<typeof TwilioClient>[2]>['httpClient'];

interface Shared {
  client: TwilioClient;
  transport: transports.Transport;
  /** The shared client with every domain the helper caches (`_flexApi`, `_taskrouter`, …) shadowed, unbuilt. */
  viewBase: object;
}

const sharedFor = configs.perSettings((o: ClientOptions): Shared => {
  const Twilio = require('twilio/lib/rest/Twilio') as typeof TwilioClient;
  const transport = new transports.Transport({
    service: 'the Twilio REST API',
    callTimeoutMs: o.callTimeoutMs,
    fallbackDeadlineMs: o.fallbackDeadlineMs,
    baseUrl: o.apiBaseUrl,
  });
  const client = new Twilio(o.username, o.password, {
    accountSid: o.accountSid,
    lazyLoading: true,
    region: o.region,
    edge: o.edge,
    httpClient: transport as unknown as HttpClient,
  });
  // The helper's domains (`client.flexApi`, …) are getters that build the domain on first use
  // and keep it in `this._<name>`; the domain keeps the client it was built from and sends every
  // call through that client's `httpClient` (kept in `_httpClient`). Helper internals, read from
  // twilio 6.2 (lib/rest/Twilio.js, lib/base/BaseTwilio.js); test/unit/twilio/client.test.ts fails
  // if a helper update changes them, and a call that missed the view would still be bounded (by
  // the shared transport's fallback deadline, REQUEST_DEADLINE_MS from the call's start).
  const shadows: PropertyDescriptorMap = {};
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(Twilio.prototype))) {
    if (descriptor.get !== undefined) shadows[`_${name}`] = { value: undefined, writable: true };
  }
  return { client, transport, viewBase: Object.create(client, shadows) as object };
});

function clientOptions(config: Config): ClientOptions {
  const { username, password } = configs.twilioCredentials(config);
  return {
    accountSid: config.accountSid,
    username,
    password,
    region: config.region,
    edge: config.edge,
    apiBaseUrl: config.apiBaseUrl,
    callTimeoutMs: config.twilioCallTimeoutMs,
    fallbackDeadlineMs: config.requestDeadlineMs,
  };
}

const sharedOf = configs.perConfig((config: Config) => sharedFor(clientOptions(config)));

/** The shared Twilio client for these settings (a call made through it outside a request gets a fresh fallback deadline). */
export function twilioClient(config: Config): TwilioClient {
  return sharedOf(config).client;
}

/**
 * The shared client as one request sees it: every call the helper makes through it is bounded
 * by the request's `deadline`. A view, not a new client: it inherits the shared client (its
 * credentials, region and loaded code) and has its own `httpClient` (the shared transport, so
 * the shared connection pool, with the deadline bound) and its own domain objects, built on
 * first use (a few small objects a request: measured about 4 µs).
 */
export function requestClient(config: Config, deadline: Deadline): TwilioClient {
  const shared = sharedOf(config);
  const view = Object.create(shared.viewBase) as { _httpClient: unknown };
  view._httpClient = shared.transport.forDeadline(deadline);
  return view as unknown as TwilioClient;
}

let loading = false;

/**
 * Have the helper load its Flex API code (about 10 to 30 ms the first time, in a fresh
 * container) while a call to Twilio is in flight. The endpoint calls this once a request's
 * credential check is under way: a fresh container's first request always asks IAM (nothing is
 * cached yet), and the load then happens while IAM answers instead of after. It waits for that
 * call to be on the wire (twilio/wire afterNextSend): loading on the next turn of the event loop,
 * as this did first, held back the call's own connect and write until the load was done, so
 * nothing overlapped (measured: a trace of the cold first request, docs/performance.md). When
 * no call follows (a signed request), the request's own first call loads the code as it would
 * have anyway, and this load then finds it loaded. Later calls do nothing.
 */
export function loadSoon(config: Config): void {
  if (loading) return;
  loading = true;
  wire.afterNextSend(() =>
    setImmediate(() => {
      try {
        void twilioClient(config).flexApi.v1;
      } catch {
        // The request's own call to Twilio builds the client again and reports what is wrong.
      }
    }),
  );
}
