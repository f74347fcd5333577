/**
 * A copy of the project for the deploy suite (test/e2e/deploy.e2e.test.ts), so that its clean
 * build never touches the dist/ the other suites are serving, and `npm run deploy` run in it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './processes';
import { FakeServerless } from './fake-serverless';
import * as f from './fixtures';

const run = promisify(execFile);

/** The settings a deploy of the suite starts from. */
export const DEPLOY_SETTINGS = {
  ACCOUNT_SID: f.ACCOUNT_SID,
  AUTH_TOKEN: f.AUTH_TOKEN,
  API_KEY: f.API_KEY,
  API_SECRET: f.API_SECRET,
  ALLOWED_ORIGINS: 'https://flex.twilio.com',
};

/** For a suite: a copy of the project and the Serverless API's stand-in, made before its tests and removed after. */
export function deployHarness(): { copy: string; fake: FakeServerless; network: Record<string, string> } {
  const h = { copy: '', fake: new FakeServerless({ username: f.ACCOUNT_SID, password: f.AUTH_TOKEN }), network: {} as Record<string, string> };
  beforeAll(async () => {
    h.copy = copyProject();
    h.network = await h.fake.start();
  });
  afterAll(async () => {
    await h.fake.stop();
    if (h.copy) rmSync(h.copy, { recursive: true, force: true });
  });
  return h;
}

/** The project's tracked and untracked (not ignored) files in a fresh temporary folder, node_modules linked. */
export function copyProject(): string {
  const copy = mkdtempSync(join(tmpdir(), 'fic-deploy-'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const file of files) {
    if (file.startsWith('.ci/')) continue;
    try {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      cpSync(join(ROOT, file), join(copy, file));
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err; // deleted in the working tree
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

export function writeSettings(copy: string, settings: Record<string, string>): string {
  const file = join(copy, '.env');
  writeFileSync(
    file,
    Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
  );
  return file;
}

/** `npm run deploy` (or, with `built`, the deploy step alone) in the copy; never throws. */
export async function runDeploy(
  copy: string,
  network: Record<string, string>,
  args: string[] = [],
  options: { built?: boolean } = {},
): Promise<{ code: number; output: string }> {
  const [command, commandArgs] = options.built
    ? [process.execPath, [join(copy, 'dist', 'deploy', 'deploy.js'), ...args]]
    : ['npm', ['run', '--silent', 'deploy', ...(args.length ? ['--', ...args] : [])]];
  try {
    const { stdout, stderr } = await run(command, commandArgs as string[], {
      cwd: copy,
      env: { ...process.env, ...network, ENV_FILE: join(copy, '.env') },
      maxBuffer: 8 << 20,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}
