/**
 * `npm start` stopped the ways a developer stops it (Ctrl-C, a signal to npm, npm killed):
 * nothing it started is left running.
 */
import { rmSync } from 'node:fs';
import { freePort } from '../support/processes';
import { alive, descendants, killGroup, launch, scratchDir, until, writeEnvFile } from '../support/start';

jest.setTimeout(90_000);

let scratch: string;
beforeEach(() => {
  scratch = scratchDir();
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const envFile = (text: string) => writeEnvFile(scratch, text);

it.each([
  ['SIGTERM', 'SIGTERM' as const],
  ['SIGINT', 'SIGINT' as const],
  ['SIGKILL (npm gone without a word: what it started notices)', 'SIGKILL' as const],
])('%s to the npm process itself leaves no process behind', async (_name, signal) => {
  const port = await freePort();
  const npm = launch('npm', ['run', '--silent', 'serve'], { ENV_FILE: envFile('\n'), PORT: String(port) });
  try {
    await until('npm run serve', npm, (o) => o.includes('Serving at'));
    const tree = descendants(npm.child.pid!);
    expect(tree.length).toBeGreaterThanOrEqual(2); // node (the gateway), twilio-run
    process.kill(npm.child.pid!, signal);
    const deadline = Date.now() + 10_000;
    while (tree.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(tree.filter(alive)).toEqual([]);
  } finally {
    killGroup(npm.child);
  }
});
