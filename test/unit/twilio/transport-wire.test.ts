/** The transport to Twilio: what goes on the wire, exactly. */
/**
 * The transport against FakeTwilio on loopback: what it retries, what it gives up on, and
 * that the request's deadline bounds it all.
 */
import { Transport } from '../../../src/twilio/transport';
import { Deadline } from '../../../src/twilio/deadline';
import { UpstreamError, UpstreamTimeoutError } from '../../../src/edge/errors';
import { startSeededFake, type Seeded } from '../../support/fake';
import * as f from '../../support/fixtures';
import { captured } from '../../support/capture-logs';

let s: Seeded;
beforeEach(async () => {
  s = await startSeededFake();
});
afterEach(async () => {
  await s.fake.stop();
});

const transport = (callTimeoutMs = 2000, baseUrl = s.baseUrl, readOnly = false) =>
  new Transport({ service: 'the Twilio REST API', readOnly, callTimeoutMs, fallbackDeadlineMs: 3000, baseUrl, sleep: async () => undefined });
const channelUri = () => `https://flex-api.twilio.com/v1/Interactions/${s.interactionSid}/Channels/${s.channelSid}`;
const get = (t: Transport, deadline?: Deadline) =>
  t.request({ method: 'get', uri: channelUri(), username: f.ACCOUNT_SID, password: f.AUTH_TOKEN }, deadline);

describe('the wire', () => {
  it('hands the helper each response header once, repeated ones joined as fetch does', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      // Node itself joins most repeated headers; Set-Cookie is the one it hands over as a list.
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('Retry-After', '3');
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    try {
      const r = await get(transport(2000, `http://127.0.0.1:${port}`));
      expect(r.headers).toMatchObject({ 'set-cookie': 'a=1, b=2', 'retry-after': '3' });
      expect(r.body).toBe('{}');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('speaks TLS to an https base URL and refuses a certificate nobody vouches for, naming why', async () => {
    const { createServer } = await import('node:https');
    const { makeTestCertificate } = await import('../../support/tls');
    const cert = makeTestCertificate(['localhost']);
    // Only the PEM strings are used here: the file goes at once, so a run killed mid-test (a
    // mutation run's timeout) leaves nothing behind.
    cert.remove();
    const tlsServer = createServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const { port } = tlsServer.address() as import('node:net').AddressInfo;
    try {
      const err = await get(transport(2000, `https://localhost:${port}`)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      // Only a TLS client gets this far: plain HTTP to a TLS port fails with a reset instead.
      expect((err as Error).message).toMatch(/\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/);
    } finally {
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });
});

describe('what goes on the wire, exactly', () => {
  /** A server that records each request as it came and answers {}. */
  async function recordingServer() {
    const { createServer } = await import('node:http');
    const seen: Array<{ method: string; url: string; headers: Record<string, unknown>; body: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    return { base: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
  }

  it('query parameters: absent ones dropped, lists repeated, other values as JSON', async () => {
    const server = await recordingServer();
    try {
      await transport(2000, server.base).request({
        method: 'get',
        uri: 'https://flex-api.twilio.com/v1/X?keep=1',
        params: { a: undefined, b: null, c: [1, 'x'], d: { k: 1 }, e: 'plain' },
      });
      expect(server.seen[0]).toMatchObject({ method: 'GET', url: `/v1/X?keep=1&c=1&c=x&d=${encodeURIComponent('{"k":1}')}&e=plain`, body: '' });
      expect(server.seen[0]!.headers.authorization).toBeUndefined();
      expect(server.seen[0]!.headers['content-length']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('a form body with its length and type (a type given by the caller is kept); Basic only with both user and password', async () => {
    const server = await recordingServer();
    try {
      const t = transport(2000, server.base);
      await t.request({ method: 'post', uri: 'https://flex-api.twilio.com/v1/X', username: 'u', data: { Status: 'clösed', Skip: undefined } });
      expect(server.seen[0]).toMatchObject({ method: 'POST', body: 'Status=cl%C3%B6sed' });
      expect(server.seen[0]!.headers).toMatchObject({
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(Buffer.byteLength('Status=cl%C3%B6sed')),
      });
      expect(server.seen[0]!.headers.authorization).toBeUndefined();
      await t.request({
        method: 'post',
        uri: 'https://flex-api.twilio.com/v1/X',
        username: 'u',
        password: 'p',
        headers: { 'Content-Type': 'application/json' },
        body: '{"ü":1}',
      });
      expect(server.seen[1]).toMatchObject({ body: '{"ü":1}' });
      expect(server.seen[1]!.headers).toMatchObject({
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength('{"ü":1}')),
        authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
      });
      expect(server.seen[1]!.headers['transfer-encoding']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it("a base URL with a path is put in front of Twilio's path; without one the URL is left alone", async () => {
    const server = await recordingServer();
    try {
      await transport(2000, `${server.base}/prefix/`).request({ method: 'get', uri: 'https://flex-api.twilio.com/v1/X?y=1' });
      expect(server.seen[0]!.url).toBe('/prefix/v1/X?y=1');
    } finally {
      await server.close();
    }
    const plain = new Transport({ service: 'x', callTimeoutMs: 1000, fallbackDeadlineMs: 1000 });
    expect(plain.target('https://flex-api.twilio.com/v1/X?y=1').href).toBe('https://flex-api.twilio.com/v1/X?y=1');
  });

  it('no time left before the first try: a timeout after 0 attempts, nothing sent', async () => {
    const err = await get(transport(), new Deadline(0)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamTimeoutError);
    expect(s.fake.apiRequests()).toHaveLength(0);
    const line = captured.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.message === 'a call to Twilio failed');
    expect(line).toMatchObject({ cause: 'timeout', attempts: 0, method: 'GET' });
  });
});
