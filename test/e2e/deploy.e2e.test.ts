/**
 * Deploy readiness, offline: the Serverless Toolkit's own file discovery (what
 * `twilio serverless:deploy` uses) over the build output finds exactly what should deploy, and
 * package.json's runtime dependencies are exactly what the functions load.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { ROOT } from '../support/processes';

const rc = JSON.parse(
  readFileSync(join(ROOT, '.twilioserverlessrc'), 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('//'))
    .join('\n'),
);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

it('.twilioserverlessrc points the toolkit at the compiled functions, the assets and Node 20', () => {
  expect(rc).toMatchObject({ functionsFolder: 'dist/functions', assetsFolder: 'assets', runtime: 'node20' });
});

it('finds exactly the three public functions, the library as private, and the OpenAPI asset', async () => {
  const { functions, assets } = await getListOfFunctionsAndAssets(ROOT, {
    functionsFolderNames: [rc.functionsFolder],
    assetsFolderNames: [rc.assetsFolder],
  });
  const publicOnes = functions.filter((fn) => fn.access === 'public').map((fn) => fn.name).sort();
  expect(publicOnes).toEqual(['/close-channel', '/get-channel', '/list-channels']);
  const privateOnes = functions.filter((fn) => fn.access === 'private').map((fn) => fn.name);
  const libFiles = readdirSync(join(ROOT, 'dist', 'functions', 'lib')).filter((file) => file.endsWith('.private.js'));
  expect(privateOnes.sort()).toEqual(libFiles.map((file) => `/lib/${file.replace('.private.js', '')}`).sort());
  expect(functions.filter((fn) => fn.access === 'protected')).toEqual([]);
  expect(assets.map((a) => [a.name, a.access])).toEqual([['/openapi.json', 'public']]);
});

/** Every bare module the compiled functions require. */
function requiredPackages(dir: string, found = new Set<string>()): Set<string> {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) requiredPackages(path, found);
    else if (entry.endsWith('.js')) {
      for (const m of readFileSync(path, 'utf8').matchAll(/require\(["']([^"'.][^"']*)["']\)/g)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        found.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return found;
}

it('package.json dependencies are exactly what the functions load at run time (plus the runtime pin)', () => {
  const used = [...requiredPackages(join(ROOT, 'dist', 'functions'))].sort();
  expect(used).toEqual(['twilio', 'zod']);
  expect(Object.keys(pkg.dependencies).sort()).toEqual(['@twilio/runtime-handler', 'twilio', 'zod']);
  // The runtime handler is pinned exactly (twilio-run refuses a range).
  expect(pkg.dependencies['@twilio/runtime-handler']).toMatch(/^\d+\.\d+\.\d+$/);
});

it('npm run deploy deploys the compiled folders with the Node 20 runtime', () => {
  expect(pkg.scripts.deploy).toContain('npm run build');
  expect(pkg.scripts.deploy).toContain('--functions-folder dist/functions');
  expect(pkg.scripts.deploy).toContain('--assets-folder assets');
  expect(pkg.scripts.deploy).toContain('--runtime node20');
});
