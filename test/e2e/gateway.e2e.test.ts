/**
 * The local gateway's own rules, through real HTTP, in front of the real twilio-run, over probe
 * functions (test/fixtures/gateway) that answer with what they were handed.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import twilio from 'twilio';
import { startFunctions, type Running } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(60_000);

let server: Running & { platform: import('../../gateway/local-platform').LocalPlatform };

beforeAll(async () => {
  server = await startFunctions(
    { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, SOME_SETTING: 'a value' },
    { functionsFolder: 'test/fixtures/gateway/functions', assetsFolder: 'test/fixtures/gateway/assets', functionTimeoutMs: 1500 },
  );
});
afterAll(async () => {
  await server?.stop();
});

/** A raw request, so that any header (Host, Connection, 91 of them) goes exactly as written. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> | Array<[string, string]> = {},
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    // Node frames no body of a DELETE by itself: say its length, or the next request breaks.
    const framed = body === undefined || Array.isArray(headers) ? headers : { ...headers, 'Content-Length': String(Buffer.byteLength(body)) };
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers: Array.isArray(framed) ? framed.flat() : framed }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('preflight', () => {
  it.each(['/echo', '/lib/secret', '/nowhere'])("OPTIONS %s is answered by the gateway with the platform's two wildcards", async (path) => {
    const r = await raw('OPTIONS', path, {
      Origin: 'https://flex.twilio.com',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'authorization',
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-headers']).toBe('*');
    expect(r.headers['access-control-allow-methods']).toBeUndefined();
    expect(r.text).toBe('');
  });

  it('never reaches a function', async () => {
    const before = server.output.join('').split('OPTIONS').length;
    await raw('OPTIONS', '/echo');
    expect(server.output.join('').split('OPTIONS').length).toBe(before);
  });
});

describe('what a function sees', () => {
  it('no restricted header, whatever the caller sent; the rest arrive', async () => {
    const r = await raw('GET', '/echo?x=1', {
      Host: 'evil.example',
      'X-Forwarded-For': '10.0.0.1',
      'X-Forwarded-Host': 'evil.example',
      'X-Real-IP': '10.0.0.2',
      Via: '1.1 proxy',
      Referer: 'https://evil.example/',
      'X-Accel-Redirect': '/x',
      'Proxy-Authorization': 'Basic eA==',
      Authorization: 'Bearer abc',
      Origin: 'https://flex.twilio.com',
      'X-Custom': 'kept',
    });
    expect(r.status).toBe(200);
    const seen = JSON.parse(r.text);
    for (const name of [
      'host',
      'x-forwarded-for',
      'x-forwarded-host',
      'x-real-ip',
      'via',
      'referer',
      'x-accel-redirect',
      'proxy-authorization',
      'connection',
    ]) {
      expect(seen.headers).not.toHaveProperty(name);
    }
    expect(seen.headers).toMatchObject({ authorization: 'Bearer abc', origin: 'https://flex.twilio.com', 'x-custom': 'kept' });
    expect(seen.params).toEqual({ x: '1' });
  });

  it("DOMAIN_NAME is the gateway's host, and the service's variables are in context", async () => {
    const r = await raw('POST', '/echo', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'a=1');
    const seen = JSON.parse(r.text);
    expect(seen.domainName).toBe(new URL(server.url).host);
    expect(seen.path).toBe('/echo');
    expect(seen.params).toEqual({ a: '1' });
  });
});

describe('limits', () => {
  // Given as a list, headers go exactly as written: Host, Connection and n others.
  const many = (n: number): Array<[string, string]> => [
    ['Host', 'x.twil.io'],
    ['Connection', 'keep-alive'],
    ...Array.from({ length: n }, (_, i): [string, string] => [`X-H${i}`, 'v']),
  ];

  it('90 headers pass; 91 get 431 (Host and Connection count)', async () => {
    expect((await raw('GET', '/echo', many(88))).status).toBe(200);
    const r = await raw('GET', '/echo', many(89));
    expect(r.status).toBe(431);
    expect(JSON.parse(r.text).message).toBe('Request headers or cookies too long');
  });

  it('over 15 kB of headers (cookies included) gets 431', async () => {
    expect((await raw('GET', '/echo', { Cookie: `a=${'x'.repeat(14_000)}` })).status).toBe(200);
    expect((await raw('GET', '/echo', { Cookie: `a=${'x'.repeat(15_400)}` })).status).toBe(431);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('%s gets 405 and never reaches a function', async (method) => {
    const r = await raw(method, '/echo', { 'Content-Type': 'application/json' }, '{}');
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('GET, POST, OPTIONS');
  });

  it('a function that does not answer in time gets 504 from the gateway', async () => {
    const started = Date.now();
    const r = await raw('GET', '/hangs');
    expect(r.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('visibility', () => {
  it.each(['/lib/secret', '/lib/secret.private', '/hidden.json', '/hidden.private.json', '/nowhere'])(
    "%s is a plain 404, never twilio-run's answer",
    async (path) => {
      for (const method of ['GET', 'POST']) {
        const r = await raw(method, path, method === 'POST' ? { 'Content-Type': 'application/json' } : {}, method === 'POST' ? '{}' : undefined);
        expect(r.status).toBe(404);
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(r.text)).toEqual({ status: 404, message: 'Not Found' });
      }
    },
  );

  it('public assets are served', async () => {
    const r = await raw('GET', '/hello.json');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ asset: true });
  });

  describe('a protected function', () => {
    const origin = () => `https://${new URL(server.url).host}`;

    it('without a signature, or with a wrong one: 400 from the gateway, the function never runs', async () => {
      const body = 'a=1';
      expect((await raw('POST', '/signed', { 'Content-Type': 'application/x-www-form-urlencoded' }, body)).status).toBe(400);
      const wrong = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `${origin()}/signed`, { a: '2' });
      const r = await raw('POST', '/signed', { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': wrong }, body);
      expect(r.status).toBe(400);
      expect(r.text).not.toContain('reached');
    });

    it('a signed form POST reaches it', async () => {
      const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `${origin()}/signed`, { a: '1', b: '2' });
      const r = await raw('POST', '/signed', { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature }, 'a=1&b=2');
      expect(r.status).toBe(200);
      expect(JSON.parse(r.text)).toEqual({ reached: true, params: { a: '1', b: '2' } });
    });

    it('a signed GET (the URL with its query) reaches it', async () => {
      const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `${origin()}/signed?a=1`, {});
      const r = await raw('GET', '/signed?a=1', { 'X-Twilio-Signature': signature });
      expect(r.status).toBe(200);
    });

    it('a signed JSON body (bodySHA256) reaches it', async () => {
      const body = JSON.stringify({ a: 1 });
      const hash = require('node:crypto').createHash('sha256').update(body).digest('hex');
      const signature = twilio.getExpectedTwilioSignature(f.AUTH_TOKEN, `${origin()}/signed?bodySHA256=${hash}`, {});
      const r = await raw('POST', `/signed?bodySHA256=${hash}`, { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature }, body);
      expect(r.status).toBe(200);
    });
  });
});

it('listens on 127.0.0.1 only: the gateway and the runtime behind it', () => {
  const ss = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  const port = new URL(server.url).port;
  const listening = ss.split('\n').filter((l) => l.includes(`:${port} `));
  expect(listening.length).toBeGreaterThan(0);
  for (const l of listening) expect(l).toContain(`127.0.0.1:${port}`);
  const runtimePid = server.platform.runtimePid();
  const runtime = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.includes(`pid=${runtimePid},`));
  expect(runtime.length).toBeGreaterThan(0);
  for (const l of runtime) expect(l).toMatch(/\s127\.0\.0\.1:\d+\s/);
});
