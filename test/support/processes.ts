/**
 * Real processes for end-to-end tests: the functions behind the local gateway, and
 * Prism serving Twilio's OpenAPI description. Each listens on a free loopback port, is waited
 * for over HTTP, and keeps everything it printed (checked for secrets by the suites).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ROOT } from '../../scripts/root';
import { startLocalPlatform, type LocalPlatform } from '../../gateway/local-platform';
import { freePort } from '../../gateway/twilio-run';

export { freePort, ROOT };

export interface Running {
  url: string;
  output: string[];
  stop: () => Promise<void>;
}

async function waitForHttp(url: string, child: ChildProcess, output: string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before it listened:\n${output.join('')}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`nothing listened at ${url} within ${timeoutMs} ms:\n${output.join('')}`);
}

function collect(child: ChildProcess): string[] {
  const output: string[] = [];
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  return output;
}

function run(command: string, args: string[]): { child: ChildProcess; output: string[] } {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return { child, output: collect(child) };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 3000);
  await exited;
  clearTimeout(timer);
}

/**
 * The functions with these settings, as deployed: twilio-run behind the local gateway (the
 * only address the tests call). `cold: true` starts a process per request (twilio-run's
 * default); otherwise one long-lived process with no reloads, like a warm Functions container.
 */
export async function startFunctions(
  settings: Record<string, string>,
  options: Omit<import('../../gateway/local-platform').LocalPlatformOptions, 'settings' | 'onOutput'> = {},
): Promise<Running & { platform: LocalPlatform }> {
  const output: string[] = [];
  const platform = await startLocalPlatform({ settings, ...options, onOutput: (text) => output.push(text) });
  return { url: platform.url, output, stop: platform.stop, platform };
}

/**
 * Prism on one of Twilio's OpenAPI descriptions (test/fixtures/twilio-oai): a mock of it, or,
 * given an `upstream`, a proxy to that stand-in that checks every request and answer against
 * the description. Violations are errors either way.
 */
export async function startPrism(file = 'twilio_flex_v1.json', upstream?: string): Promise<Running> {
  const port = await freePort();
  const spec = isAbsolute(file) ? file : join(ROOT, 'test', 'fixtures', 'twilio-oai', file);
  const { child, output } = run(process.execPath, [
    join(ROOT, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js'),
    ...(upstream === undefined ? ['mock'] : ['proxy']),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--errors',
    spec,
    ...(upstream === undefined ? [] : [upstream]),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(url, child, output, 60_000);
  return { url, output, stop: () => stopProcess(child) };
}

/**
 * One OpenAPI document made of several of Twilio's (paths and components merged; they share
 * none), written to a temporary directory: so one Prism checks calls to Flex and TaskRouter.
 * `keep` picks a file's paths (Conversations and Sync both describe `/v1/Services/{…}`: only the
 * paths the functions call are taken of each). Returns its path and a function that removes it.
 */
export function mergedSpec(files: string[], keep: (file: string, path: string) => boolean = () => true): { file: string; remove: () => void } {
  const docs = files.map((name) => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'twilio-oai', name), 'utf8')) as Record<string, any>);
  const merged = {
    ...docs[0]!,
    paths: {} as Record<string, unknown>,
    components: { schemas: {}, securitySchemes: {} } as Record<string, Record<string, unknown>>,
  };
  for (const [i, doc] of docs.entries()) {
    for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
      if (!keep(files[i]!, path)) continue;
      if (path in merged.paths) throw new Error(`${path} is in two of the documents`);
      // Each document's servers go to its paths, since the merged document has one list.
      merged.paths[path] = { servers: doc.servers, ...item };
    }
    for (const [kind, entries] of Object.entries(doc.components as Record<string, Record<string, unknown>>)) {
      merged.components[kind] = { ...(merged.components[kind] ?? {}), ...entries };
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'twilio-oai-'));
  const file = join(dir, 'merged.json');
  writeFileSync(file, JSON.stringify(merged));
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
