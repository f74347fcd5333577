/**
 * What `npm start` says when it cannot work: a busy port, a bad PORT or ENV_FILE, settings the
 * functions would refuse. Each is one line, before any banner, and (through `npm start` itself)
 * before any build.
 */
import { rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from '../support/processes';
import { exited, launch, scratchDir, START, writeEnvFile } from '../support/start';

jest.setTimeout(90_000);

let scratch: string;
beforeEach(() => {
  scratch = scratchDir();
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const envFile = (text: string) => writeEnvFile(scratch, text);

/** `npm start` itself (its checks, then the build, then the server), or the server alone (`npm run serve`). */
const WAYS = {
  'npm start': ['npm', ['run', '--silent', 'start']],
  'the server alone': [process.execPath, [START]],
} as const;

async function startWith(way: keyof typeof WAYS, env: Record<string, string>): Promise<{ code: number | null; lines: string[] }> {
  const [command, args] = WAYS[way];
  const started = launch(command, [...args], env);
  const code = await exited(started);
  return { code, lines: started.output().trimEnd().split('\n') };
}

const builtAt = () => statSync(join(ROOT, 'dist', 'scripts', 'start.js')).mtimeMs;

describe.each(Object.keys(WAYS) as Array<keyof typeof WAYS>)('%s: one line, before any banner or build', (way) => {
  async function expectOneLine(env: Record<string, string>, ...expected: string[]): Promise<string> {
    const before = builtAt();
    const { code, lines } = await startWith(way, env);
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    for (const text of expected) expect(lines[0]).toContain(text);
    expect(lines[0]).not.toMatch(/OFFLINE SANDBOX|Serving at|Using your Twilio account|\?\s*$/);
    // Nothing was built (a build starts by emptying dist/).
    expect(builtAt()).toBe(before);
    return lines[0]!;
  }

  it('a busy port, never a prompt', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as { port: number }).port;
    try {
      await expectOneLine(
        { ENV_FILE: envFile('\n'), PORT: String(port) },
        `Cannot start: port ${port} is in use. Stop what uses it, or pick another: PORT=${port + 1} npm start`,
      );
    } finally {
      busy.close();
    }
  });

  it('a malformed ACCOUNT_SID: the key, the file, where every key is explained; never a value', async () => {
    const file = envFile(`ACCOUNT_SID=AC123\nAUTH_TOKEN=${'a'.repeat(32)}\n`);
    const text = await expectOneLine({ ENV_FILE: file }, 'ACCOUNT_SID must look like AC followed by 32 hex digits', file, '.env.example');
    expect(text).not.toContain('a'.repeat(32));
  });

  it('a malformed ACCOUNT_SID alone is reported as that, not as a missing token, and no sandbox starts', async () => {
    const text = await expectOneLine({ ENV_FILE: envFile('ACCOUNT_SID=AC123\n') }, 'ACCOUNT_SID must look like AC followed by 32 hex digits');
    expect(text).not.toContain('only one of');
  });

  it('ENV_FILE pointing at a missing file', async () => {
    const missing = join(scratch, 'no-such.env');
    await expectOneLine({ ENV_FILE: missing }, `ENV_FILE is ${missing}, and there is no such file`);
  });

  it('ALLOWED_ORIGINS=* in the sandbox', async () => {
    await expectOneLine({ ENV_FILE: envFile('ALLOWED_ORIGINS=*\n') }, 'Cannot start the sandbox', 'ALLOWED_ORIGINS');
  });

  it('a PORT that is no port', async () => {
    await expectOneLine({ ENV_FILE: envFile('\n'), PORT: '33OO' }, 'Cannot start: PORT must be a port number (1-65535), not "33OO".');
  });
});
