/**
 * A small stateful stand-in of Twilio's Studio v2 Flows API (list, create, update, validate),
 * over plain HTTP on loopback, for the `npm run studio` test. Prism proxies to it with Twilio's
 * own OpenAPI description, so every request and answer is checked against that contract.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlowState {
  sid: string;
  friendly_name: string;
  status: string;
  definition: unknown;
  revision: number;
}

export class FakeStudio {
  readonly flows: FlowState[] = [];
  readonly calls: Array<{ method: string; path: string; form: Record<string, string> }> = [];
  private server?: Server;
  private counter = 0;

  constructor(private readonly credentials: { username: string; password: string }) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private json(flow: FlowState): object {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      sid: flow.sid,
      account_sid: `AC${'0'.repeat(32)}`,
      friendly_name: flow.friendly_name,
      definition: flow.definition,
      status: flow.status,
      revision: flow.revision,
      commit_message: null,
      valid: true,
      errors: [],
      warnings: [],
      date_created: now,
      date_updated: now,
      webhook_url: `https://webhooks.twilio.com/v1/Accounts/AC${'0'.repeat(32)}/Flows/${flow.sid}`,
      url: `https://studio.twilio.com/v2/Flows/${flow.sid}`,
      links: { revisions: `https://studio.twilio.com/v2/Flows/${flow.sid}/Revisions` },
    };
  }

  private send(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    this.calls.push({ method: req.method ?? 'GET', path, form });
    const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected)
      return this.send(res, 401, { code: 20003, message: 'Authenticate', status: 401, more_info: 'https://www.twilio.com/docs/errors/20003' });

    if (path === '/v2/Flows' && req.method === 'GET') {
      return this.send(res, 200, {
        flows: this.flows.map((f) => this.json(f)),
        meta: {
          first_page_url: 'https://studio.twilio.com/v2/Flows?PageSize=50&Page=0',
          key: 'flows',
          next_page_url: null,
          page: 0,
          page_size: 50,
          previous_page_url: null,
          url: 'https://studio.twilio.com/v2/Flows?PageSize=50&Page=0',
        },
      });
    }
    if (path === '/v2/Flows/Validate' && req.method === 'POST') return this.send(res, 200, { valid: true });
    if (path === '/v2/Flows' && req.method === 'POST') {
      const flow: FlowState = {
        sid: `FW${(++this.counter).toString(16).padStart(32, '0')}`,
        friendly_name: form.FriendlyName ?? '',
        status: form.Status ?? 'draft',
        definition: JSON.parse(form.Definition ?? '{}'),
        revision: 1,
      };
      this.flows.push(flow);
      return this.send(res, 201, this.json(flow));
    }
    const match = /^\/v2\/Flows\/(FW[0-9a-f]{32})$/.exec(path);
    const flow = match ? this.flows.find((f) => f.sid === match[1]) : undefined;
    if (flow && req.method === 'POST') {
      if (form.Definition !== undefined) flow.definition = JSON.parse(form.Definition);
      if (form.Status !== undefined) flow.status = form.Status;
      flow.revision++;
      return this.send(res, 200, this.json(flow));
    }
    return this.send(res, 404, { code: 20404, message: 'not found', status: 404, more_info: 'https://www.twilio.com/docs/errors/20404' });
  }
}
