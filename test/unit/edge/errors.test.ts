import RestException from 'twilio/lib/base/RestException';
import {
  ConflictError,
  fromTwilioError,
  HttpError,
  InvalidRequestError,
  MethodNotAllowedError,
  MisconfiguredError,
  PayloadTooLargeError,
  NotFoundError,
  RateLimitedError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../../src/edge/errors';
import { errorResponse } from '../../../src/edge/http';
import { captured } from '../../support/capture-logs';

function rest(status: number, body: object | string): RestException {
  return new RestException({ statusCode: status, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('fromTwilioError: the contract table', () => {
  it.each<[number, unknown, string, number]>([
    [404, NotFoundError, 'not_found', 404],
    [400, ConflictError, 'conflict', 409],
    [409, ConflictError, 'conflict', 409],
    [429, RateLimitedError, 'rate_limited', 429],
    [401, MisconfiguredError, 'misconfigured', 500],
    [403, MisconfiguredError, 'misconfigured', 500],
    [500, UpstreamError, 'upstream_error', 502],
    [503, UpstreamError, 'upstream_error', 502],
    [418, UpstreamError, 'upstream_error', 502],
  ])('Twilio HTTP %i → %p (%s, %i)', (status, type, code, ours) => {
    const err = fromTwilioError(
      rest(status, { code: 20000 + status, message: 'm', more_info: 'https://www.twilio.com/docs/errors/x', status }),
      'the channel',
    );
    expect(err).toBeInstanceOf(type as typeof HttpError);
    expect((err as HttpError).code).toBe(code);
    expect((err as HttpError).status).toBe(ours);
  });

  it('keeps Twilio code and more_info', () => {
    const err = fromTwilioError(
      rest(404, { code: 20404, message: 'nope', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 }),
      'the channel',
    ) as HttpError;
    expect(err.toJSON()).toEqual({
      code: 'not_found',
      message: 'the channel was not found',
      status: 404,
      twilioCode: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
  });

  it('an error body that is not JSON still maps by status', () => {
    const err = fromTwilioError(rest(502, '<html>bad gateway</html>'), 'the channel') as HttpError;
    expect(err.code).toBe('upstream_error');
    expect(err.twilioCode).toBeUndefined();
  });

  it('does not pass on a Twilio message that mentions credentials', () => {
    const err = fromTwilioError(
      rest(400, { code: 20001, message: 'bad Authorization: Basic QUM6c2VjcmV0', status: 400 }),
      'the channel',
    ) as HttpError;
    expect(err.message).toBe('Twilio refused the change to the channel');
  });

  it('a SyntaxError (unreadable success body) → 502', () => {
    expect(fromTwilioError(new SyntaxError('Unexpected token <'), 'x')).toBeInstanceOf(UpstreamError);
  });

  it('our own errors pass through unchanged', () => {
    const timeout = new UpstreamTimeoutError();
    expect(fromTwilioError(timeout, 'x')).toBe(timeout);
  });

  it('an error that merely has a numeric status is not taken for a Twilio error', () => {
    const impostor = Object.assign(new Error('boom'), { status: 404, code: 20404 });
    expect(fromTwilioError(impostor, 'the channel')).toBe(impostor);
    const plain = { status: 429 };
    expect(fromTwilioError(plain, 'the channel')).toBe(plain);
  });

  it('anything else is returned for the catch-all', () => {
    const bug = new TypeError('x is undefined');
    expect(fromTwilioError(bug, 'x')).toBe(bug);
  });
});

describe('HttpError bodies', () => {
  it('429 carries Retry-After in whole seconds, at least 1', () => {
    expect(new RateLimitedError(0.2).headers).toEqual({ 'Retry-After': '1' });
    expect(new RateLimitedError(2.5).headers).toEqual({ 'Retry-After': '3' });
  });

  it('toJSON shows only the fields that apply', () => {
    expect(new UpstreamTimeoutError().toJSON()).toEqual({ code: 'upstream_timeout', message: 'Twilio did not answer in time', status: 504 });
  });
});

describe('exactly what each error says', () => {
  it('the JSON body carries details, twilioCode and moreInfo only when there are some', () => {
    expect(new HttpError(418, 'conflict', 'x').toJSON()).toEqual({ code: 'conflict', message: 'x', status: 418 });
    expect(new NotFoundError('gone', { twilioCode: 20404, moreInfo: 'https://www.twilio.com/docs/errors/20404' }).toJSON()).toEqual({
      code: 'not_found',
      message: 'gone',
      status: 404,
      twilioCode: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
    });
    expect(InvalidRequestError.field('limit', 'is too big').toJSON()).toEqual({
      code: 'invalid_request',
      message: 'limit: is too big',
      status: 400,
      details: [{ field: 'limit', message: 'is too big' }],
    });
  });

  it('405 names the methods, in the message and in Allow; 413 the limit; 429 a default message', () => {
    const notAllowed = new MethodNotAllowedError(['GET', 'POST']);
    expect(notAllowed.message).toBe('this endpoint accepts GET, POST only');
    expect(notAllowed.headers).toMatchObject({ Allow: 'GET, POST' });
    expect(new PayloadTooLargeError(16384).message).toBe('the request is larger than 16384 bytes');
    expect(new RateLimitedError(3).message).toBe('Twilio is rate limiting this account; retry later');
  });

  it.each<[number, string]>([
    [401, 'Twilio refused the credentials this function is configured with'],
    [500, 'Twilio answered HTTP 500'],
  ])('Twilio HTTP %i says: %s', (status, message) => {
    expect((fromTwilioError(rest(status, { message: 'm', status }), 'the channel') as HttpError).message).toBe(message);
  });

  it('a non-JSON answer says so', () => {
    expect((fromTwilioError(new SyntaxError('Unexpected token <'), 'x') as HttpError).message).toBe('Twilio answered with something unreadable');
  });

  it("Twilio's code and link are kept only when they have the right types", () => {
    const odd = Object.assign(rest(404, { status: 404 }), { code: '20404', moreInfo: 42 });
    expect((fromTwilioError(odd, 'x') as HttpError).toJSON()).toEqual({ code: 'not_found', message: 'x was not found', status: 404 });
  });

  it.each<[string, string | undefined, string]>([
    ['a short plain sentence is kept', 'Channel is already closed', 'Channel is already closed'],
    ['an empty one is replaced', '', 'Twilio refused the change to the channel'],
    ['300 characters are kept', 'x'.repeat(300), 'x'.repeat(300)],
    ['301 are replaced', 'x'.repeat(301), 'Twilio refused the change to the channel'],
    ['one that mentions Authorization is replaced', 'bad header authorization', 'Twilio refused the change to the channel'],
    ['one that mentions Bearer is replaced', 'got bearer x', 'Twilio refused the change to the channel'],
  ])("Twilio's refusal message: %s", (_label, message, expected) => {
    const err = Object.assign(rest(409, { status: 409 }), { message });
    expect((fromTwilioError(err, 'the channel') as HttpError).message).toBe(expected);
  });

  it("only Twilio's own exceptions with a numeric status are translated", () => {
    for (const value of [null, undefined, 'RestException', 42]) expect(fromTwilioError(value, 'x')).toBe(value);
    const service = Object.assign(Object.create({ constructor: { name: 'TwilioServiceException' } }) as object, { status: 404 });
    expect(fromTwilioError(service, 'x')).toBeInstanceOf(NotFoundError);
    const noStatus = Object.assign(Object.create({ constructor: { name: 'RestException' } }) as object, { status: '404' });
    expect(fromTwilioError(noStatus, 'x')).toBe(noStatus);
    const anonymous = Object.assign(Object.create(null) as object, { status: 404 });
    expect(fromTwilioError(anonymous, 'x')).toBe(anonymous);
  });
});

describe('an upstream error keeps its cause', () => {
  it('names the Twilio call and keeps Twilio’s error, for the log line only', () => {
    const twilioError = rest(500, { code: 20500, message: 'Internal', more_info: 'https://www.twilio.com/docs/errors/20500' });
    const translated = fromTwilioError(twilioError, 'the invite') as UpstreamError;
    expect(translated).toBeInstanceOf(UpstreamError);
    expect(translated.call).toBe('the invite');
    expect(translated.cause).toBe(twilioError);
    expect(JSON.stringify(translated.toJSON())).not.toMatch(/invite|cause|Internal/);
  });

  it('the error answer’s log line says which call failed', () => {
    captured.length = 0;
    errorResponse(fromTwilioError(rest(503, {}), 'the park record'), {});
    const line = JSON.parse(captured.find((l) => l.includes('answered with an error'))!) as Record<string, unknown>;
    expect(line).toMatchObject({ code: 'upstream_error', status: 502, call: 'the park record' });
  });
});
