/**
 * `npm run studio [-- --environment dev] [--flow-name NAME] [--validate] [--dry-run]`: after
 * `npm run deploy`, build the Studio flow that calls the protected /studio/close-channel with
 * Run Function, and create or update it in your account (published).
 *
 * It looks up the deployed service (by the name in .twilioserverlessrc), the environment (by
 * its domain suffix) and the function (the toolkit names functions by their path) with the
 * Serverless API, fills studio/close-channel-flow.template.json, checks the definition
 * (studio/flow.ts; with --validate also Twilio's own POST /v2/Flows/Validate), then creates the
 * flow, or updates the one of the same name, with the Studio v2 API. All through the `twilio`
 * helper and the project's transport (timeouts, retries).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import twilio from 'twilio';
import { readServerlessRc } from '../deploy/project';
import { ROOT } from '../scripts/root';
import { Transport } from '../src/twilio/transport';
import { buildFlow, validateFlow } from './flow';

export const FUNCTION_PATH = '/studio/close-channel';
export const DEFAULT_FLOW_NAME = 'Close interaction channel (flex-interaction-channels)';

function fail(message: string): never {
  process.stderr.write(`npm run studio: ${message}\n`);
  process.exit(1);
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/** A `twilio` client whose calls go through our transport; `baseUrl` only for the tests' stand-ins. */
function client(username: string, password: string, accountSid: string, baseUrl: string | undefined) {
  if (baseUrl !== undefined && !/^https:\/\/|^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?(\/|$)/.test(baseUrl)) {
    fail(`a base URL must be https (plain http only to loopback): ${baseUrl}`);
  }
  const transport = new Transport({ service: 'the Twilio REST API', callTimeoutMs: 10_000, fallbackDeadlineMs: 30_000, baseUrl });
  return twilio(username, password, { accountSid, httpClient: transport as never });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const environment = option(args, '--environment') ?? 'dev';
  const flowName = option(args, '--flow-name') ?? DEFAULT_FLOW_NAME;
  const envPath = process.env.ENV_FILE ?? join(ROOT, '.env');
  if (!existsSync(envPath)) fail(`there is no settings file at ${envPath} (the account's credentials sign the lookups)`);
  const env = parseEnv(readFileSync(envPath, 'utf8')) as Record<string, string>;
  if (!env.ACCOUNT_SID) fail('ACCOUNT_SID is not set');
  const [username, password] = env.AUTH_TOKEN ? [env.ACCOUNT_SID, env.AUTH_TOKEN] : [env.API_KEY, env.API_SECRET];
  if (!username || !password) fail('set AUTH_TOKEN, or API_KEY and API_SECRET');

  const serverless = client(username, password, env.ACCOUNT_SID, process.env.TWILIO_SERVERLESS_BASE_URL).serverless.v1;
  const studio = client(username, password, env.ACCOUNT_SID, process.env.TWILIO_STUDIO_BASE_URL).studio.v2;
  const { serviceName } = readServerlessRc();

  const service = (await serverless.services.list()).find((s) => s.uniqueName === serviceName);
  if (!service) fail(`no service named "${serviceName}" in this account: run npm run deploy first`);
  const env_ = (await serverless.services(service.sid).environments.list()).find(
    (e) => e.domainSuffix === environment || e.uniqueName === environment,
  );
  if (!env_) fail(`service "${serviceName}" has no environment "${environment}" (see --environment)`);
  const fn = (await serverless.services(service.sid).functions.list()).find((f) => f.friendlyName === FUNCTION_PATH);
  if (!fn) fail(`service "${serviceName}" has no function ${FUNCTION_PATH}: deploy this version first`);

  const definition = buildFlow({
    serviceSid: service.sid,
    environmentSid: env_.sid,
    functionSid: fn.sid,
    url: `https://${env_.domainName}${FUNCTION_PATH}`,
  });
  const problems = validateFlow(definition);
  if (problems.length > 0) fail(`the flow definition is not valid:\n  ${problems.join('\n  ')}`);
  process.stdout.write(
    `Flow "${flowName}": Run Function ${FUNCTION_PATH} of ${serviceName} (${service.sid}), environment ${env_.domainName}. The definition passes the flow schema.\n`,
  );

  if (args.includes('--validate')) {
    const verdict = await studio.flowValidate.update({ friendlyName: flowName, status: 'published', definition });
    if (!verdict.valid) fail('Twilio says the definition is not valid');
    process.stdout.write('Twilio validated the definition (POST /v2/Flows/Validate).\n');
  }
  if (args.includes('--dry-run')) {
    process.stdout.write(`${JSON.stringify(definition, null, 2)}\n`);
    return;
  }

  const existing = (await studio.flows.list()).find((f) => f.friendlyName === flowName);
  const flow = existing
    ? await studio.flows(existing.sid).update({ status: 'published', definition, commitMessage: 'npm run studio' })
    : await studio.flows.create({ friendlyName: flowName, status: 'published', definition, commitMessage: 'npm run studio' });
  process.stdout.write(`${existing ? 'Updated' : 'Created'} and published flow ${flow.sid}. Try it:\n`);
  process.stdout.write(
    `  twilio api:studio:v2:flows:executions:create --flow-sid ${flow.sid} --to x --from y --parameters '{"interactionSid":"KD…","channelSid":"UO…"}'\n`,
  );
}

main().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  fail(message.slice(0, 500));
});
