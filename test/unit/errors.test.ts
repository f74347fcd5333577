import RestException from 'twilio/lib/base/RestException';
import {
  ConflictError,
  fromTwilioError,
  HttpError,
  MisconfiguredError,
  NotFoundError,
  RateLimitedError,
  UpstreamError,
  UpstreamTimeoutError,
} from '../../functions/lib/errors.private';

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
    const err = fromTwilioError(rest(status, { code: 20000 + status, message: 'm', more_info: 'https://www.twilio.com/docs/errors/x', status }), 'the channel');
    expect(err).toBeInstanceOf(type as typeof HttpError);
    expect((err as HttpError).code).toBe(code);
    expect((err as HttpError).status).toBe(ours);
  });

  it('keeps Twilio code and more_info', () => {
    const err = fromTwilioError(rest(404, { code: 20404, message: 'nope', more_info: 'https://www.twilio.com/docs/errors/20404', status: 404 }), 'the channel') as HttpError;
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

  it("does not pass on a Twilio message that mentions credentials", () => {
    const err = fromTwilioError(rest(400, { code: 20001, message: 'bad Authorization: Basic QUM6c2VjcmV0', status: 400 }), 'the channel') as HttpError;
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
