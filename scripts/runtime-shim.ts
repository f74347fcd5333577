/**
 * Scripts that load the compiled library outside the Runtime (npm start's settings check, the
 * OpenAPI generator) give it the one global it looks itself up through: `Runtime.getFunctions()`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root: the nearest folder up with a package.json (from scripts/ or dist/scripts/). */
function findRoot(dir: string): string {
  return existsSync(join(dir, 'package.json')) || dirname(dir) === dir ? dir : findRoot(dirname(dir));
}

export const ROOT = findRoot(__dirname);
export const LIB = join(ROOT, 'dist', 'functions', 'lib');

/** `lib/<name>` → the compiled module's path, as the Runtime maps private functions. */
export function libFunctions(): Record<string, { path: string }> {
  const functions: Record<string, { path: string }> = {};
  for (const file of readdirSync(LIB)) {
    const m = /^(.*)\.private\.js$/.exec(file);
    if (m) functions[`lib/${m[1]}`] = { path: join(LIB, file) };
  }
  return functions;
}

/** Install the global `Runtime` with the library's modules, and return a loader for them. */
export function loadLib<T>(name: string): T {
  const functions = libFunctions();
  if (!('Runtime' in globalThis)) Object.assign(globalThis, { Runtime: { getFunctions: () => functions } });
  return require(functions[`lib/${name}`]!.path) as T;
}
