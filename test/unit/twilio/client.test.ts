/**
 * lib/twilio: one client per container and settings, and the Flex API code loaded ahead of the
 * first call (lib/endpoint asks for it while a request's credential check is under way).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioClient } from '../../../src/twilio/client';
import { loadConfig } from '../../../src/config';
import { settings } from '../../support/invoke';

const config = () => loadConfig(settings('http://127.0.0.1:2') as never);
/** The helper keeps a domain it has loaded on the client (`_flexApi`, set on first use of `flexApi`). */
const flexLoadedOn = (client: unknown) => (client as { _flexApi?: unknown })._flexApi !== undefined;
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

it('one client per set of settings', () => {
  expect(twilioClient(config())).toBe(twilioClient(config()));
  expect(twilioClient(loadConfig(settings('http://127.0.0.1:3') as never))).not.toBe(twilioClient(config()));
});

it('settings that differ only in where one ends and the next begins still get their own clients', () => {
  const a = twilioClient({ ...config(), region: 'au1', edge: 'x' });
  expect(twilioClient({ ...config(), region: 'au', edge: '1x' })).not.toBe(a);
});

it('building a client loads no API domain (the helper loads each on first use)', () => {
  expect(flexLoadedOn(twilioClient(loadConfig(settings('http://127.0.0.1:4') as never)))).toBe(false);
});

/** A server that holds every answer until `answer()`; `received` resolves when a whole request has arrived. */
async function holdingServer() {
  let release: () => void = () => undefined;
  let arrived: () => void = () => undefined;
  const received = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrived();
      release = () => res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, answer: () => release(), close: () => new Promise((resolve) => server.close(resolve)) };
}

/** A fresh copy of the modules (loadSoon acts once per container: once per module instance). */
function freshModules() {
  let modules!: { client: typeof import('../../../src/twilio/client'); transport: typeof import('../../../src/twilio/transport') };
  jest.isolateModules(() => {
    modules = { client: require('../../../src/twilio/client'), transport: require('../../../src/twilio/transport') };
  });
  return modules;
}

it('loadSoon loads the Flex API domain once the next call to Twilio is on the wire, while its answer is awaited', async () => {
  const { client, transport } = freshModules();
  const server = await holdingServer();
  try {
    const cfg = config();
    const loaded = () => flexLoadedOn(client.twilioClient(cfg));
    client.loadSoon(cfg);
    await nextTurn();
    // Nothing is sent yet: loading now would block the loop before the call could connect and write.
    expect(loaded()).toBe(false);
    const call = new transport.Transport({ service: 'IAM', callTimeoutMs: 5000, fallbackDeadlineMs: 5000 }).request({
      method: 'POST',
      uri: server.url,
      body: '{}',
    });
    await server.received;
    await nextTurn();
    await nextTurn();
    expect(loaded()).toBe(true);
    server.answer();
    await expect(call).resolves.toMatchObject({ statusCode: 200 });
  } finally {
    await server.close();
  }
});

it('loadSoon with no call after it loads nothing by itself (the first use loads the code, as without it)', async () => {
  const { client } = freshModules();
  const cfg = config();
  client.loadSoon(cfg);
  await nextTurn();
  await nextTurn();
  expect(flexLoadedOn(client.twilioClient(cfg))).toBe(false);
});

it('loadSoon acts once per container: a later call builds nothing', async () => {
  const { client, transport } = freshModules();
  const server = await holdingServer();
  try {
    const first = loadConfig(settings('http://127.0.0.1:5') as never);
    client.loadSoon(first);
    const send = new transport.Transport({ service: 'IAM', callTimeoutMs: 5000, fallbackDeadlineMs: 5000 }).request({
      method: 'GET',
      uri: server.url,
    });
    await server.received;
    await nextTurn();
    await nextTurn();
    const built = client.twilioClient(first);
    expect(flexLoadedOn(built)).toBe(true);
    server.answer();
    await send;
    client.loadSoon(loadConfig(settings('http://127.0.0.1:6') as never));
    const again = new transport.Transport({ service: 'IAM', callTimeoutMs: 5000, fallbackDeadlineMs: 5000 }).request({
      method: 'GET',
      uri: server.url,
    });
    await nextTurn();
    await nextTurn();
    server.answer();
    await again;
    // Had the second call built a client for its own settings, that one would now be cached.
    expect(client.twilioClient(first)).toBe(built);
  } finally {
    await server.close();
  }
});
