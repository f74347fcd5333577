/**
 * `npm run studio`, offline: the real script, its Serverless and Studio calls served through
 * Prism proxying on Twilio's own OpenAPI descriptions (every request and answer checked against
 * them) to small stateful stand-ins; the definition it builds passes the flow schema.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { validateFlow } from '../../studio/flow';
import { FakeServerless } from '../support/fake-serverless';
import { FakeStudio } from '../support/fake-studio';
import { ROOT, startPrism, type Running } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(120_000);

const run = promisify(execFile);
let serverless: FakeServerless;
let studio: FakeStudio;
let prisms: Running[] = [];
let env: Record<string, string>;
let deployed: ReturnType<FakeServerless['seedDeployed']>;
let dir: string;

beforeAll(async () => {
  const credentials = { username: f.ACCOUNT_SID, password: f.AUTH_TOKEN };
  serverless = new FakeServerless(credentials);
  studio = new FakeStudio(credentials);
  deployed = serverless.seedDeployed('flex-interaction-channels', 'dev', ['/get-channel', '/studio/close-channel', '/studio/get-channel']);
  const [serverlessUrl, studioUrl] = await Promise.all([serverless.startPlain(), studio.start()]);
  prisms = await Promise.all([startPrism('twilio_serverless_v1.json', serverlessUrl), startPrism('twilio_studio_v2.json', studioUrl)]);
  dir = mkdtempSync(join(tmpdir(), 'fic-studio-'));
  writeFileSync(join(dir, '.env'), `ACCOUNT_SID=${f.ACCOUNT_SID}\nAUTH_TOKEN=${f.AUTH_TOKEN}\n`);
  env = { ...process.env, ENV_FILE: join(dir, '.env'), TWILIO_SERVERLESS_BASE_URL: prisms[0]!.url, TWILIO_STUDIO_BASE_URL: prisms[1]!.url } as Record<
    string,
    string
  >;
});

afterAll(async () => {
  await Promise.all(prisms.map((p) => p.stop()));
  await serverless?.stop();
  await studio?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function studioScript(args: string[] = []): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'dist', 'studio', 'publish.js'), ...args], { cwd: ROOT, env });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

it('builds a valid Run Function flow from the deploy, validates it with Twilio, and creates it published', async () => {
  const r = await studioScript(['--validate']);
  expect(r).toMatchObject({ code: 0 });
  expect(r.output).toContain('Twilio validated the definition');
  expect(studio.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['POST /v2/Flows/Validate', 'GET /v2/Flows', 'POST /v2/Flows']);
  expect(studio.flows).toHaveLength(1);
  const flow = studio.flows[0]!;
  expect(flow.status).toBe('published');
  expect(validateFlow(flow.definition)).toEqual([]);
  const widget = (flow.definition as any).states.find((s: any) => s.type === 'run-function');
  expect(widget.properties).toMatchObject({
    service_sid: deployed.serviceSid,
    environment_sid: deployed.environmentSid,
    function_sid: deployed.functionSids['/studio/close-channel'],
    url: `https://${deployed.domain}/studio/close-channel`,
  });
  expect(widget.transitions.map((t: any) => t.event).sort()).toEqual(['fail', 'success']);
  const text = JSON.stringify(flow.definition);
  for (const read of ['parsed.channel.status', 'parsed.taskStatus', 'status_code', 'parsed.error.code'])
    expect(text).toContain(`widgets.close_channel.${read}`);
  // Every request went through Prism on Twilio's description without a violation.
  expect(prisms.map((p) => p.output.join('')).join('')).not.toMatch(/violation|422 Unprocessable/i);
  expect(r.output).not.toContain(f.AUTH_TOKEN);
});

it('run again, it updates the same flow (a new revision), never a second one', async () => {
  studio.calls.length = 0;
  const r = await studioScript();
  expect(r.code).toBe(0);
  expect(r.output).toContain(`Updated and published flow ${studio.flows[0]!.sid}`);
  expect(studio.flows).toHaveLength(1);
  expect(studio.flows[0]!.revision).toBe(2);
  expect(studio.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v2/Flows', `POST /v2/Flows/${studio.flows[0]!.sid}`]);
});

it('without a deploy of this version (no /studio/close-channel), says so and changes nothing', async () => {
  const resource = serverless.resources.find((x) => x.friendly_name === '/studio/close-channel')!;
  resource.friendly_name = '/renamed';
  studio.calls.length = 0;
  try {
    const r = await studioScript();
    expect(r.code).toBe(1);
    expect(r.output).toContain('has no function /studio/close-channel');
    expect(studio.calls).toHaveLength(0);
  } finally {
    resource.friendly_name = '/studio/close-channel';
  }
});
