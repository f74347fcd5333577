/**
 * The Studio flow that closes a channel through the protected /studio/close-channel, built
 * from studio/close-channel-flow.template.json and the SIDs of a deploy. Studio's Run Function
 * widget needs the service, environment and function SIDs and the function's URL, which exist
 * only once the service is deployed; `npm run studio` (studio/publish.ts) looks them up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { ROOT } from '../scripts/root';

const STUDIO = join(ROOT, 'studio');

export interface DeployedFunction {
  serviceSid: string;
  environmentSid: string;
  functionSid: string;
  /** https://<environment domain>/studio/close-channel */
  url: string;
}

/** The template's placeholders, each a whole string value of the template. */
const PLACEHOLDERS = {
  __SERVICE_SID__: 'serviceSid',
  __ENVIRONMENT_SID__: 'environmentSid',
  __FUNCTION_SID__: 'functionSid',
  __FUNCTION_URL__: 'url',
} as const satisfies Record<string, keyof DeployedFunction>;

/** Each string value that is exactly a placeholder, replaced by its value; everything else copied. */
function fill(value: unknown, fn: DeployedFunction): unknown {
  if (typeof value === 'string') return Object.hasOwn(PLACEHOLDERS, value) ? fn[PLACEHOLDERS[value as keyof typeof PLACEHOLDERS]] : value;
  if (Array.isArray(value)) return value.map((item) => fill(item, fn));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, fn)]));
  }
  return value;
}

/**
 * The template with the deploy's SIDs filled in: the template is parsed first and the values go
 * into the parsed object, never into JSON text, so a value holding a quote, a backslash or `$&`
 * is that value and can change nothing else of the definition.
 */
export function buildFlow(
  fn: DeployedFunction,
  templateText = readFileSync(join(STUDIO, 'close-channel-flow.template.json'), 'utf8'),
): Record<string, unknown> {
  return fill(JSON.parse(templateText), fn) as Record<string, unknown>;
}

/**
 * Problems with a definition, as `path: message` lines (none when it is fine): the flow schema
 * (studio/flow-definition.schema.json), then what the schema cannot say: every transition goes
 * to a state that exists, the initial state is a trigger, and no Make HTTP Request widget uses
 * "Authenticate with Twilio" (Twilio documents it for Twilio API URLs only; a Function is not one).
 */
export function validateFlow(definition: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(STUDIO, 'flow-definition.schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const check = ajv.compile(schema);
  const problems: string[] = [];
  if (!check(definition)) {
    for (const e of check.errors ?? []) problems.push(`${e.instancePath || '/'}: ${e.message ?? 'invalid'}`);
    return problems;
  }
  const flow = definition as {
    initial_state: string;
    states: Array<{ name: string; type: string; transitions: Array<{ next?: string }>; properties: Record<string, unknown> }>;
  };
  const names = new Set(flow.states.map((s) => s.name));
  if (names.size !== flow.states.length) problems.push('/states: state names must be unique');
  const initial = flow.states.find((s) => s.name === flow.initial_state);
  if (initial?.type !== 'trigger') problems.push('/initial_state: must name a trigger state');
  for (const state of flow.states) {
    for (const t of state.transitions)
      if (t.next !== undefined && !names.has(t.next)) problems.push(`/states/${state.name}: goes to "${t.next}", which is no state`);
    if (state.type === 'make-http-request' && state.properties.add_twilio_auth === true) {
      problems.push(
        `/states/${state.name}: "Authenticate with Twilio" is for Twilio API URLs only; call the protected function with Run Function instead`,
      );
    }
  }
  return problems;
}
