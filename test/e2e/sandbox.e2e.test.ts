/**
 * `npm start` with no credentials: the sandbox banner, and the printed curl commands work
 * as printed when pasted into a shell.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ROOT } from '../support/processes';

jest.setTimeout(60_000);

const run = promisify(execFile);

it('prints the sandbox banner and curl commands that work as printed', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'scripts', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, ENV_FILE: join(ROOT, 'test', 'fixtures', 'no-such.env'), PORT: String(port), NO_WATCH: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  try {
    const until = Date.now() + 30_000;
    while (!output.includes(`http://localhost:${port}/close-channel\n`) || !output.includes('Functions')) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output).toContain('OFFLINE SANDBOX');
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

    // The close shows on the next fetch.
    const again = JSON.parse((await run('bash', ['-c', commands[0]!])).stdout);
    expect(again.channel.status).toBe('closed');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // gone
    }
  }
});

it('with a bad setting in .env, says which key is wrong and how to fix it, and stops', () => {
  const envFile = join(mkdtempSync(join(tmpdir(), 'fic-badenv-')), '.env');
  writeFileSync(envFile, `ACCOUNT_SID=AC123\nAUTH_TOKEN=${'a'.repeat(32)}\n`);
  let output = '';
  try {
    execFileSync(process.execPath, [join(ROOT, 'dist', 'scripts', 'start.js')], {
      cwd: ROOT,
      env: { ...process.env, ENV_FILE: envFile, NO_WATCH: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
  } catch (err) {
    output = String((err as { stdout?: string }).stdout);
    expect((err as { status?: number }).status).toBe(1);
  }
  expect(output).toContain('ACCOUNT_SID must look like AC followed by 32 hex digits');
  expect(output).toContain(envFile);
  expect(output).toContain('.env.example');
  expect(output).not.toContain('a'.repeat(32));
});
