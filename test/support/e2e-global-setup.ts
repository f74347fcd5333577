/** End-to-end suites run against the build output (dist/, assets/openapi.json): build it once, first, as npm run build does. */
import { execFileSync } from 'node:child_process';
import { ROOT as root } from '../../scripts/root';

export default async function globalSetup(): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}
