// `npm start`, step 1 of 3 (then the build, then dist/scripts/start.js): scripts/start-preflight.ts,
// bundled in memory by esbuild and run at once, so its checks need no build. Plain JavaScript
// because nothing is compiled yet when it runs.
import { buildSync } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [bundle] = buildSync({
  entryPoints: [join(root, 'scripts', 'start-preflight.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'error',
  // scripts/root.ts finds the project from __dirname: give it the scripts folder's.
  define: { __dirname: JSON.stringify(join(root, 'scripts')) },
}).outputFiles;
await import(`data:text/javascript;base64,${Buffer.from(bundle.text).toString('base64')}`);
