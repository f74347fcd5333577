/**
 * deploy/reach.ts: a failed call to Twilio from `npm run deploy` or `npm run studio` becomes one
 * sentence naming the host and what to check; anything else keeps its own message.
 */
import { explainTwilioFailure } from '../../deploy/reach';
import { UpstreamError, UpstreamTimeoutError } from '../../src/edge/errors';

const asking = { host: 'serverless.twilio.com', what: 'look up the service "s"', envPath: '/x/.env' };

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

it.each([
  ['got, DNS', withCode('getaddrinfo ENOTFOUND serverless.twilio.com', 'ENOTFOUND'), 'ENOTFOUND'],
  ['got, refused', withCode('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED'), 'ECONNREFUSED'],
  ['our transport', new UpstreamError('could not reach the Twilio REST API (ENOTFOUND)'), 'ENOTFOUND'],
  ['our transport, timed out', new UpstreamTimeoutError('the Twilio REST API did not answer in time'), 'timeout'],
])('%s: names the host, the cause and what to check', (_name, err, cause) => {
  const text = explainTwilioFailure(err, asking)!;
  expect(text.split('\n')[0]).toBe(`could not reach serverless.twilio.com (${cause}) to look up the service "s".`);
  expect(text).toContain('Check that this machine reaches https://serverless.twilio.com');
});

it('refused credentials name the settings to check, by name', () => {
  const got401 = Object.assign(new Error('Response code 401 (Unauthorized)'), { response: { statusCode: 401 } });
  const text = explainTwilioFailure(got401, asking)!;
  expect(text).toContain('serverless.twilio.com refused the credentials (HTTP 401)');
  expect(text).toContain('Check ACCOUNT_SID and AUTH_TOKEN in /x/.env');
  const rest403 = Object.assign(new Error('Authenticate'), { status: 403, code: 20003 });
  expect(explainTwilioFailure(rest403, asking)).toContain('refused the credentials (HTTP 403)');
});

it('another answer of Twilio is quoted without credentials', () => {
  const err = Object.assign(new Error('bad request with Basic QUN4eHg6c2VjcmV0'), { response: { statusCode: 400 } });
  const text = explainTwilioFailure(err, asking)!;
  expect(text).toBe('serverless.twilio.com answered HTTP 400 when asked to look up the service "s": bad request with Basic [redacted].');
});

it('an error that is not about Twilio is left to its own message', () => {
  expect(explainTwilioFailure(new TypeError('x is undefined'), asking)).toBeUndefined();
});
