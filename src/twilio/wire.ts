/**
 * One try of one call on the wire, under the transport (twilio/transport): the container's pools
 * of kept-alive connections (Node's `http` and `https`), the try with its own timer, how a try
 * failed, and a signal for work that should wait until a call has been sent (afterNextSend).
 */
const http = require('node:http') as typeof import('node:http');
const https = require('node:https') as typeof import('node:https');

/** What the `twilio` helper expects back. */
export interface TransportResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

/** The system error code behind a failed call (ECONNREFUSED, ECONNRESET, …), if any. */
function causeCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True for errors that mean the connection could not even be opened: nothing was sent. */
function sentNothing(err: unknown): boolean {
  const code = causeCode(err);
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
}

/**
 * How long a kept-alive connection may sit idle before we close it ourselves. A server or load
 * balancer that closes an idle connection first can make the next call on it fail with a reset,
 * which a change could not safely retry. Twilio does not document its idle timeout; 4 s (the
 * default of Node's own fetch) is below every common load-balancer default, so being wrong about
 * it costs a new connection, never a failed change.
 */
export const IDLE_SOCKET_MS = 4000;

/**
 * One pool of kept-alive connections per scheme for the whole container (Node's `http` and
 * `https` modules: measured lighter than `fetch` to load, and to run under load; see
 * BENCHMARKS.md). The `timeout` applies to idle sockets; each call has its own timer below.
 */
const schemes = {
  http: { module: http, agent: new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) },
  https: { module: https, agent: new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) },
};

/** Response headers as one string per name (repeated headers joined, as fetch does). */
function flatHeaders(headers: import('node:http').IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

export type Attempt = { kind: 'answer'; response: TransportResponse } | import('./retry').Outcome;

/** What waits for the next call to be on the wire (twilio/client loadSoon). */
let waitingForSend: Array<() => void> = [];

/**
 * Run `fn` once the next call to Twilio (any transport's) has been handed whole to the
 * connection: its request written (after any connect and TLS handshake), its answer not yet
 * come. Work that blocks the event loop is best done then: before it, the blocking would hold
 * the call itself back (a new connection needs the loop to connect and to write).
 */
export function afterNextSend(fn: () => void): void {
  waitingForSend.push(fn);
}

function sent(): void {
  const waiting = waitingForSend;
  waitingForSend = [];
  for (const fn of waiting) fn();
}

/** One try: Twilio's whole answer, or how the try failed (a timeout, or the connection). */
export function attemptOnce(url: URL, init: { method: string; headers: Record<string, string>; body?: string }, timeoutMs: number): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const settle = (result: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const headers = init.body === undefined ? init.headers : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) };
    // Plain http only ever reaches loopback: lib/config refuses any other http base URL.
    const scheme = url.protocol === 'https:' ? schemes.https : schemes.http;
    const req = scheme.module.request(url, { method: init.method, headers, agent: scheme.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        settle({
          kind: 'answer',
          response: { statusCode: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: flatHeaders(res.headers) },
        });
      });
      // 'close' comes after 'end' for a whole answer (settled already, so this does nothing);
      // without 'end', the body broke off (a reset mid-answer) and nothing usable came back.
      res.on('close', () => settle({ kind: 'network', sentNothing: false, cause: 'answer broke off' }));
      res.on('error', () => undefined);
    });
    // The call's own clock, from before the connection opens to the last byte of the answer.
    const timer = setTimeout(() => {
      settle({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => settle({ kind: 'network', sentNothing: sentNothing(err), cause: causeCode(err) ?? 'connection failed' }));
    if (waitingForSend.length > 0) req.once('finish', sent);
    req.end(init.body);
  });
}
