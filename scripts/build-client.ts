/**
 * The Flex plugin client as a plugin imports it: one ES module with no dependencies
 * (dist/client/flex-interaction-channels.mjs, by esbuild), beside its types
 * (dist/client/flex-interaction-channels.d.ts, by tsc -p tsconfig.client.json).
 *
 * The types are also written as flex-interaction-channels.d.mts: TypeScript looks up the
 * declarations of `./flex-interaction-channels.mjs` in a `.d.mts` of the same name, and under
 * `strict` an import of the .mjs without one fails (TS7016). The client imports nothing, so
 * the same declarations serve both.
 */
import { buildSync } from 'esbuild';
import { copyFileSync } from 'node:fs';
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
copyFileSync(join(OUT, 'flex-interaction-channels.d.ts'), join(OUT, 'flex-interaction-channels.d.mts'));
