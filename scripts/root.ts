/** The project root: the nearest folder up with a package.json (from scripts/ or dist/scripts/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRoot(dir: string): string {
  return existsSync(join(dir, 'package.json')) || dirname(dir) === dir ? dir : findRoot(dirname(dir));
}

export const ROOT = findRoot(__dirname);
