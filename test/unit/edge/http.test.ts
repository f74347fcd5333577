/**
 * lib/http piece by piece: what counts as the Runtime's own `request`, how headers and the
 * method are read, and which error answers are logged at which level.
 */
import { assertRuntimeRequest, errorResponse, readHeaders, readParams, requestMethod } from '../../../src/edge/http';
import { HttpError, InvalidRequestError, UpstreamError } from '../../../src/edge/errors';
import { captured } from '../../support/capture-logs';
import type { FakeResponse } from '../../support/runtime-globals';

/** The test Runtime's Response, with its fields public. */
const answer = (r: unknown) => r as FakeResponse;

describe("the Runtime's request object", () => {
  const accepts = (request: unknown) => () => assertRuntimeRequest({ request } as never);
  it.each<[string, unknown]>([
    ['headers and cookies of strings', { headers: { a: 'x' }, cookies: { c: 'y' } }],
    ['a repeated header as a list of strings', { headers: { a: ['x', 'y'] }, cookies: {} }],
    ['no headers and no cookies at all (empty maps)', { headers: {}, cookies: {} }],
  ])('accepts %s', (_label, request) => {
    expect(accepts(request)).not.toThrow();
  });

  it.each<[string, unknown]>([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'headers'],
    ['a list', [{ headers: {}, cookies: {} }]],
    ['another key', { headers: {}, cookies: {}, body: {} }],
    ['no cookies', { headers: {} }],
    ['no headers', { cookies: {} }],
    ['headers as a list', { headers: ['a'], cookies: {} }],
    ['headers that are null', { headers: null, cookies: {} }],
    ['a header that is a number', { headers: { a: 1 }, cookies: {} }],
    ['a header list holding a number', { headers: { a: ['x', 2] }, cookies: {} }],
    ['a cookie given as a list', { headers: {}, cookies: { c: ['x'] } }],
    ['a cookie that is an object', { headers: {}, cookies: { c: { d: 'x' } } }],
  ])('refuses %s, naming the parameter', (_label, request) => {
    let thrown: unknown;
    try {
      assertRuntimeRequest({ request } as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect((thrown as InvalidRequestError).toJSON().details).toEqual([
      { field: 'request', message: 'is the name of what the Runtime tells a function about the request; no parameter may use it' },
    ]);
  });
});

describe('headers, parameters and the method', () => {
  it('lower-cases header names, keeps the first of a repeated header, drops what is not a string', () => {
    expect(readHeaders({ request: { headers: { 'X-One': 'a', Two: ['b', 'c'], three: [4], four: 5 } as never, cookies: {} } })).toEqual({
      'x-one': 'a',
      two: 'b',
    });
    expect(readHeaders({} as never)).toEqual({});
    expect(readHeaders({ request: { headers: null as never } })).toEqual({});
  });

  it('parameters are everything but the Runtime request', () => {
    expect({ ...readParams({ a: '1', request: { headers: {} }, b: ['2'] } as never) }).toEqual({ a: '1', b: ['2'] });
  });

  it.each<[Record<string, string>, 'GET' | 'POST']>([
    [{}, 'GET'],
    [{ 'content-length': '0' }, 'GET'],
    [{ 'content-length': '12' }, 'POST'],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 'POST'],
    [{ 'content-length': '0', 'content-type': 'application/json' }, 'POST'],
  ])('%j is a %s', (headers, method) => {
    expect(requestMethod(headers)).toBe(method);
  });
});

describe('error answers and their log lines', () => {
  const lines = () => captured.map((l) => JSON.parse(l) as { level: string; message: string; code?: string; status?: number; error?: string });

  it('an unexpected failure: 500 internal_error, logged as an error with its type only', () => {
    const r = answer(errorResponse(new TypeError('boom at x'), {}));
    expect(r.statusCode).toBe(500);
    expect(r.body).toMatchObject({ error: { code: 'internal_error', message: 'the function failed unexpectedly', status: 500 } });
    expect(lines()).toEqual([{ level: 'error', message: 'unexpected failure', error: 'TypeError: boom at x' }]);
  });

  it('one of ours at 5xx: logged as a warning with code and status', () => {
    const r = answer(errorResponse(new UpstreamError('could not reach IAM'), { Vary: 'Origin' }));
    expect(r.statusCode).toBe(502);
    expect(r.headers).toMatchObject({ Vary: 'Origin' });
    expect(lines()).toEqual([{ level: 'warn', message: 'answered with an error', code: 'upstream_error', status: 502 }]);
  });

  it('one of ours at exactly 500 (misconfigured): logged as a warning too', () => {
    expect(answer(errorResponse(new HttpError(500, 'misconfigured', 'x'), {})).statusCode).toBe(500);
    expect(lines()).toEqual([{ level: 'warn', message: 'answered with an error', code: 'misconfigured', status: 500 }]);
  });

  it('one of ours below 500: not logged', () => {
    expect(answer(errorResponse(new HttpError(404, 'not_found', 'no such channel'), {})).statusCode).toBe(404);
    expect(answer(errorResponse(new HttpError(499, 'conflict', 'x'), {})).statusCode).toBe(499);
    expect(captured).toEqual([]);
  });
});
