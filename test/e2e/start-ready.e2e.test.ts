/**
 * `npm start` with the rebuild on change, as a developer runs it: ready when it says "Serving
 * at" (the first requests answer within 2 s, a cold start on every request included, while the
 * watcher's first pass type-checks the project), no readiness probe in its output, and a change
 * to src/ reaches the functions. It runs in a copy of the project, because the watcher writes
 * to dist/, which the other suites are serving.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, ROOT } from '../support/processes';
import { killGroup, launch, until, type Started } from '../support/start';
import { DEMO } from '../../sandbox/demo';

jest.setTimeout(120_000);

let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'fic-start-ready-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && !file.startsWith('.ci/') && !file.startsWith('examples/'));
  for (const file of files) {
    try {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err; // deleted in the working tree
    }
  }
  cpSync(join(ROOT, 'dist'), join(copy, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'assets'), join(copy, 'assets'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

async function serve(args: string[]): Promise<{ started: Started; url: string }> {
  const port = await freePort();
  const started = launch(
    process.execPath,
    [join(copy, 'dist', 'scripts', 'start.js'), ...args],
    { NO_WATCH: undefined, ENV_FILE: '/dev/null', PORT: String(port) },
    copy,
  );
  await until('Serving at', started, (o) => o.includes('Serving at'), 60_000);
  return { started, url: `http://127.0.0.1:${port}` };
}

/** How long a request takes, and its answer. */
async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number; body: string }> {
  const t0 = Date.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body = await response.text();
  return { ms: Date.now() - t0, status: response.status, body };
}

const asAgent = (): RequestInit => ({
  method: 'POST',
  body: new URLSearchParams({
    interactionSid: DEMO.interactions[0].interactionSid,
    channelSid: DEMO.interactions[0].channels[0].sid,
    Token: DEMO.agentToken,
  }),
});

it('--cold: the first requests after "Serving at" answer within 2 s, and no probe shows in the output', async () => {
  const { started, url } = await serve(['--cold']);
  try {
    const first = await timed(`${url}/openapi.json`);
    expect(first.status).toBe(200);
    expect(first.ms).toBeLessThan(2000);
    const call = await timed(`${url}/get-channel`, asAgent());
    expect(call.status).toBe(200);
    expect(call.ms).toBeLessThan(2000);
    expect(started.output()).not.toContain('__runtime-ready');
    expect(started.output()).not.toMatch(/^404 /m);
  } finally {
    killGroup(started.child);
  }
});

it('a change to src/ is rebuilt into the library the functions load, without a probe line', async () => {
  const { started, url } = await serve([]);
  const errorsFile = join(copy, 'src', 'edge', 'errors.ts');
  const original = readFileSync(errorsFile, 'utf8');
  try {
    const before = await timed(`${url}/close-channel`);
    expect(before.ms).toBeLessThan(2000);
    expect(JSON.parse(before.body).error.message).toBe('this endpoint accepts POST only');
    // The watcher's first pass (a type check of the whole project) ends before a change counts.
    await until('the watcher', started, (o) => o.includes('Watching the sources'), 90_000);
    writeFileSync(errorsFile, original.replace('`this endpoint accepts ${allowed', '`this endpoint takes ${allowed'));
    await until('the rebuild', started, (o) => o.includes('Rebuilt: the runtime was replaced with the new code.'), 90_000);
    const after = await timed(`${url}/close-channel`);
    expect(JSON.parse(after.body).error.message).toBe('this endpoint takes POST only');
    expect(started.output()).not.toContain('__runtime-ready');
  } finally {
    killGroup(started.child);
    writeFileSync(errorsFile, original);
  }
});
