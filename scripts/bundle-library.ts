/**
 * Bundles the library (src/library.ts and what it imports) into one private function,
 * dist/functions/library.private.js, the module every entry point loads through
 * `Runtime.getFunctions()['library']`. Run by `npm run build`, after tsc.
 *
 * Why one bundle (measured, README "Performance"): a container loads one file instead of about
 * twenty, each an own lookup, read and compile; zod comes in tree-shaken (only the parts of
 * `zod/mini` the schemas use, instead of all of zod); and the modules reach each other by
 * ordinary imports, which the type checker and any editor follow. `twilio` stays external: the
 * Runtime has it already, and the library loads its parts lazily. The output is not minified,
 * so a stack trace names our functions; its source map (dist/maps, not deployed) maps lines back
 * to src/ for `node --enable-source-maps`.
 *
 * The benchmark's baseline function is bundled the same way, so it shares our transport without
 * loading the library.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { ROOT } from './root';

const zod = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'zod', 'package.json'), 'utf8')) as { version: string }).version;

const common: BuildOptions = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['twilio', 'twilio/*'],
  legalComments: 'none',
  logLevel: 'warning',
};

/** Build the library bundle (and the benchmark's baseline) into `dist`. */
export function bundleLibrary(dist = join(ROOT, 'dist')): void {
  const outfile = join(dist, 'functions', 'library.private.js');
  const map = join(dist, 'maps', `${basename(outfile)}.map`);
  const { outputFiles } = buildSync({
    ...common,
    entryPoints: [join(ROOT, 'src', 'library.ts')],
    outfile,
    write: false,
    sourcemap: 'external',
    banner: {
      js: `// flex-interaction-channels' library (src/), bundled by scripts/bundle-library.ts; includes parts of zod ${zod} (MIT, https://github.com/colinhacks/zod).`,
    },
  });
  // The map goes beside dist/functions, not in it: the toolkit would deploy anything there.
  for (const file of outputFiles) {
    const target = file.path.endsWith('.map') ? map : outfile;
    mkdirSync(dirname(target), { recursive: true });
    const suffix = target === outfile ? `\n//# sourceMappingURL=${relative(dirname(outfile), map)}\n` : '';
    writeFileSync(target, file.text + suffix);
  }
  buildSync({
    ...common,
    entryPoints: [join(ROOT, 'bench', 'functions', 'baseline.private.ts')],
    outfile: join(dist, 'bench', 'functions', 'baseline.private.js'),
  });
}

if (require.main === module) bundleLibrary();
