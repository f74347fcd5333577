/**
 * The Flex plugin client as a plugin imports it: one ES module with no dependencies
 * (dist/client/flex-interaction-channels.mjs, by esbuild), beside its types
 * (dist/client/flex-interaction-channels.d.ts, by tsc -p tsconfig.client.json).
 *
 * The types are also written as flex-interaction-channels.d.mts: TypeScript looks up the
 * declarations of `./flex-interaction-channels.mjs` in a `.d.mts` of the same name, and under
 * `strict` an import of the .mjs without one fails (TS7016). The .mjs is one bundle, so its
 * .d.mts is one file too: the declarations of client/types.ts and client/park-types.ts, then the client's, without the
 * imports between them (a plugin copies two files, the .mjs and the .d.mts, and nothing else).
 */
import { buildSync } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './root';

const OUT = join(ROOT, 'dist', 'client');

buildSync({
  entryPoints: [join(ROOT, 'client', 'flex-interaction-channels.ts')],
  outfile: join(OUT, 'flex-interaction-channels.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});
const fromTypes = /^(?:import|export)\b[^;]*?from '\.\/(?:park-)?types';\n/gms;
const types = ['types.d.ts', 'park-types.d.ts'].map((file) => readFileSync(join(OUT, file), 'utf8')).join('\n');
const client = readFileSync(join(OUT, 'flex-interaction-channels.d.ts'), 'utf8').replace(fromTypes, '');
if (/from '\.\//.test(types + client)) throw new Error('the client declarations import another module: the .d.mts would not stand alone');
writeFileSync(join(OUT, 'flex-interaction-channels.d.mts'), `${types}\n${client}`);
