/**
 * `npm start`'s first step, before the build (run by scripts/preflight.mjs): ENV_FILE, PORT,
 * the settings and the port, each problem one line, so a bad setting or a busy port is said in
 * well under a second instead of after a build. scripts/start.ts checks the same again.
 */
import { DEMO } from '../sandbox/demo-data';
import { checkPort, checkStartSettings, readStartOptions, StartProblem } from './start-checks';
import { ROOT } from './root';

async function main(): Promise<void> {
  const options = readStartOptions(process.env, ROOT);
  checkStartSettings(options, DEMO);
  await checkPort(options.port);
}

main().catch((err: unknown) => {
  process.stdout.write(err instanceof StartProblem ? `${err.message}\n` : `npm start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
