/**
 * A load run where every request is a different one (`loadEach` in load.ts starts this in its
 * own process): autocannon, `amount` requests at `connections` at a time, each built by
 * `setupRequest` from the next of the listed requests. For state-changing functions (a park
 * parks a channel once) every request names a fresh channel seeded before the run.
 *
 * autocannon builds a connection's next request when the previous answer arrives, and one more
 * per connection at the start, so the list holds `amount + connections` requests.
 *
 * Usage: node sequence.js <file.json>, the file `{ url, connections, amount, requests: [{ method, path, headers, body }] }`.
 */
import { readFileSync } from 'node:fs';

type Listed = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };
const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { url: string; connections: number; amount: number; requests: Listed[] };

const autocannon = require('autocannon') as (opts: object, done: (err: unknown, result: unknown) => void) => void;
let next = 0;
/** The first few answers that were not 2xx, for the report to name. */
const failures: string[] = [];
autocannon(
  {
    url: spec.url,
    connections: spec.connections,
    amount: spec.amount,
    requests: [
      {
        setupRequest: (req: object) => {
          const listed = spec.requests[next++];
          if (listed === undefined) throw new Error(`sequence: more than the ${spec.requests.length} listed requests were built`);
          return { ...req, ...listed };
        },
        onResponse: (status: number, body: string) => {
          if ((status < 200 || status > 299) && failures.length < 3) failures.push(`${status} ${body.slice(0, 300)}`);
        },
      },
    ],
  },
  (err, result) => {
    if (err) {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    }
    process.stdout.write(JSON.stringify({ ...(result as object), failures }));
  },
);
