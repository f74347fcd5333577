/**
 * Both dry runs with no way to reach Twilio (as on a laptop offline): they print what this
 * folder alone says first (files and their visibility, runtime, dependencies, variables by
 * name; the flow definition), then end with one error naming the host and what to check.
 * Twilio is "unreachable" by pointing the clients at a loopback port nothing listens on.
 */
import { ENDPOINTS } from '../../src/contract/api';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, ROOT } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(60_000);

const run = promisify(execFile);
let dir: string;
let envFile: string;
let closed: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fic-dry-run-'));
  envFile = join(dir, '.env');
  writeFileSync(
    envFile,
    `ACCOUNT_SID=${f.ACCOUNT_SID}\nAUTH_TOKEN=${f.AUTH_TOKEN}\nAPI_KEY=${f.API_KEY}\nAPI_SECRET=${f.API_SECRET}\nCLOSE_POLICY=roles\n`,
  );
  closed = `http://127.0.0.1:${await freePort()}`;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(file: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(ROOT, 'dist', file), '--dry-run'], { cwd: ROOT, env: { ...process.env, ENV_FILE: envFile, ...env } });
    return { code: 0, ...r };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function expectNoSecret(text: string): void {
  for (const secret of [f.AUTH_TOKEN, f.API_SECRET]) expect(text).not.toContain(secret);
}

it('npm run deploy -- --dry-run: the local plan, then "could not reach serverless.twilio.com" and what to check', async () => {
  // The Serverless Toolkit sends everything through HTTP_PROXY when it is set: here, nowhere.
  const r = await script(join('deploy', 'deploy.js'), { HTTP_PROXY: closed });
  expect(r.code).toBe(1);
  const plan = r.stdout;
  expect(plan).toContain('Would deploy service "flex-interaction-channels", environment "dev", runtime node22');
  // Exactly the contract's entry points (src/contract/api.ts), sorted as the plan prints them.
  const publicPaths = ENDPOINTS.filter((e) => e.audience === 'everyone').map((e) => e.path);
  const protectedPaths = ENDPOINTS.map((e) => (e.audience === 'everyone' ? `/studio/${e.name}` : e.path));
  expect(plan).toContain(`public functions:    ${publicPaths.sort().join(', ')}\n`);
  expect(plan).toContain(`protected functions: ${protectedPaths.sort().join(', ')}\n`);
  expect(plan).toContain('assets:              /openapi.json (public)');
  expect(plan).toMatch(/dependencies: +@twilio\/runtime-handler@\d+\.\d+\.\d+, twilio@\d+\.\d+\.\d+/);
  // By name, never by value; the account credentials sign and are not uploaded.
  expect(plan).toContain(`variables:           API_KEY, API_SECRET, CLOSE_POLICY (from ${envFile}; values never shown)`);
  expect(plan).toContain('signed by:           ACCOUNT_SID and AUTH_TOKEN');
  expect(r.stderr.trim().split('\n')).toEqual([
    'Cannot deploy: could not reach serverless.twilio.com (ECONNREFUSED) to look up the service "flex-interaction-channels".',
    'Everything above was worked out on this machine; the rest needs your Twilio account.',
    'Check that this machine reaches https://serverless.twilio.com (network, VPN or firewall, and the proxy in HTTP_PROXY/HTTPS_PROXY), then run it again.',
  ]);
  expect(r.stderr).not.toMatch(/getaddrinfo|^\{/m);
  expectNoSecret(r.stdout + r.stderr);
  expect(r.stdout).not.toContain('roles');
});

it('npm run studio -- --dry-run: the flow definition, then "could not reach <host>" and what to check, with no raw log line', async () => {
  const r = await script(join('studio', 'publish.js'), { TWILIO_SERVERLESS_BASE_URL: closed, TWILIO_STUDIO_BASE_URL: closed });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(
    'Flow "Close interaction channel (flex-interaction-channels)": Run Function /studio/close-channel of service "flex-interaction-channels"',
  );
  expect(r.stdout).toContain('(it passes the flow schema)');
  const json = r.stdout.slice(r.stdout.indexOf('{'), r.stdout.lastIndexOf('}') + 1);
  const widget = (JSON.parse(json) as { states: Array<{ type: string; properties: Record<string, unknown> }> }).states.find(
    (s) => s.type === 'run-function',
  )!;
  expect(widget.properties).toMatchObject({ service_sid: '<service SID, ZS…>', url: 'https://<environment domain>/studio/close-channel' });
  const host = new URL(closed).host;
  expect(r.stdout).toContain(`on ${host}...`);
  expect(r.stderr.trim().split('\n')).toEqual([
    `npm run studio: could not reach ${host} (ECONNREFUSED) to look up the service "flex-interaction-channels".`,
    'Everything above was worked out on this machine; the rest needs your Twilio account.',
    `Check that this machine reaches https://${host} (network, VPN or firewall), then run it again.`,
  ]);
  expectNoSecret(r.stdout + r.stderr);
});

it('an API key without ACCOUNT_SID is refused before anything is asked, saying the SID is needed with a key too', async () => {
  const keyOnly = join(dir, 'key-only.env');
  writeFileSync(keyOnly, `API_KEY=${f.API_KEY}\nAPI_SECRET=${f.API_SECRET}\n`);
  const r = await script(join('deploy', 'deploy.js'), { HTTP_PROXY: closed, ENV_FILE: keyOnly });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(
    `Cannot deploy: ACCOUNT_SID is not set in ${keyOnly}: it names the account, and is needed also when API_KEY and API_SECRET sign the deploy\n`,
  );
});
