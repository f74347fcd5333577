/**
 * A local stand-in for Twilio's Functions gateway, in front of twilio-run, so that what runs
 * here behaves like what runs deployed. Each rule lives in `rules.ts` with the Twilio page it
 * comes from; this file only applies them, in the platform's order:
 * header limits (431) → method (405) → preflight (answered here) → route (404 for private
 * and unknown paths) → body → signature of protected functions (400) → the function, within
 * 10 s (504). The proxying itself is undici's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import * as rules from './rules';
import { lookup, scanRoutes, type Route } from './routes';
import { validSignature } from './signature';

export interface GatewayOptions {
  /** Where twilio-run listens, e.g. `http://127.0.0.1:41234`. */
  upstream: string;
  functionsDir: string;
  assetsDir: string;
  /** The account's auth token: protected functions are checked with it. */
  authToken: string | undefined;
  /** The origin callers address and Twilio signs (deployed: `https://<domain>.twil.io`). Default: `https://` + the gateway's own host. */
  publicOrigin?: string;
  /** Default 127.0.0.1. Only loopback addresses are accepted. */
  host?: string;
  /** 0 for any free port. */
  port: number;
  /** Default 10 s, the platform's. */
  functionTimeoutMs?: number;
  /** Serve HTTPS with this certificate (the browser suite: a *.twil.io-like host); default plain HTTP. */
  tls?: { cert: string; key: string };
  /**
   * Paths served by this handler instead of the runtime, e.g. npm start's demo page under
   * /demo/ (never deployed). Only the sandbox uses it.
   */
  extra?: { prefix: string; handle: (req: IncomingMessage, res: ServerResponse) => void };
  /**
   * A modelled network round trip between the caller and the platform (`npm run bench:browser`):
   * every request waits this long before the gateway handles it. Default 0.
   */
  roundTripMs?: number;
}

/** A request the gateway received, as the tests look at them (method and URL, nothing else). */
export interface SeenRequest {
  method: string;
  url: string;
  /** For a request the runtime answered: how long it took, from forwarding to its last byte (ms). */
  runtimeMs?: number;
}

export interface Gateway {
  url: string;
  /** The `host:port` callers address (the functions' DOMAIN_NAME). */
  host: string;
  server: Server;
  /** The last 10,000 requests received (the browser suite counts preflights and checks URLs). */
  seen: SeenRequest[];
  close: () => Promise<void>;
}

/** The gateway's own answers: short JSON, never a page or a stack trace. */
function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  // An early answer leaves the body unread: drain it, so the connection stays usable.
  res.req.resume();
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ status, message });
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > rules.MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The request headers a function may see. */
function forwardedHeaders(rawHeaders: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    // The body is re-sent whole, so undici sets its length.
    if (rules.isRestrictedHeader(name) || name === 'content-length') continue;
    const seen = headers[name];
    const value = rawHeaders[i + 1]!;
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return headers;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/** Start the gateway; it resolves once it listens. Refuses to listen anywhere but loopback. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const listenHost = options.host ?? '127.0.0.1';
  if (!LOOPBACK.test(listenHost)) throw new Error(`the gateway listens on loopback only, not ${listenHost}`);
  const timeoutMs = options.functionTimeoutMs ?? rules.FUNCTION_TIMEOUT_MS;
  const agent = new Agent({ keepAliveTimeout: 4_000, connections: 128 });

  // Routes are re-read at most once a second, so a rebuild (npm start's watch) shows up.
  let routes: Map<string, Route> = new Map();
  let routesReadAt = 0;
  const currentRoutes = (): Map<string, Route> => {
    if (Date.now() - routesReadAt > 1_000) {
      routes = scanRoutes(options.functionsDir, options.assetsDir);
      routesReadAt = Date.now();
    }
    return routes;
  };

  let publicOrigin = options.publicOrigin ?? '';
  const seen: SeenRequest[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const entry: SeenRequest = { method: req.method ?? '', url: req.url ?? '' };
    seen.push(entry);
    if (seen.length > 10_000) seen.shift();
    if (options.roundTripMs) await new Promise((resolve) => setTimeout(resolve, options.roundTripMs));
    if (rules.headersTooLarge(req.rawHeaders)) return answer(res, 431, 'Request headers or cookies too long');
    const method = req.method ?? 'GET';
    if (!rules.ALLOWED_METHODS.includes(method)) {
      return answer(res, 405, `${method} is not supported`, { Allow: rules.ALLOWED_METHODS.join(', ') });
    }
    if (method === 'OPTIONS') {
      res.writeHead(rules.PREFLIGHT_STATUS, { ...rules.PREFLIGHT_HEADERS });
      res.end();
      return;
    }
    const originalUrl = req.url ?? '/';
    const path = new URL(originalUrl, 'http://gateway').pathname;
    if (options.extra !== undefined && path.startsWith(options.extra.prefix)) return options.extra.handle(req, res);
    const route = lookup(currentRoutes(), path);
    if (route === undefined) return answer(res, 404, 'Not Found');

    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, 'Request body too large');

    if (route.visibility === 'protected') {
      const signature = req.headers['x-twilio-signature'];
      const signed = validSignature(options.authToken, {
        publicOrigin,
        originalUrl,
        contentType: req.headers['content-type'],
        body,
        signature: Array.isArray(signature) ? signature[0] : signature,
      });
      if (!signed) return answer(res, 400, 'Invalid or missing X-Twilio-Signature');
    }

    const abort = AbortSignal.timeout(timeoutMs);
    const forwardedAt = performance.now();
    try {
      const upstream = await request(`${options.upstream}${originalUrl}`, {
        method: method as 'GET' | 'POST',
        headers: forwardedHeaders(req.rawHeaders),
        body: method === 'POST' ? body : undefined,
        dispatcher: agent,
        signal: abort,
      });
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !rules.isHopByHopResponseHeader(name)) headers[name] = value;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of upstream.body) chunks.push(chunk as Buffer);
      const payload = Buffer.concat(chunks);
      entry.runtimeMs = performance.now() - forwardedAt;
      headers['content-length'] = String(payload.length);
      res.writeHead(upstream.statusCode, headers);
      res.end(payload);
    } catch {
      // Deployed, a function that does not answer in time gets the platform's 504; a runtime
      // that is down (a restart in npm start) is the platform failing, a 502.
      if (abort.aborted) return answer(res, 504, 'Gateway Time-out: the function did not answer within its time limit');
      return answer(res, 502, 'Bad Gateway: the function runtime did not answer');
    }
  }

  // Headers up to 64 KiB reach our own 15 kB check (Node's default limit would answer first).
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => answer(res, 502, 'Bad Gateway'));
  };
  const server: Server =
    options.tls === undefined
      ? createServer({ maxHeaderSize: 64 * 1024 }, onRequest)
      : createTlsServer({ maxHeaderSize: 64 * 1024, cert: options.tls.cert, key: options.tls.key }, onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `${listenHost.includes(':') ? `[${listenHost}]` : listenHost}:${port}`;
  if (publicOrigin === '') publicOrigin = `https://${host}`;
  return {
    url: `${options.tls === undefined ? 'http' : 'https'}://${host}`,
    host,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          void agent.close().finally(resolve);
        });
      }),
  };
}
