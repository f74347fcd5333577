/**
 * The Flex plugin client as a plugin imports it: one ES module with no dependencies
 * (dist/client/flex-interaction-channels.mjs, by esbuild), beside its types
 * (dist/client/flex-interaction-channels.d.ts, by tsc -p tsconfig.client.json).
 */
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { ROOT } from './root';

buildSync({
  entryPoints: [join(ROOT, 'client', 'flex-interaction-channels.ts')],
  outfile: join(ROOT, 'dist', 'client', 'flex-interaction-channels.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
});
