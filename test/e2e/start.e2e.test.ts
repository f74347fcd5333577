/**
 * `npm start` as a developer meets it: the sandbox banner and its curl commands, the gateway
 * in front, what it says when a setting or the port is wrong, and that it leaves nothing
 * behind (no process, no file holding a credential) once stopped.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSeededFake } from '../support/fake';
import { freePort, ROOT } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(90_000);

const run = promisify(execFile);
const START = join(ROOT, 'dist', 'scripts', 'start.js');

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'fic-start-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function envFile(text: string): string {
  const file = join(scratch, 'settings.env');
  writeFileSync(file, text);
  return file;
}

interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Start `command` with `env` in its own process group, collecting what it prints. */
function launch(command: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NO_WATCH: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

async function until(what: string, started: Started, ready: (output: string) => boolean): Promise<void> {
  const deadline = Date.now() + 40_000;
  while (!ready(started.output())) {
    if (Date.now() > deadline || started.child.exitCode !== null) throw new Error(`${what} did not happen:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every process below `pid`, as `ps` sees them now. */
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // gone
  }
}

it('sandbox: the banner names only the public endpoints, and its curl commands work as printed, through the gateway', async () => {
  const port = await freePort();
  const started = launch(process.execPath, [START], { ENV_FILE: envFile('# nothing set\n'), PORT: String(port) });
  try {
    await until('the sandbox banner', started, (o) => o.includes('Serving at'));
    const output = started.output();
    expect(output).toContain('OFFLINE SANDBOX');
    const endpoints = output
      .split('\n')
      .filter((l) => l.startsWith(`   http://127.0.0.1:${port}/`))
      .map((l) => l.trim());
    expect(endpoints).toEqual(['get-channel', 'list-channels', 'close-channel', 'openapi.json'].map((p) => `http://127.0.0.1:${port}/${p}`));
    expect(output).not.toMatch(/\/lib\//);

    const commands = output.split('\n').filter((l) => l.startsWith('curl '));
    expect(commands).toHaveLength(4);
    const first = JSON.parse((await run('bash', ['-c', commands[0]!])).stdout);
    expect(first.channel).toMatchObject({ sid: `UO${'1'.repeat(32)}`, status: 'active' });
    const list = JSON.parse((await run('bash', ['-c', commands[1]!])).stdout);
    expect(list.count).toBe(2);
    const close = JSON.parse((await run('bash', ['-c', commands[2]!])).stdout);
    expect(close).toMatchObject({ channel: { status: 'closed' }, taskStatus: 'completed' });
    const studio = JSON.parse((await run('bash', ['-c', commands[3]!])).stdout);
    expect(studio).toMatchObject({ channel: { status: 'closed' }, taskStatus: 'wrapping' });
    const again = JSON.parse((await run('bash', ['-c', commands[0]!])).stdout);
    expect(again.channel.status).toBe('closed');

    // The gateway is in front: the platform's preflight, no private module, no Host for functions.
    const preflight = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'OPTIONS', `http://127.0.0.1:${port}/get-channel`]);
    expect(preflight.stdout).toBe('204');
    const lib = await run('curl', ['-s', '-w', ' %{http_code}', `http://127.0.0.1:${port}/lib/config`]);
    expect(lib.stdout).toBe('{"status":404,"message":"Not Found"} 404');
    const many = Array.from({ length: 91 }, (_, i) => ['-H', `X-H${i}: v`]).flat();
    const tooMany = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', ...many, `http://127.0.0.1:${port}/openapi.json`]);
    expect(tooMany.stdout).toBe('431');
    // The demo page is served beside the functions.
    expect(output).toContain(`http://127.0.0.1:${port}/demo/`);
    const demo = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{content_type}', `http://127.0.0.1:${port}/demo/`]);
    expect(demo.stdout).toBe('200 text/html; charset=utf-8');
    const ss = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(`:${port} `));
    expect(ss.length).toBeGreaterThan(0);
    for (const l of ss) expect(l).toContain(`127.0.0.1:${port} `);
  } finally {
    killGroup(started.child);
  }
});

it('with a real account: says so, prints an example request without the secret, and leaves no file holding the auth token', async () => {
  const s = await startSeededFake();
  const port = await freePort();
  const env = envFile(
    `ACCOUNT_SID=${f.ACCOUNT_SID}\nAUTH_TOKEN=${f.AUTH_TOKEN}\nTWILIO_API_BASE_URL=${s.baseUrl}\nTWILIO_IAM_BASE_URL=${s.baseUrl}\n`,
  );
  const tmp = mkdtempSync(join(scratch, 'tmp-'));
  const started = launch(process.execPath, [START], { ENV_FILE: env, PORT: String(port), TMPDIR: tmp });
  try {
    await until('the account banner', started, (o) => o.includes('Serving at'));
    expect(started.output()).toContain(`Using your Twilio account ${f.ACCOUNT_SID}`);
    expect(started.output()).toContain(`curl -s -u "$ACCOUNT_SID:$AUTH_TOKEN" "http://127.0.0.1:${port}/list-channels?interactionSid=KD..."`);
    const r = await fetch(`http://127.0.0.1:${port}/list-channels?interactionSid=${s.interactionSid}`, {
      headers: { Authorization: f.basic(f.ACCOUNT_SID, f.AUTH_TOKEN) },
    });
    expect(r.status).toBe(200);
  } finally {
    started.child.kill('SIGTERM');
    await new Promise((r) => started.child.once('exit', r));
    await s.fake.stop();
  }
  expect(started.output()).not.toContain(f.AUTH_TOKEN);
  // Nothing under the temp folder it was given, nor anywhere in the project, holds the token.
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
  expect(files(tmp)).toEqual([]);
  const projectFiles = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '--cached', '--', '.', ':!node_modules'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  for (const file of projectFiles) {
    try {
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toContain(f.AUTH_TOKEN);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
    }
  }
});

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

it('a busy port is a one-line error, never a prompt', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  try {
    const started = launch(process.execPath, [START], { ENV_FILE: envFile('\n'), PORT: String(port) });
    const code = await new Promise<number | null>((r) => started.child.once('exit', r));
    expect(code).toBe(1);
    expect(started.output()).toContain(`Cannot start: port ${port} is in use. Stop what uses it, or pick another: PORT=${port + 1} npm start`);
    expect(started.output()).not.toMatch(/\?\s*$/);
  } finally {
    busy.close();
  }
});

describe('settings that cannot work stop it, naming the key', () => {
  function startWith(env: Record<string, string>): { code: number; output: string } {
    try {
      const output = execFileSync(process.execPath, [START], {
        cwd: ROOT,
        env: { ...process.env, NO_WATCH: '1', ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { code: 0, output };
    } catch (err) {
      return { code: (err as { status: number }).status, output: String((err as { stdout?: string }).stdout) };
    }
  }

  it('a malformed ACCOUNT_SID', () => {
    const file = envFile(`ACCOUNT_SID=AC123\nAUTH_TOKEN=${'a'.repeat(32)}\n`);
    const { code, output } = startWith({ ENV_FILE: file });
    expect(code).toBe(1);
    expect(output).toContain('ACCOUNT_SID must look like AC followed by 32 hex digits');
    expect(output).toContain(file);
    expect(output).toContain('.env.example');
    expect(output).not.toContain('a'.repeat(32));
  });

  it('a malformed ACCOUNT_SID alone is reported as that, not as a missing token, and no sandbox starts', () => {
    const { code, output } = startWith({ ENV_FILE: envFile('ACCOUNT_SID=AC123\n') });
    expect(code).toBe(1);
    expect(output).toContain('ACCOUNT_SID must look like AC followed by 32 hex digits');
    expect(output).not.toContain('OFFLINE SANDBOX');
    expect(output).not.toContain('only one of');
  });

  it('ENV_FILE pointing at a missing file', () => {
    const missing = join(scratch, 'no-such.env');
    const { code, output } = startWith({ ENV_FILE: missing });
    expect(code).toBe(1);
    expect(output).toContain(`ENV_FILE is ${missing}, and there is no such file`);
    expect(output).not.toContain('OFFLINE SANDBOX');
  });

  it('ALLOWED_ORIGINS=* in the sandbox', () => {
    const { code, output } = startWith({ ENV_FILE: envFile('ALLOWED_ORIGINS=*\n') });
    expect(code).toBe(1);
    expect(output).toContain('ALLOWED_ORIGINS');
  });
});
