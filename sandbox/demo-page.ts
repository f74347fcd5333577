/**
 * The sandbox's demo page, served by npm start under /demo/ beside the functions (never
 * deployed: it is not in functions/ or assets/). A developer picks a demo interaction, sees its
 * channels and closes one as the demo agent or supervisor, through the real client, or
 * transfers one to the second demo agent, who accepts or declines (sandbox/demo-transfer.ts,
 * given the fake of Twilio), or parks it, writes as the customer (sandbox/demo-park.ts) and
 * sees the resumed task offered to the demo agent again.
 */
import type { FakeTwilio } from './fake-twilio';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ROOT } from '../scripts/root';
import { DEMO } from './demo';
import { customerMessage } from './demo-park';
import { offer } from './demo-transfer';

const FILES: Record<string, { file: string; type: string }> = {
  '/demo/': { file: join(ROOT, 'sandbox', 'demo-page', 'index.html'), type: 'text/html; charset=utf-8' },
  '/demo/demo.js': { file: join(ROOT, 'sandbox', 'demo-page', 'demo.js'), type: 'text/javascript; charset=utf-8' },
  '/demo/demo-park.js': { file: join(ROOT, 'sandbox', 'demo-page', 'demo-park.js'), type: 'text/javascript; charset=utf-8' },
  '/demo/client.mjs': { file: join(ROOT, 'dist', 'client', 'flex-interaction-channels.mjs'), type: 'text/javascript; charset=utf-8' },
};

export const DEMO_PATH = '/demo/';

export function demoPage(fake?: FakeTwilio): { prefix: string; handle: (req: IncomingMessage, res: ServerResponse) => void } {
  return {
    prefix: '/demo',
    handle: (req, res) => {
      const path = new URL(req.url ?? '/', 'http://demo').pathname;
      if (path === '/demo') {
        res.writeHead(301, { Location: DEMO_PATH }).end();
        return;
      }
      if (path === '/demo/config.json') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(
          JSON.stringify({
            interactions: DEMO.interactions,
            tokens: { agent: DEMO.agentToken, supervisor: DEMO.supervisorToken, agent2: DEMO.secondAgentToken },
            secondAgentWorkerSid: DEMO.secondAgentWorkerSid,
            transfers: fake !== undefined,
            parking: fake !== undefined,
          }),
        );
        return;
      }
      if (path === '/demo/sandbox/offer' && fake !== undefined) {
        void offer(fake, req, res);
        return;
      }
      if (path === '/demo/sandbox/customer-message' && fake !== undefined) {
        void customerMessage(fake, req, res);
        return;
      }
      const entry = FILES[path];
      if (entry === undefined) {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"status":404,"message":"Not Found"}');
        return;
      }
      res.writeHead(200, { 'Content-Type': entry.type, 'Cache-Control': 'no-store' });
      res.end(readFileSync(entry.file));
    },
  };
}
