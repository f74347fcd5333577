/**
 * `npm run deploy`, offline: the real deploy (the Serverless Toolkit's API client, our checks
 * and the variable sync) against a stateful stand-in of Twilio's Serverless API, reached over
 * HTTPS through a proxy on loopback (test/support/fake-serverless.ts). It runs in a copy of the
 * project, so that its clean build never touches the dist/ the other suites are serving.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEPLOY_SETTINGS, deployHarness, runDeploy, writeSettings as writeSettingsIn } from '../support/deploy-copy';
import { ROOT } from '../support/processes';
import * as f from '../support/fixtures';

jest.setTimeout(180_000);

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const SETTINGS = { ...DEPLOY_SETTINGS, CLOSE_POLICY: 'off' };
const h = deployHarness();
const writeSettings = (settings: Record<string, string>) => writeSettingsIn(h.copy, settings);
const deploy = (args: string[] = [], options: { built?: boolean } = {}) => runDeploy(h.copy, h.network, args, options);

describe('the first deploy', () => {
  let output: string;

  beforeAll(async () => {
    writeSettings(SETTINGS);
    // A function left in dist/ by a rename: the clean build must not let it ship.
    mkdirSync(join(h.copy, 'dist', 'functions'), { recursive: true });
    writeFileSync(join(h.copy, 'dist', 'functions', 'renamed-away.js'), 'exports.handler = (c, e, cb) => cb(null, "stale");');
    const r = await deploy();
    output = r.output;
    if (r.code !== 0) throw new Error(`deploy failed:\n${output}`);
  });

  const deployed = () => {
    const environment = h.fake.environments[0]!;
    return { environment, ...h.fake.deployed(environment.sid)! };
  };

  it('uploads exactly the public and protected functions we mean, and the library as one private function', () => {
    const { functions } = deployed();
    const paths = (visibility: string) =>
      functions
        .filter((v) => v.visibility === visibility)
        .map((v) => v.path)
        .sort();
    expect(paths('public')).toEqual([
      '/close-channel',
      '/get-channel',
      '/list-channels',
      '/list-parked',
      '/list-participants',
      '/park-channel',
      '/resume-channel',
      '/transfer-channel',
      '/update-participant',
    ]);
    expect(paths('protected')).toEqual([
      '/studio/close-channel',
      '/studio/get-channel',
      '/studio/list-channels',
      '/studio/list-parked',
      '/studio/list-participants',
      '/studio/park-channel',
      '/studio/resume-channel',
      '/studio/transfer-channel',
      '/studio/update-participant',
      '/webhooks/conversations',
      '/webhooks/orphan-guard',
      '/webhooks/taskrouter',
    ]);
    // The library is one bundle (scripts/bundle-library.ts); its source map is not deployed.
    expect(paths('private')).toEqual(['/library']);
    expect(functions.map((v) => v.path)).not.toContain('/renamed-away');
  });

  it('uploads the OpenAPI document as the one public asset', () => {
    const { assets } = deployed();
    expect(assets.map((v) => [v.path, v.visibility])).toEqual([['/openapi.json', 'public']]);
    expect(JSON.parse(assets[0]!.content).openapi).toBe('3.1.0');
  });

  it('builds on node22 with the exact dependencies of package.json', () => {
    const { build } = deployed();
    expect(build.runtime).toBe('node22');
    expect(build.dependencies).toEqual(Object.entries(pkg.dependencies).map(([name, version]) => ({ name, version })));
    for (const { version } of build.dependencies) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('sets the variables of the settings file, never the account credentials, and prints no value', () => {
    const { environment } = deployed();
    expect(h.fake.variablesOf(environment.sid)).toEqual({
      API_KEY: f.API_KEY,
      API_SECRET: f.API_SECRET,
      ALLOWED_ORIGINS: 'https://flex.twilio.com',
      CLOSE_POLICY: 'off',
    });
    expect(h.fake.services[0]!.include_credentials).toBe(true);
    expect(output).toContain('set: ALLOWED_ORIGINS, API_KEY, API_SECRET, CLOSE_POLICY');
    expect(output).toContain('API_KEY and API_SECRET are service variables');
    for (const secret of [f.AUTH_TOKEN, f.API_SECRET, f.API_KEY]) expect(output).not.toContain(secret);
    expect(output).toContain(`Deployed to https://${environment.domain_name}`);
  });

  describe('then', () => {
    it('--dry-run shows a removed setting and changes nothing', async () => {
      const { CLOSE_POLICY: _off, ...rest } = SETTINGS;
      writeSettings({ ...rest, ALLOWED_ORIGINS: 'https://flex.twilio.com,https://example.com' });
      const before = h.fake.writes().length;
      const r = await deploy(['--dry-run'], { built: true });
      expect(r.code).toBe(0);
      expect(r.output).toContain('changed: ALLOWED_ORIGINS');
      expect(r.output).toContain('removed: CLOSE_POLICY');
      expect(h.fake.writes()).toHaveLength(before);
    });

    it('a second deploy after removing a setting removes the variable from the service', async () => {
      const { CLOSE_POLICY: _off, ...rest } = SETTINGS;
      writeSettings(rest);
      const r = await deploy();
      expect(r.code).toBe(0);
      expect(r.output).toContain('removed: CLOSE_POLICY');
      const environment = h.fake.environments[0]!;
      expect(h.fake.environments).toHaveLength(1);
      expect(h.fake.variablesOf(environment.sid)).not.toHaveProperty('CLOSE_POLICY');
      expect(h.fake.variablesOf(environment.sid)).toHaveProperty('ALLOWED_ORIGINS');
    });

    it('an empty value counts as removed', async () => {
      writeSettings({ ...SETTINGS, CLOSE_POLICY: '', ALLOWED_ORIGINS: '' });
      const r = await deploy([], { built: true });
      expect(r.code).toBe(0);
      expect(h.fake.variablesOf(h.fake.environments[0]!.sid)).not.toHaveProperty('ALLOWED_ORIGINS');
    });
  });
});

describe('refuses before anything is sent', () => {
  beforeAll(async () => {
    await run('npm', ['run', '--silent', 'build'], { cwd: h.copy });
  });

  async function refused(args: string[] = []): Promise<string> {
    const before = h.fake.calls.length;
    const r = await deploy(args, { built: true });
    expect(r.code).toBe(1);
    expect(h.fake.calls).toHaveLength(before);
    return r.output;
  }

  it.each(['TWILIO_API_BASE_URL', 'TWILIO_IAM_BASE_URL'])('a settings file with %s (sandbox and tests only)', async (key) => {
    writeSettings({ ...SETTINGS, [key]: 'https://elsewhere.example' });
    expect(await refused()).toContain(`${key} is for the sandbox and tests only`);
  });

  it('settings the functions would reject', async () => {
    writeSettings({ ...SETTINGS, CLOSE_POLICY: 'anyone' });
    expect(await refused()).toContain('CLOSE_POLICY');
  });

  it('a compiled function that comes from no source file', async () => {
    writeSettings(SETTINGS);
    const stale = join(h.copy, 'dist', 'functions', 'old-name.js');
    writeFileSync(stale, 'exports.handler = () => undefined;');
    try {
      expect(await refused()).toContain('dist/functions/old-name.js');
    } finally {
      rmSync(stale);
    }
  });

  it('an asset that is neither generated nor committed', async () => {
    writeSettings(SETTINGS);
    const stray = join(h.copy, 'assets', 'notes.txt');
    writeFileSync(stray, 'not for the public');
    try {
      expect(await refused()).toContain('assets/notes.txt');
    } finally {
      rmSync(stray);
    }
  });

  it('a runtime dependency given as a range', async () => {
    writeSettings(SETTINGS);
    const file = join(h.copy, 'package.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace(`"twilio": "${pkg.dependencies.twilio}"`, `"twilio": "^${pkg.dependencies.twilio}"`));
    try {
      expect(await refused()).toContain(`twilio@^${pkg.dependencies.twilio}`);
    } finally {
      writeFileSync(file, original);
    }
  });

  describe('what the toolkit would upload (the copy is a git repository here, so "committed" can be true)', () => {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: h.copy, stdio: 'ignore' });
    beforeAll(() => git('init', '-q'));

    it('a committed symbolic link under assets/ (to ../.env): refused by name, the .env never sent', async () => {
      writeSettings(SETTINGS);
      const link = join(h.copy, 'assets', 'flex-config.txt');
      symlinkSync('../.env', link);
      git('add', 'assets/flex-config.txt');
      git('commit', '-qm', 'link');
      try {
        const output = await refused();
        expect(output).toContain('assets/flex-config.txt is a symbolic link');
        for (const secret of [f.AUTH_TOKEN, f.API_SECRET]) expect(output).not.toContain(secret);
      } finally {
        git('rm', '-q', '--cached', 'assets/flex-config.txt');
        rmSync(link);
      }
    });

    it("a committed file holding a credential's value: refused naming the file and the setting, never the value", async () => {
      writeSettings(SETTINGS);
      const file = join(h.copy, 'assets', 'notes.txt');
      writeFileSync(file, `pasted here by mistake: ${f.API_SECRET}`);
      git('add', 'assets/notes.txt');
      git('commit', '-qm', 'notes');
      try {
        const output = await refused();
        expect(output).toContain('assets/notes.txt holds the value of API_SECRET');
        expect(output).not.toContain(f.API_SECRET);
      } finally {
        git('rm', '-q', '--cached', 'assets/notes.txt');
        rmSync(file);
      }
    });
  });

  it('a credential-looking key that is not ours (TWILIO_AUTH_TOKEN, the Twilio CLI name): refused by name', async () => {
    writeSettings({ ...SETTINGS, TWILIO_AUTH_TOKEN: f.AUTH_TOKEN });
    const output = await refused();
    expect(output).toContain('TWILIO_AUTH_TOKEN looks like a credential');
    expect(output).not.toContain(f.AUTH_TOKEN);
  });
});
