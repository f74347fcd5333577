/**
 * `npm start` as a developer meets it: the sandbox banner and its curl commands (each labelled,
 * each answer ending with a newline) through the gateway in front, and the real-account banner,
 * which prints no secret and leaves no file holding one.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSeededFake } from '../support/fake';
import { freePort, ROOT } from '../support/processes';
import { killGroup, launch, scratchDir, START, until, writeEnvFile } from '../support/start';
import * as f from '../support/fixtures';

jest.setTimeout(90_000);

const run = promisify(execFile);

let scratch: string;
beforeEach(() => {
  scratch = scratchDir();
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const envFile = (text: string) => writeEnvFile(scratch, text);

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

    // The demo agent's channels, all of them.
    expect(output).toMatch(
      new RegExp(
        `worker WK${'a'.repeat(32)}, on 2 channels:\n +UO${'1'.repeat(32)} \\(chat, in KD${'1'.repeat(32)}\\)\n +UO${'2'.repeat(32)} \\(sms, in KD${'2'.repeat(32)}\\)\n`,
      ),
    );

    // Each curl says what it does on the line above.
    const lines = output.split('\n');
    const commands = lines.filter((l) => l.startsWith('curl '));
    expect(commands).toHaveLength(4);
    expect(commands.map((c) => lines[lines.indexOf(c) - 1])).toEqual([
      '# get a channel as the demo agent',
      "# list an interaction's channels as the demo agent",
      "# close the demo agent's channel as the agent, its task completed",
      '# close a channel as your own server would (the account credentials), its task to wrapping',
    ]);
    // Each answer ends with a newline, so the shell's prompt starts on a line of its own.
    for (const command of [commands[0]!, commands[1]!]) expect((await run('bash', ['-c', command])).stdout).toMatch(/\}\n$/);
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
    // No shell variable nobody set: the account SID, and a plain <…> for each thing to fill in.
    const lines = started.output().split('\n');
    const curl = lines.find((l) => l.startsWith('curl '))!;
    expect(lines[lines.indexOf(curl) - 1]).toBe("# list an interaction's channels, signed with your account's credentials");
    expect(curl).toBe(`curl -s -w '\\n' -u "${f.ACCOUNT_SID}:<AUTH_TOKEN>" "http://127.0.0.1:${port}/list-channels?interactionSid=<KD…>"`);
    expect(started.output()).not.toMatch(/\$[A-Z_]+/);
    // Filled in, it works as printed.
    const filled = curl.replace('<AUTH_TOKEN>', f.AUTH_TOKEN).replace('<KD…>', s.interactionSid);
    const answer = JSON.parse((await run('bash', ['-c', filled])).stdout);
    expect(answer).toMatchObject({ interactionSid: s.interactionSid, count: expect.any(Number) });
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
