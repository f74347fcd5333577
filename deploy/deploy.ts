/**
 * `npm run deploy [-- --dry-run] [--environment dev]`: deploy exactly what was built and tested,
 * with the Serverless Toolkit's own API client (the engine behind `twilio serverless:deploy`),
 * and make the service's variables equal to the settings file.
 *
 * Before anything is uploaded it refuses: a compiled function or an asset that comes from no
 * source file, is a link, resolves outside its folder, or holds a credential of the settings; a
 * runtime dependency given as a range; a setting meant for the sandbox and tests, or a
 * credential-looking key that is not a setting of ours; settings the functions' own parser rejects. After the toolkit's deploy it removes the
 * variables the settings file no longer holds. It prints names, never values. `--dry-run` reads
 * the service and prints the same plan, changing nothing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { TwilioServerlessApiClient } from '@twilio-labs/serverless-api';
import { findServiceSid } from '@twilio-labs/serverless-api/dist/api/services';
import { getEnvironmentFromSuffix } from '@twilio-labs/serverless-api/dist/api/environments';
import { deleteEnvironmentVariable, listVariablesForEnvironment } from '@twilio-labs/serverless-api/dist/api/variables';
import { getListOfFunctionsAndAssets } from '@twilio-labs/serverless-api/dist/utils/fs';
import { ROOT } from '../scripts/root';
import { loadConfig } from '../src/config';
import { rangedDependencies, readServerlessRc } from './project';
import { explainTwilioFailure, type Asking } from './reach';
import { strayFiles } from './sources';
import { filesHoldingCredentials, linkedFiles } from './uploads';
import { describePlan, planVariables, RefusedSettingError } from './variables';

function fail(message: string): never {
  process.stderr.write(`Cannot deploy: ${message}\n`);
  process.exit(1);
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

function readSettings(path: string): Record<string, string> {
  if (!existsSync(path)) fail(`there is no settings file at ${path} (copy .env.example to .env and fill it in, or set ENV_FILE)`);
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

/** Who signs the deploy: the account's auth token, or an API key of the account. */
function deployCredentials(env: Record<string, string>): { username: string; password: string } {
  if (!env.ACCOUNT_SID) fail('ACCOUNT_SID is not set');
  if (env.AUTH_TOKEN) return { username: env.ACCOUNT_SID, password: env.AUTH_TOKEN };
  if (env.API_KEY && env.API_SECRET) return { username: env.API_KEY, password: env.API_SECRET };
  fail('set AUTH_TOKEN, or API_KEY and API_SECRET, to sign the deploy');
}

const SERVERLESS_HOST = 'serverless.twilio.com';

/** Which credentials sign the deploy, by name. */
function signedBy(env: Record<string, string>): string {
  return env.AUTH_TOKEN
    ? "ACCOUNT_SID and AUTH_TOKEN (never uploaded: the functions get the account's own from Twilio)"
    : 'API_KEY and API_SECRET, for account ACCOUNT_SID';
}

/** A call to the Serverless API; a failure to reach it ends the run with what to check. */
async function askTwilio<T>(asking: Asking, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const explained = explainTwilioFailure(err, asking);
    if (explained !== undefined) fail(explained);
    throw err;
  }
}

/** The functions' own settings parser, as the deployed service will run it. */
function checkSettings(env: Record<string, string>): void {
  const nonEmpty = Object.fromEntries(Object.entries(env).filter(([, v]) => v.trim() !== ''));
  try {
    loadConfig({ ...nonEmpty, DOMAIN_NAME: 'example.twil.io' } as never);
  } catch (err) {
    fail(`${(err as Error).message}`);
  }
}

function committedFiles(): Set<string> {
  try {
    return new Set(
      execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')
        .filter(Boolean),
    );
  } catch {
    return new Set();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dryRun = args.includes('--dry-run');
  const environment = option(args, '--environment') ?? 'dev';
  const envPath = process.env.ENV_FILE ?? join(ROOT, '.env');
  const settings = readSettings(envPath);
  const rc = readServerlessRc();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

  // Said first and plainly: the settings parser's own words for a missing SID are "Invalid input".
  if (!settings.ACCOUNT_SID?.trim()) {
    fail(`ACCOUNT_SID is not set in ${envPath}: it names the account, and is needed also when API_KEY and API_SECRET sign the deploy`);
  }
  let plan;
  try {
    plan = planVariables(settings, {});
  } catch (err) {
    if (err instanceof RefusedSettingError) fail(err.message);
    throw err;
  }
  checkSettings(settings);
  const ranged = rangedDependencies(pkg.dependencies);
  if (ranged.length > 0)
    fail(`runtime dependencies must be exact versions (Twilio installs them from package.json, not from the lockfile): ${ranged.join(', ')}`);

  const { functions, assets } = await getListOfFunctionsAndAssets(ROOT, {
    functionsFolderNames: [rc.functionsFolder],
    assetsFolderNames: [rc.assetsFolder],
  });
  const strays = strayFiles(
    ROOT,
    functions.map((f) => f.filePath),
    assets.map((a) => a.filePath),
    committedFiles(),
  );
  if (strays.functions.length + strays.assets.length > 0) {
    fail(
      `these files come from no source file of the project; run npm run build (it starts from an empty dist/) or remove them:\n  ${[...strays.functions, ...strays.assets].join('\n  ')}`,
    );
  }

  const unsafe = [
    ...linkedFiles(
      ROOT,
      join(ROOT, rc.functionsFolder),
      functions.map((f) => f.filePath),
    ),
    ...linkedFiles(
      ROOT,
      join(ROOT, rc.assetsFolder),
      assets.map((a) => a.filePath),
    ),
    ...filesHoldingCredentials(
      ROOT,
      [...functions, ...assets].map((f) => f.filePath),
      settings,
    ),
  ];
  if (unsafe.length > 0) {
    fail(`these files must not be uploaded (nothing was sent):\n  ${unsafe.map((u) => `${u.file} ${u.problem}`).join('\n  ')}`);
  }

  const credentials = deployCredentials(settings);
  const byAccess = (access: string) =>
    functions
      .filter((f) => f.access === access)
      .map((f) => f.name)
      .sort();
  // First what this folder alone says (no network), then what the account holds.
  process.stdout.write(
    [
      `${dryRun ? 'Would deploy' : 'Deploying'} service "${rc.serviceName}", environment "${environment}", runtime ${rc.runtime}, from this folder:`,
      `  public functions:    ${byAccess('public').join(', ') || '-'}`,
      `  protected functions: ${byAccess('protected').join(', ') || '-'}`,
      `  private functions:   ${byAccess('private').length}`,
      `  assets:              ${assets.map((a) => `${a.name} (${a.access})`).join(', ') || '-'}`,
      `  dependencies:        ${Object.entries(pkg.dependencies)
        .map(([n, v]) => `${n}@${v}`)
        .join(', ')}`,
      `  variables:           ${Object.keys(plan.target).sort().join(', ') || '-'} (from ${envPath}; values never shown)`,
      `  signed by:           ${signedBy(settings)}`,
      `Asking ${SERVERLESS_HOST} what the service holds now...`,
      '',
    ].join('\n'),
  );

  const client = new TwilioServerlessApiClient(credentials);
  const asking = (what: string) => ({ host: SERVERLESS_HOST, what, envPath });
  const serviceSid = await askTwilio(asking(`look up the service "${rc.serviceName}"`), () => findServiceSid(rc.serviceName, client));
  let remote: Record<string, string> | undefined;
  let environmentSid: string | undefined;
  if (serviceSid !== undefined) {
    try {
      environmentSid = (await getEnvironmentFromSuffix(environment, serviceSid, client)).sid;
    } catch {
      environmentSid = undefined;
    }
    if (environmentSid !== undefined) {
      remote = Object.fromEntries(
        (
          await askTwilio(asking(`read the variables of environment "${environment}"`), () =>
            listVariablesForEnvironment(environmentSid!, serviceSid, client),
          )
        ).map((v) => [v.key, v.value]),
      );
    }
  }
  plan = planVariables(settings, remote);

  process.stdout.write(
    [
      `Service "${rc.serviceName}": ${serviceSid ?? 'new (the deploy creates it)'}, environment "${environment}": ${environmentSid ?? 'new'}.`,
      `Variables (${envPath} is the whole truth: what it does not hold is removed):`,
      ...describePlan(plan),
      '',
    ].join('\n'),
  );
  if (dryRun) {
    process.stdout.write('Dry run: nothing was changed.\n');
    return;
  }

  client.on('status-update', (e: { message: string }) => process.stdout.write(`  ${e.message}\n`));
  const result = await client.deployProject({
    functions,
    assets,
    env: plan.target,
    pkgJson: pkg,
    serviceName: rc.serviceName,
    serviceSid,
    functionsEnv: environment,
    runtime: rc.runtime,
    overrideExistingService: true,
  } as never);

  // The toolkit only adds and updates: take away what the settings no longer hold.
  if (plan.removed.length > 0) {
    const variables = await listVariablesForEnvironment(result.environmentSid, result.serviceSid, client);
    for (const variable of variables.filter((v) => plan.removed.includes(v.key))) {
      await deleteEnvironmentVariable(variable.sid, result.environmentSid, result.serviceSid, client);
    }
  }
  process.stdout.write(`Deployed to https://${result.domain} (build ${result.buildSid}, runtime ${result.runtime}).\n`);
}

main().catch((err: unknown) => {
  const explained = explainTwilioFailure(err, { host: SERVERLESS_HOST, what: 'deploy', envPath: process.env.ENV_FILE ?? join(ROOT, '.env') });
  if (explained !== undefined) fail(explained);
  const message = err instanceof Error ? err.message : String(err);
  // The toolkit's errors can carry request details; say what failed, never a credential.
  process.stderr.write(`Cannot deploy: ${message.replace(/(Basic|Bearer)\s+\S+/gi, '$1 [redacted]').slice(0, 500)}\n`);
  process.exit(1);
});
