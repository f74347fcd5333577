/**
 * Replaces the compiled lib/zod (a plain re-export of `zod/mini`, which would load all of zod)
 * with an esbuild bundle of exactly the names that module exports, tree-shaken. The library's
 * cold start then compiles about 25 KB of zod instead of all of it (see functions/lib/zod.private.ts
 * and BENCHMARKS.md). Run by `npm run build`, after tsc.
 */
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './runtime-shim';

const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'zod', 'package.json'), 'utf8')) as { version: string };

buildSync({
  entryPoints: [join(ROOT, 'functions', 'lib', 'zod.private.ts')],
  outfile: join(ROOT, 'dist', 'functions', 'lib', 'zod.private.js'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  banner: { js: `// zod ${version} (MIT, https://github.com/colinhacks/zod), the parts functions/lib/zod.private.ts names, bundled by scripts/bundle-zod.ts.` },
  logLevel: 'warning',
});
