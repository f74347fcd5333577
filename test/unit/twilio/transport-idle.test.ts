/**
 * The transport's kept-alive connections: reused while idle for less than IDLE_SOCKET_MS, and
 * closed by us after. A file of its own because it waits out the idle time (about 5 s), and
 * `npm run test:mutation` leaves it out (jest.mutation.config.js): it pins a number, which
 * Stryker does not mutate, and would add those seconds to thousands of mutant runs.
 */
import { IDLE_SOCKET_MS, Transport } from '../../../src/twilio/transport';
import * as f from '../../support/fixtures';

const transport = (baseUrl: string) =>
  new Transport({ service: 'the Twilio REST API', callTimeoutMs: 2000, fallbackDeadlineMs: 3000, baseUrl, sleep: async () => undefined });
const get = (t: Transport) =>
  t.request({ method: 'get', uri: 'https://flex-api.twilio.com/v1/Interactions', username: f.ACCOUNT_SID, password: f.AUTH_TOKEN });

describe('kept-alive connections', () => {
  /** A server that answers at once and counts the connections it was opened. */
  async function countingServer() {
    const { createServer } = await import('node:http');
    let connections = 0;
    const server = createServer((_req, res) => res.end('{}'));
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    return { base: `http://127.0.0.1:${port}`, connections: () => connections, close: () => new Promise((r) => server.close(r)) };
  }
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it(`reuses a connection idle for less than IDLE_SOCKET_MS (${IDLE_SOCKET_MS} ms), and opens a new one after`, async () => {
    expect(IDLE_SOCKET_MS).toBe(4000);
    const server = await countingServer();
    const t = transport(server.base);
    try {
      await get(t);
      await wait(1000);
      await get(t);
      expect(server.connections()).toBe(1);
      await wait(IDLE_SOCKET_MS + 500);
      await get(t);
      expect(server.connections()).toBe(2);
    } finally {
      await server.close();
    }
  }, 15_000);
});
