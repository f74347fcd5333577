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
import { explainTwilioFailure } from '../deploy/reach';
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

/** Stand-ins for the SIDs only the account knows: valid in shape (for the schema), and readable ones to print. */
const DUMMY = {
  serviceSid: `ZS${'0'.repeat(32)}`,
  environmentSid: `ZE${'0'.repeat(32)}`,
  functionSid: `ZH${'0'.repeat(32)}`,
  url: `https://example.twil.io${FUNCTION_PATH}`,
};
const PLACEHOLDERS = {
  serviceSid: '<service SID, ZS…>',
  environmentSid: '<environment SID, ZE…>',
  functionSid: `<SID of ${FUNCTION_PATH}, ZH…>`,
  url: `https://<environment domain>${FUNCTION_PATH}`,
};

function hostOf(baseUrl: string | undefined, host: string): string {
  return baseUrl === undefined ? host : new URL(baseUrl).host;
}

/**
 * The transport logs a call that failed for good as one JSON line, for the Functions logs. At
 * a terminal, the sentence explainTwilioFailure prints says it instead; other warnings pass.
 */
function quietTransportLog(): void {
  const warn = console.warn.bind(console);
  console.warn = (...items: unknown[]) => {
    if (typeof items[0] === 'string' && items[0].startsWith('{"level":"warn","message":"a call to Twilio failed"')) return;
    warn(...items);
  };
}

async function main(): Promise<void> {
  quietTransportLog();
  const args = process.argv.slice(2);
  const environment = option(args, '--environment') ?? 'dev';
  const flowName = option(args, '--flow-name') ?? DEFAULT_FLOW_NAME;
  const envPath = process.env.ENV_FILE ?? join(ROOT, '.env');
  if (!existsSync(envPath)) fail(`there is no settings file at ${envPath} (the account's credentials sign the lookups)`);
  const env = parseEnv(readFileSync(envPath, 'utf8')) as Record<string, string>;
  if (!env.ACCOUNT_SID) fail('ACCOUNT_SID is not set');
  const [username, password] = env.AUTH_TOKEN ? [env.ACCOUNT_SID, env.AUTH_TOKEN] : [env.API_KEY, env.API_SECRET];
  if (!username || !password) fail('set AUTH_TOKEN, or API_KEY and API_SECRET');

  const serverlessHost = hostOf(process.env.TWILIO_SERVERLESS_BASE_URL, 'serverless.twilio.com');
  const studioHost = hostOf(process.env.TWILIO_STUDIO_BASE_URL, 'studio.twilio.com');
  const serverless = client(username, password, env.ACCOUNT_SID, process.env.TWILIO_SERVERLESS_BASE_URL).serverless.v1;
  const studio = client(username, password, env.ACCOUNT_SID, process.env.TWILIO_STUDIO_BASE_URL).studio.v2;
  const { serviceName } = readServerlessRc();
  const dryRun = args.includes('--dry-run');

  // First what this folder alone says (no network): the flow, checked with dummy SIDs.
  const local = validateFlow(buildFlow(DUMMY));
  if (local.length > 0) fail(`the flow template is not valid:\n  ${local.join('\n  ')}`);
  process.stdout.write(
    `Flow "${flowName}": Run Function ${FUNCTION_PATH} of service "${serviceName}", environment "${environment}", from studio/close-channel-flow.template.json (it passes the flow schema).\n`,
  );
  if (dryRun) {
    process.stdout.write(
      `The definition (the <…> values are looked up in your account next):\n${JSON.stringify(buildFlow(PLACEHOLDERS), null, 2)}\n`,
    );
  }
  process.stdout.write(`Looking up the service, environment "${environment}" and ${FUNCTION_PATH} on ${serverlessHost}...\n`);

  const ask = <T>(host: string, what: string, call: () => Promise<T>): Promise<T> =>
    call().catch((err: unknown) => {
      const explained = explainTwilioFailure(err, { host, what, envPath });
      if (explained !== undefined) fail(explained);
      throw err;
    });
  const lookUp = `look up the service "${serviceName}"`;
  const service = (await ask(serverlessHost, lookUp, () => serverless.services.list())).find((s) => s.uniqueName === serviceName);
  if (!service) fail(`no service named "${serviceName}" in this account: run npm run deploy first`);
  const env_ = (await ask(serverlessHost, lookUp, () => serverless.services(service.sid).environments.list())).find(
    (e) => e.domainSuffix === environment || e.uniqueName === environment,
  );
  if (!env_) fail(`service "${serviceName}" has no environment "${environment}" (see --environment)`);
  const fn = (await ask(serverlessHost, lookUp, () => serverless.services(service.sid).functions.list())).find(
    (f) => f.friendlyName === FUNCTION_PATH,
  );
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
    const verdict = await ask(studioHost, 'validate the flow', () =>
      studio.flowValidate.update({ friendlyName: flowName, status: 'published', definition }),
    );
    if (!verdict.valid) fail('Twilio says the definition is not valid');
    process.stdout.write('Twilio validated the definition (POST /v2/Flows/Validate).\n');
  }
  if (dryRun) {
    process.stdout.write(
      `Filled in: service ${service.sid}, environment ${env_.sid}, function ${fn.sid}, url https://${env_.domainName}${FUNCTION_PATH}.\n`,
    );
    process.stdout.write('Dry run: nothing was created or changed.\n');
    return;
  }

  const existing = (await ask(studioHost, 'look up the flow', () => studio.flows.list())).find((f) => f.friendlyName === flowName);
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
