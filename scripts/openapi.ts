/**
 * Writes assets/openapi.json: the OpenAPI 3.1 description of the three functions, generated
 * from the zod schemas that validate their requests and shape their answers (lib/api), so it
 * cannot drift from the code. Run by `npm run build`; served by the functions as /openapi.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJSONSchema } from 'zod/mini';
import type * as Z from 'zod/mini';
import { loadLib, ROOT } from './runtime-shim';

type Api = typeof import('../functions/lib/api.private');
type JsonSchema = Record<string, unknown>;

/** JSON Schema (2020-12, which OpenAPI 3.1 uses) of a zod schema, as a request or an answer sees it. */
function jsonSchema(api: Api, schema: Z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const out = toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', metadata: api.descriptions }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * A parameter schema as callers may send it. zod describes the parsed form; the wire also
 * takes routing as a JSON string and limit as a numeric string (forms and query strings).
 */
function requestSchema(api: Api, params: Z.ZodMiniObject): JsonSchema {
  const schema = jsonSchema(api, params, 'input');
  const properties = schema.properties as Record<string, JsonSchema>;
  if (properties.routing) {
    const { description, ...object } = properties.routing;
    properties.routing = { description, anyOf: [object, { type: 'string', contentMediaType: 'application/json', description: 'The same object as a JSON string.' }] };
  }
  if (properties.limit) {
    properties.limit = { ...properties.limit, anyOf: [{ type: 'integer', minimum: 1, maximum: 1000 }, { type: 'string', pattern: '^\\d{1,4}$' }] };
  }
  return schema;
}

const ERRORS: Record<string, string> = {
  '400': 'invalid_request: a parameter is missing, malformed or not allowed (details name the fields)',
  '401': 'unauthorized: no credentials, or none of them valid',
  '403': 'forbidden: authenticated, but not allowed to do this',
  '404': 'not_found: Twilio says the interaction or channel does not exist',
  '405': 'method_not_allowed',
  '409': 'conflict: Twilio refuses the change in the channel\'s current state',
  '413': 'payload_too_large',
  '429': 'rate_limited: Twilio kept answering 429; see Retry-After',
  '500': 'misconfigured (or internal_error)',
  '502': 'upstream_error: Twilio answered 5xx or something unreadable',
  '504': 'upstream_timeout: Twilio did not answer within the deadline',
};

export function buildDocument(api: Api, version: string): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  for (const endpoint of api.ENDPOINTS) {
    const name = endpoint.path.slice(1).replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());
    const request = requestSchema(api, endpoint.params);
    const responses: Record<string, JsonSchema> = {
      '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Response` } } } },
    };
    for (const [status, description] of Object.entries(ERRORS)) {
      if (status === '405' && endpoint.methods.length > 1) continue;
      if (status === '403' && endpoint.path !== '/close-channel') continue;
      const headers = status === '429' ? { 'Retry-After': { schema: { type: 'integer' } } } : undefined;
      responses[status] = { description, ...(headers ? { headers } : {}), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    const operations: Record<string, JsonSchema> = {};
    for (const method of endpoint.methods) {
      const operation: JsonSchema = { operationId: method === 'GET' ? name : `${name}Post`, summary: endpoint.summary, responses };
      if (method === 'GET') {
        const properties = request.properties as Record<string, JsonSchema>;
        const required = (request.required as string[] | undefined) ?? [];
        operation.parameters = Object.entries(properties).map(([param, schema]) => ({
          name: param,
          in: 'query',
          required: required.includes(param),
          description: schema.description,
          schema,
        }));
      } else {
        operation.requestBody = {
          required: true,
          content: { 'application/json': { schema: request }, 'application/x-www-form-urlencoded': { schema: request } },
        };
      }
      operations[method.toLowerCase()] = operation;
    }
    paths[endpoint.path] = operations;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'flex-interaction-channels',
      version,
      description:
        'Read and close the channels of a Flex Interaction, for Flex plugins and Studio flows. Parameters may use the PascalCase spelling of Twilio\'s docs (InteractionSid, …) as aliases. A request with a body counts as POST.',
    },
    servers: [{ url: 'https://{domain}', variables: { domain: { default: 'flex-interaction-channels-1234-dev.twil.io' } } }, { url: 'http://127.0.0.1:3300' }],
    security: [{ flexToken: [] }, { accountCredentials: [] }, { twilioSignature: [] }],
    paths,
    components: {
      securitySchemes: {
        flexToken: { type: 'http', scheme: 'bearer', description: "The agent's Flex token (manager.user.token); a Token parameter in the body works too." },
        accountCredentials: { type: 'http', scheme: 'basic', description: 'For your own servers: an API key of the account (SK…:secret, recommended) or ACCOUNT_SID:AUTH_TOKEN.' },
        twilioSignature: { type: 'apiKey', in: 'header', name: 'X-Twilio-Signature', description: 'Twilio request signature. Studio and webhooks should call the protected twins under /studio/, where Twilio\'s gateway checks it.' },
      },
      schemas: {
        getChannelResponse: jsonSchema(api, api.GetChannelResponse, 'output'),
        listChannelsResponse: jsonSchema(api, api.ListChannelsResponse, 'output'),
        closeChannelResponse: jsonSchema(api, api.CloseChannelResponse, 'output'),
        Error: jsonSchema(api, api.ErrorResponse, 'output'),
      },
    },
  };
}

if (require.main === module) {
  const api = loadLib<Api>('api');
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  mkdirSync(join(ROOT, 'assets'), { recursive: true });
  writeFileSync(join(ROOT, 'assets', 'openapi.json'), `${JSON.stringify(buildDocument(api, version), null, 2)}\n`);
}
