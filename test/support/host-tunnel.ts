/**
 * HTTPS for named hosts on loopback, reached as a client reaches the real ones: through an HTTP
 * proxy (HTTP_PROXY, which the serverless toolkit's client honours) that tunnels only those hosts
 * (CONNECT host:443) to a loopback HTTPS server, under a throwaway certificate for them that the
 * client process is told to trust (NODE_EXTRA_CA_CERTS). Any other host is refused (403).
 */
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { makeTestCertificate, type TestCertificate } from './tls';

export class HostTunnel {
  private tls?: TestCertificate;
  private servers: Server[] = [];
  /** Tunnels leave the proxy's own bookkeeping: they are closed here. */
  private readonly tunnels = new Set<Duplex>();

  /** Serve `hosts` with `handle`; returns what a client process needs in its environment. */
  async start(hosts: string[], handle: RequestListener): Promise<{ HTTP_PROXY: string; NODE_EXTRA_CA_CERTS: string }> {
    this.tls = makeTestCertificate(hosts);
    const api = createHttpsServer({ cert: this.tls.cert, key: this.tls.key }, handle);
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const apiPort = (api.address() as AddressInfo).port;
    const proxy = createHttpServer((_req, res) => {
      res.writeHead(403).end();
    });
    proxy.on('connect', (req: IncomingMessage, socket, head) => {
      const [host, port] = (req.url ?? '').split(':');
      if (!hosts.includes(host ?? '') || port !== '443') {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(apiPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      this.tunnels.add(socket);
      this.tunnels.add(upstream);
      socket.on('close', () => this.tunnels.delete(socket));
      upstream.on('close', () => this.tunnels.delete(upstream));
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    this.servers = [api, proxy];
    return { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, NODE_EXTRA_CA_CERTS: this.tls.certPath };
  }

  async stop(): Promise<void> {
    for (const socket of this.tunnels) socket.destroy();
    for (const server of this.servers) {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    }
    this.servers = [];
    this.tls?.remove();
  }
}
