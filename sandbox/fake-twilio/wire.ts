/** The fake's HTTP plumbing: reading a body and Basic auth, and playing an injected fault. */
import type { IncomingMessage, ServerResponse } from 'node:http';
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
