/** End-to-end suites run against the build output (dist/, assets/openapi.json): build it once, first. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT as root } from '../../scripts/runtime-shim';

export default async function globalSetup(): Promise<void> {
  const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json']);
  run([join(root, 'dist', 'scripts', 'openapi.js')]);
}
