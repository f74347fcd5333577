/** What the deploy reads of the project: the toolkit's settings file and package.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../scripts/root';

export interface ServerlessRc {
  functionsFolder: string;
  assetsFolder: string;
  runtime: string;
  serviceName: string;
}

/** `.twilioserverlessrc` (JSON with `//` comment lines), read by the toolkit and by us. */
export function readServerlessRc(root = ROOT): ServerlessRc {
  const text = readFileSync(join(root, '.twilioserverlessrc'), 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n');
  return JSON.parse(text) as ServerlessRc;
}

/** Dependencies given as anything but an exact version (1.2.3). */
export function rangedDependencies(dependencies: Record<string, string>): string[] {
  return Object.entries(dependencies)
    .filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version))
    .map(([name, version]) => `${name}@${version}`);
}
