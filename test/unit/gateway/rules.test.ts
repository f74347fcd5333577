/** The gateway's rules, each from Twilio's documentation of its Functions gateway. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import * as rules from '../../../gateway/rules';
import { lookup, routeOf, scanRoutes } from '../../../gateway/routes';
import { validSignature } from '../../../gateway/signature';

describe('restricted request headers ("Headers and cookies: Limitations")', () => {
  it.each([
    'Host',
    'host',
    'Connection',
    'Proxy-Connection',
    'Expect',
    'Proxy-Authorization',
    'Proxy-Authenticate',
    'Referer',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'Via',
    'X-Real-IP',
    'X-Forwarded-For',
    'x-forwarded-proto',
    'X-Forwarded-Host',
    'X-Accel-Buffering',
    'x-accel-redirect',
  ])('%s is removed', (name) => {
    expect(rules.isRestrictedHeader(name)).toBe(true);
  });

  it.each(['Authorization', 'Content-Type', 'Origin', 'X-Twilio-Signature', 'Cookie', 'User-Agent', 'X-Forwarded', 'Accept'])(
    '%s reaches the function',
    (name) => {
      expect(rules.isRestrictedHeader(name)).toBe(false);
    },
  );
});

describe('header limits: 90 headers, 15 kB', () => {
  const headers = (count: number, valueLength = 1): string[] => Array.from({ length: count }, (_, i) => [`h${i}`, 'v'.repeat(valueLength)]).flat();

  it('counts headers and the bytes of each "Name: value" line', () => {
    expect(rules.measureHeaders(['Host', 'a.b', 'X', 'é'])).toEqual({ count: 2, bytes: 4 + 2 + 3 + 2 + 1 + 2 + 2 + 2 });
  });

  it('90 headers pass, 91 do not', () => {
    expect(rules.headersTooLarge(headers(90))).toBe(false);
    expect(rules.headersTooLarge(headers(91))).toBe(true);
  });

  it('15 × 1024 bytes pass, one more does not', () => {
    // One header: "h0: " + value + CRLF = 2 + 2 + n + 2 bytes.
    const fits = rules.MAX_HEADER_BYTES - 6;
    expect(rules.headersTooLarge(headers(1, fits))).toBe(false);
    expect(rules.headersTooLarge(headers(1, fits + 1))).toBe(true);
    expect(rules.MAX_HEADER_BYTES).toBe(15 * 1024);
    expect(rules.MAX_HEADER_COUNT).toBe(90);
  });
});

describe('methods, preflight and time limit ("Function request flow", "Limitations")', () => {
  it('accepts GET, POST and OPTIONS only', () => {
    expect([...rules.ALLOWED_METHODS].sort()).toEqual(['GET', 'OPTIONS', 'POST']);
  });

  it('answers a preflight with exactly the two wildcards the platform sends', () => {
    expect(rules.PREFLIGHT_HEADERS).toEqual({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' });
  });

  it('gives a function 10 seconds', () => {
    expect(rules.FUNCTION_TIMEOUT_MS).toBe(10_000);
  });
});

describe('routes: the toolkit naming rule for visibility', () => {
  it.each([
    ['get-channel.js', true, '/get-channel', 'public'],
    ['lib/auth.private.js', true, '/lib/auth', 'private'],
    ['studio/close-channel.protected.js', true, '/studio/close-channel', 'protected'],
    ['openapi.json', false, '/openapi.json', 'public'],
    ['data.private.json', false, '/data.json', 'private'],
    ['a.b/c.protected.html', false, '/a.b/c.html', 'protected'],
  ])('%s → %s', (file, strip, path, visibility) => {
    expect(routeOf(file, strip)).toEqual({ path, visibility });
  });

  it('scans both folders; private paths and unknown paths have no route; / falls back to index.html', () => {
    const root = mkdtempSync(join(tmpdir(), 'fic-routes-'));
    try {
      mkdirSync(join(root, 'functions', 'lib'), { recursive: true });
      mkdirSync(join(root, 'assets'), { recursive: true });
      for (const f of [
        'functions/a.js',
        'functions/b.protected.js',
        'functions/lib/c.private.js',
        'functions/notes.txt',
        'assets/index.html',
        'assets/d.private.css',
      ]) {
        writeFileSync(join(root, f), '');
      }
      const routes = scanRoutes(join(root, 'functions'), join(root, 'assets'));
      expect(lookup(routes, '/a')).toMatchObject({ kind: 'function', visibility: 'public' });
      expect(lookup(routes, '/b')).toMatchObject({ kind: 'function', visibility: 'protected' });
      expect(lookup(routes, '/lib/c')).toBeUndefined();
      expect(routes.get('/lib/c')).toMatchObject({ visibility: 'private' });
      expect(lookup(routes, '/d.css')).toBeUndefined();
      expect(lookup(routes, '/notes')).toBeUndefined();
      expect(lookup(routes, '/nothing')).toBeUndefined();
      expect(lookup(routes, '/')).toMatchObject({ kind: 'asset', path: '/index.html' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('X-Twilio-Signature of protected functions', () => {
  const token = 'f'.repeat(32);
  const origin = 'https://svc-1234-dev.twil.io';

  it('a form POST: URL plus sorted parameters; any change breaks it', () => {
    const params = { b: '2', a: '1' };
    const signature = twilio.getExpectedTwilioSignature(token, `${origin}/fn`, params);
    const body = Buffer.from(new URLSearchParams(params).toString());
    const req = { publicOrigin: origin, originalUrl: '/fn', contentType: 'application/x-www-form-urlencoded', body, signature };
    expect(validSignature(token, req)).toBe(true);
    expect(validSignature(token, { ...req, body: Buffer.from('b=2&a=3') })).toBe(false);
    expect(validSignature(token, { ...req, originalUrl: '/other' })).toBe(false);
    expect(validSignature(token, { ...req, publicOrigin: 'https://elsewhere.twil.io' })).toBe(false);
    expect(validSignature('e'.repeat(32), req)).toBe(false);
  });

  it('a GET: the URL with its query string', () => {
    const signature = twilio.getExpectedTwilioSignature(token, `${origin}/fn?x=1&y=2`, {});
    const req = { publicOrigin: origin, originalUrl: '/fn?x=1&y=2', contentType: undefined, body: Buffer.alloc(0), signature };
    expect(validSignature(token, req)).toBe(true);
    expect(validSignature(token, { ...req, originalUrl: '/fn?x=1&y=3' })).toBe(false);
  });

  it('a JSON body: the URL with bodySHA256, and the body must hash to it', () => {
    const body = JSON.stringify({ interactionSid: 'KD1' });
    const hash = require('node:crypto').createHash('sha256').update(body).digest('hex');
    const url = `/fn?bodySHA256=${hash}`;
    const signature = twilio.getExpectedTwilioSignature(token, `${origin}${url}`, {});
    const req = { publicOrigin: origin, originalUrl: url, contentType: 'application/json', body: Buffer.from(body), signature };
    expect(validSignature(token, req)).toBe(true);
    expect(validSignature(token, { ...req, body: Buffer.from(body.replace('KD1', 'KD2')) })).toBe(false);
  });

  it('a JSON body without bodySHA256 is covered by no signature: refused, even with a valid signature of the URL alone', () => {
    const signature = twilio.getExpectedTwilioSignature(token, `${origin}/studio/close-channel`, {});
    const body = Buffer.from(JSON.stringify({ interactionSid: 'KD2', channelSid: 'UO2' }));
    const req = { publicOrigin: origin, originalUrl: '/studio/close-channel', contentType: 'application/json', body, signature };
    expect(validSignature(token, req)).toBe(false);
    expect(validSignature(token, { ...req, contentType: 'text/plain' })).toBe(false);
    expect(validSignature(token, { ...req, contentType: undefined })).toBe(false);
    // The same URL signature with no body at all is what Twilio signs for a GET: it passes.
    expect(validSignature(token, { ...req, contentType: undefined, body: Buffer.alloc(0) })).toBe(true);
  });

  it('a signed GET URL of one channel plus a JSON body naming another: refused', () => {
    const url = '/studio/get-channel?interactionSid=KD1&channelSid=UO1';
    const signature = twilio.getExpectedTwilioSignature(token, `${origin}${url}`, {});
    const body = Buffer.from(JSON.stringify({ channelSid: 'UO2' }));
    expect(validSignature(token, { publicOrigin: origin, originalUrl: url, contentType: 'application/json', body, signature })).toBe(false);
  });

  it('no signature, an empty one, or no auth token: refused', () => {
    const req = { publicOrigin: origin, originalUrl: '/fn', contentType: undefined, body: Buffer.alloc(0) };
    const signature = twilio.getExpectedTwilioSignature(token, `${origin}/fn`, {});
    expect(validSignature(token, { ...req, signature: undefined })).toBe(false);
    expect(validSignature(token, { ...req, signature: '' })).toBe(false);
    expect(validSignature(undefined, { ...req, signature })).toBe(false);
    expect(validSignature(token, { ...req, signature })).toBe(true);
  });
});
