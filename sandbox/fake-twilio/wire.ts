/** The fake's HTTP plumbing: reading a body and Basic auth, and playing an injected fault. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { send, twilioError, type Fault } from './types';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1024 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A request body as the fake reads it: JSON (IAM) or a form (the REST API; a repeated field keeps its last value here, all of them in `rawBody`). */
export function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!(contentType ?? '').includes('application/json')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export function basicUser(req: IncomingMessage): { user: string; password: string } | undefined {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Play `fault`; true when it answered (or cut) the request, false when a delay passed and the normal answer follows. */
export async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (fault.kind === 'reset') {
    req.socket.destroy();
    return true;
  }
  if (fault.kind === 'answer') {
    send(res, fault.status, fault.body);
    return true;
  }
  if (fault.kind === 'truncate') {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
    res.write('{"sid": "UO');
    setTimeout(() => req.socket.destroy(), 20);
    return true;
  }
  if (fault.kind === 'not-json') {
    res.writeHead(fault.status ?? 200, { 'Content-Type': 'text/html' });
    res.end('<html><body>Bad Gateway</body></html>');
    return true;
  }
  if (fault.kind === 'together') {
    fault.opened ??= new Promise<void>((resolve) => {
      fault.open = resolve;
      setTimeout(resolve, 5000).unref();
    });
    fault.arrived = (fault.arrived ?? 0) + 1;
    if (fault.arrived >= fault.count) fault.open!();
    await fault.opened;
    return false;
  }
  if (fault.kind === 'status') {
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {};
    send(res, fault.status, twilioError(fault.status, fault.code ?? fault.status * 100, fault.message ?? 'Injected fault'), headers);
    return true;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, fault.ms);
    timer.unref();
    req.socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return res.destroyed || req.socket.destroyed;
}

/** An HTTP server on loopback whose stop also cuts the connections still open (keep-alive ones included). */
export class LoopbackServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();

  async start(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
