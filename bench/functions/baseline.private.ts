/**
 * The benchmark's baseline: the identical Twilio calls with no authentication, validation or
 * normalization, over the same transport (so both sides pay the same network cost).
 */
import type TwilioClient = require('twilio/lib/rest/Twilio');

import * as transports from '../../src/twilio/transport';

let client: TwilioClient | undefined;

export function baselineClient(context: Record<string, unknown>): TwilioClient {
  if (client === undefined) {
    const Twilio = require('twilio/lib/rest/Twilio') as typeof TwilioClient;
    const httpClient = new transports.Transport({
      service: 'the Twilio REST API',
      callTimeoutMs: 5000,
      fallbackDeadlineMs: 8000,
      baseUrl: String(context.TWILIO_API_BASE_URL),
    });
    client = new Twilio(String(context.ACCOUNT_SID), String(context.AUTH_TOKEN), {
      lazyLoading: true,
      httpClient: httpClient as never,
    });
  }
  return client;
}
