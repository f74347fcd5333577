/**
 * Hostile HTTP through the real server, by property: random query strings, JSON and form
 * bodies, malformed JSON, wrong content types and duplicated parameters. Every answer is a
 * 4xx without a stack trace, nothing reaches Twilio, and the server keeps serving.
 */
import fc from 'fast-check';
import { startSeededFake, type Seeded } from '../support/fake';
import { startFunctions, type Running } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(180_000);

let s: Seeded;
let server: Running;

beforeAll(async () => {
  s = await startSeededFake();
  server = await startFunctions(
    { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, TWILIO_API_BASE_URL: s.baseUrl, TWILIO_IAM_BASE_URL: s.baseUrl },
    {},
  );
});
afterAll(async () => {
  await server?.stop();
  await s?.fake.stop();
});

const account = f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN);
const names = [
  'interactionSid',
  'InteractionSid',
  'channelSid',
  'ChannelSid',
  'status',
  'Status',
  'routing',
  'Routing',
  'limit',
  'Limit',
  'participantSid',
  'ParticipantSid',
  '__proto__',
  'constructor',
  'Token',
  'request',
];
const text = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('KD', 'UO12', 'UT12', '{"status":"closed"}', '[]', 'closed', 'wrapup', 'x'.repeat(3000)),
);

const query = fc.array(fc.tuple(fc.constantFrom(...names, 'a[b]', 'interactionSid[]', 'routing[status]'), text), { maxLength: 8 });
const jsonBody = fc.dictionary(fc.constantFrom(...names), fc.anything({ maxDepth: 3 }), { maxKeys: 6 });

const request = fc.oneof(
  query.map((pairs) => ({ kind: 'query', init: {} as RequestInit, search: new URLSearchParams(pairs).toString() })),
  query.map((pairs) => ({
    kind: 'form',
    search: '',
    init: {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(pairs).toString(),
    } as RequestInit,
  })),
  jsonBody.map((body) => ({
    kind: 'json',
    search: '',
    init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) } as RequestInit,
  })),
  fc.string({ maxLength: 80 }).map((raw) => ({
    kind: 'malformed json',
    search: '',
    init: { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{${raw}` } as RequestInit,
  })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/octet-stream',
        'application/x-www-form-urlencoded; charset=utf-16',
      ),
      fc.string({ maxLength: 80 }),
    )
    .map(([type, raw]) => ({
      kind: 'wrong content type',
      search: '',
      init: { method: 'POST', headers: { 'Content-Type': type }, body: raw } as RequestInit,
    })),
);

describe.each(['/get-channel', '/list-channels', '/close-channel', '/list-participants', '/update-participant'])('%s', (path) => {
  it('answers any hostile request with a 4xx and no stack trace; nothing reaches Twilio', async () => {
    await fc.assert(
      fc.asyncProperty(request, fc.boolean(), async (req, withCredentials) => {
        s.fake.clearRequests();
        const headers = { ...(req.init.headers as Record<string, string> | undefined), ...(withCredentials ? { Authorization: account } : {}) };
        const response = await fetch(`${server.url}${path}${req.search ? `?${req.search}` : ''}`, { ...req.init, headers });
        const body = await response.text();
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(body).not.toMatch(/\n\s+at |node_modules|Error: /);
        expect(s.fake.apiRequests()).toHaveLength(0);
        if (response.headers.get('content-type')?.startsWith('application/json')) {
          expect(JSON.parse(body).error.status).toBe(response.status);
        }
      }),
      { numRuns: 300 },
    );
    // Still serving.
    const ok = await fetch(`${server.url}/get-channel?interactionSid=${s.interactionSid}&channelSid=${s.channelSid}`, {
      headers: { Authorization: account },
    });
    expect(ok.status).toBe(200);
  });
});

describe.each([
  ['without credentials', {}],
  ['with valid credentials', { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) }],
])('bounded before anything reads the parameters, %s', (_name, auth) => {
  const post = (body: string) =>
    fetch(`${server.url}/close-channel`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body });

  it('an array nested 5,000 deep: 400 naming the field, never a 500', async () => {
    s.fake.clearRequests();
    const r = await post(`{"interactionSid":"${s.interactionSid}","routing":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(r.status).toBe(400);
    const body = (await r.json()) as any;
    expect(body.error).toMatchObject({ code: 'invalid_request', details: [{ field: 'routing' }] });
    expect(s.fake.requests).toHaveLength(0);
  });

  it('20,000 empty arrays then a 4 MB string: 413', async () => {
    const r = await post(JSON.stringify({ interactionSid: s.interactionSid, x: [...Array(20_000).fill([]), 'y'.repeat(4_000_000)] }));
    expect(r.status).toBe(413);
    expect(((await r.json()) as any).error.code).toBe('payload_too_large');
    expect(s.fake.requests).toHaveLength(0);
  });
});

describe('the method guard does not trust what a caller can overwrite', () => {
  const query = () => new URLSearchParams({ interactionSid: s.interactionSid, channelSid: s.channelSid, Token: f.SUPERVISOR_TOKEN }).toString();

  it('?request[headers][content-type]=x cannot turn a GET into a close: 400 naming request, nothing sent', async () => {
    s.fake.clearRequests();
    const r = await fetch(`${server.url}/close-channel?${query()}&request[headers][content-type]=x&request[headers][content-length]=5`);
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.details).toEqual([{ field: 'request', message: expect.stringContaining('no parameter may use it') }]);
    expect(s.fake.requests).toHaveLength(0);
    const channel = await fetch(`${server.url}/get-channel?${query()}`);
    expect(((await channel.json()) as any).channel.status).toBe('active');
  });

  it('a plain GET of close-channel is a 405, whatever credentials it carries', async () => {
    const r = await fetch(`${server.url}/close-channel?${query()}`);
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });

  it.each([
    ['a form field named request', 'application/x-www-form-urlencoded', (q: string) => `${q}&request=x`],
    [
      'a JSON member named request',
      'application/json',
      () => JSON.stringify({ interactionSid: s.interactionSid, channelSid: s.channelSid, request: { headers: { authorization: 'x' } } }),
    ],
  ])('%s is refused too', async (_name, type, body) => {
    s.fake.clearRequests();
    const r = await fetch(`${server.url}/close-channel`, {
      method: 'POST',
      headers: { 'Content-Type': type, Authorization: account },
      body: body(query()),
    });
    expect(r.status).toBe(400);
    expect(s.fake.requests).toHaveLength(0);
  });

  it('a 401 challenges for Bearer only, so a browser never prompts for (and then replays) Basic credentials', async () => {
    const r = await fetch(`${server.url}/get-channel?interactionSid=${s.interactionSid}&channelSid=${s.channelSid}`);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="flex-interaction-channels"');
  });
});

it('a body far beyond any valid request is refused with 413, and the server keeps serving', async () => {
  s.fake.clearRequests();
  const ours = await fetch(`${server.url}/get-channel`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: account },
    body: JSON.stringify({ interactionSid: s.interactionSid, channelSid: s.channelSid, pad: 'x'.repeat(200_000) }),
  });
  expect(ours.status).toBe(413);
  expect(((await ours.json()) as any).error.code).toBe('payload_too_large');

  // Beyond the platform's own limit (6 MB locally): refused by the body parser from its length.
  const huge = await fetch(`${server.url}/get-channel`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: account },
    body: JSON.stringify({ pad: 'x'.repeat(7 * 1024 * 1024) }),
  });
  expect(huge.status).toBe(413);
  expect(await huge.text()).not.toMatch(/\n\s+at /);
  expect(s.fake.requests).toHaveLength(0);

  const ok = await fetch(`${server.url}/get-channel?interactionSid=${s.interactionSid}&channelSid=${s.channelSid}`, {
    headers: { Authorization: account },
  });
  expect(ok.status).toBe(200);
});
