/** The deploy's own rules: the variable plan, what may ship, and exact runtime dependencies. */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rangedDependencies, readServerlessRc } from '../../../deploy/project';
import { strayFiles } from '../../../deploy/sources';
import { describePlan, planVariables, RefusedSettingError } from '../../../deploy/variables';

const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

describe('the variable plan: the service ends up with exactly the settings file', () => {
  it('sets new keys, changes different values, keeps equal ones, removes what the file lacks', () => {
    const plan = planVariables({ A: '1', B: '2', C: '3' }, { B: '2', C: 'old', D: 'gone' });
    expect(plan).toMatchObject({ target: { A: '1', B: '2', C: '3' }, set: ['A'], changed: ['C'], unchanged: ['B'], removed: ['D'] });
  });

  it('an empty value is a removal, not an empty variable', () => {
    const plan = planVariables({ CLOSE_POLICY: '  ', A: '1' }, { CLOSE_POLICY: 'off', A: '1' });
    expect(plan.target).toEqual({ A: '1' });
    expect(plan.removed).toEqual(['CLOSE_POLICY']);
  });

  it('never uploads the account credentials, and never removes them from the service', () => {
    const plan = planVariables({ ACCOUNT_SID: 'AC1', AUTH_TOKEN: 'x', A: '1' }, { ACCOUNT_SID: 'AC1', AUTH_TOKEN: 'y' });
    expect(plan.target).toEqual({ A: '1' });
    expect(plan.removed).toEqual([]);
  });

  it.each(['TWILIO_API_BASE_URL', 'TWILIO_IAM_BASE_URL'])('refuses %s, but not when it is empty', (key) => {
    expect(() => planVariables({ [key]: 'https://x.example' }, undefined)).toThrow(RefusedSettingError);
    expect(() => planVariables({ [key]: '' }, undefined)).not.toThrow();
  });

  it('a first deploy (no environment yet) sets everything and removes nothing', () => {
    expect(planVariables({ A: '1' }, undefined)).toMatchObject({ set: ['A'], removed: [] });
  });

  it('describes the plan with names only, and says so for an API key', () => {
    const lines = describePlan(planVariables({ API_KEY: 'SKsecretish', API_SECRET: 'shh', B: 'value-b' }, { C: 'value-c' })).join('\n');
    expect(lines).toContain('set: API_KEY, API_SECRET, B');
    expect(lines).toContain('removed: C');
    expect(lines).toContain('API_KEY and API_SECRET are service variables');
    for (const value of ['SKsecretish', 'shh', 'value-b', 'value-c']) expect(lines).not.toContain(value);
  });
});

describe('what may ship', () => {
  const root = ROOT;
  const fn = (rel: string) => join(root, 'dist', 'functions', rel);

  it('a compiled function with its source passes; one without is a stray', () => {
    const strays = strayFiles(
      root,
      [fn('get-channel.js'), fn('library.private.js'), fn('old-name.js'), fn('lib/gone.private.js'), fn('library.private.js.map')],
      [],
      new Set(),
    );
    expect(strays.functions).toEqual(['dist/functions/old-name.js', 'dist/functions/lib/gone.private.js', 'dist/functions/library.private.js.map']);
  });

  it('assets: generated or committed pass; anything else is a stray', () => {
    const asset = (rel: string) => join(root, 'assets', rel);
    const strays = strayFiles(root, [], [asset('openapi.json'), asset('logo.png'), asset('notes.txt')], new Set(['assets/logo.png']));
    expect(strays.assets).toEqual(['assets/notes.txt']);
  });
});

describe('runtime dependencies', () => {
  it('flags anything but an exact version', () => {
    expect(rangedDependencies({ a: '1.2.3', b: '^1.2.3', c: '~1.0.0', d: '*', e: 'latest', f: '1.x', g: '>=1' })).toEqual([
      'b@^1.2.3',
      'c@~1.0.0',
      'd@*',
      'e@latest',
      'f@1.x',
      'g@>=1',
    ]);
  });

  it('package.json pins every runtime dependency exactly (Twilio installs from it, not from the lockfile)', () => {
    expect(rangedDependencies(pkg.dependencies)).toEqual([]);
  });

  it('pins the versions the lockfile installed, which the tests ran with', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    for (const [name, version] of Object.entries(pkg.dependencies)) {
      expect(lock.packages[`node_modules/${name}`].version).toBe(version);
    }
  });

  /** Every package a function or library module loads at run time (type-only imports are erased). */
  function runtimeImports(dir: string, found = new Set<string>()): Set<string> {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        runtimeImports(path, found);
        continue;
      }
      const source = readFileSync(path, 'utf8');
      const specs = [
        ...[...source.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
        ...[...source.matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
      ];
      for (const spec of specs) {
        if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    return found;
  }

  it('the functions need at run time only what the bundle leaves out (twilio), and nothing else is a dependency', () => {
    const used = [...runtimeImports(join(ROOT, 'functions')), ...runtimeImports(join(ROOT, 'src'))].sort();
    expect([...new Set(used)]).toEqual(['twilio', 'zod']);
    // zod is bundled into dist/functions/library.private.js (scripts/bundle-library.ts): a build-time dependency.
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['@twilio/runtime-handler', 'twilio']);
    expect(pkg.devDependencies.zod).toBeDefined();
  });
});

describe('node22 everywhere it matters', () => {
  it('.twilioserverlessrc, npm run deploy and engines', () => {
    expect(readServerlessRc(ROOT)).toMatchObject({ functionsFolder: 'dist/functions', assetsFolder: 'assets', runtime: 'node22' });
    expect(pkg.scripts.deploy).toBe('npm run build && node dist/deploy/deploy.js');
    expect(pkg.engines.node).toMatch(/\b22\b/);
  });

  it('npm run build starts from an empty dist/', () => {
    expect(pkg.scripts.build).toMatch(/^node -e "require\('fs'\)\.rmSync\('dist',\{recursive:true,force:true\}\)" && /);
  });
});
