/**
 * Writes assets/openapi.json: the OpenAPI 3.1 description of the functions, generated from the
 * contract (src/contract/api.ts) alone: each endpoint's path, methods, parameters, answer and
 * errors, with the zod schemas that validate the requests and shape the answers. No path is
 * named here. Run by `npm run build`; served by the functions as /openapi.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toJSONSchema } from 'zod/mini';
import type * as Z from 'zod/mini';
import * as api from '../src/contract/api';
import { ERRORS, ErrorResponse, type ErrorCode } from '../src/contract/answers';
import { ROOT } from './root';

type JsonSchema = Record<string, unknown>;

/** JSON Schema (2020-12, which OpenAPI 3.1 uses) of a zod schema, as a request or an answer sees it. */
function jsonSchema(schema: Z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const out = toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', metadata: api.descriptions }) as JsonSchema;
  delete out.$schema;
  return out;
}

/**
 * A parameter schema as callers may send it. zod describes the parsed form; the wire also
 * takes routing as a JSON string and limit as a numeric string (forms and query strings).
 */
function requestSchema(params: Z.ZodMiniObject): JsonSchema {
  const schema = jsonSchema(params, 'input');
  const properties = schema.properties as Record<string, JsonSchema>;
  if (properties.routing) {
    const { description, ...object } = properties.routing;
    properties.routing = {
      description,
      anyOf: [object, { type: 'string', contentMediaType: 'application/json', description: 'The same object as a JSON string.' }],
    };
  }
  if (properties.limit) {
    properties.limit = {
      ...properties.limit,
      anyOf: [
        { type: 'integer', minimum: 1, maximum: 1000 },
        { type: 'string', pattern: '^\\d{1,4}$' },
      ],
    };
  }
  return schema;
}

/** `/get-channel` → `getChannel`. */
const camel = (name: string) => name.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase());

/** The error responses of an endpoint: one per status, its body's `code` limited to the endpoint's codes of that status. */
function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERRORS[code].status, [...(byStatus.get(ERRORS[code].status) ?? []), code]);
  const responses: Record<string, JsonSchema> = {};
  for (const [status, of] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers: JsonSchema = {};
    if (of.includes('rate_limited')) headers['Retry-After'] = { schema: { type: 'integer' }, description: 'Seconds to wait before trying again.' };
    if (of.includes('method_not_allowed')) headers.Allow = { schema: { type: 'string' }, description: 'The methods the endpoint takes.' };
    const schema = {
      allOf: [
        { $ref: '#/components/schemas/Error' },
        { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: of }, status: { const: status } } } } },
      ],
    };
    responses[String(status)] = {
      description: of.map((code) => `${code}: ${ERRORS[code].when}`).join('; '),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: { 'application/json': { schema } },
    };
  }
  return responses;
}

const SECURITY: Record<api.Audience, JsonSchema[]> = {
  everyone: [{ flexToken: [] }, { accountCredentials: [] }, { twilioSignature: [] }],
  twilio: [{ twilioSignature: [] }],
};

const WHO: Record<api.Audience, (name: string) => string> = {
  everyone: (name) => `Public; its protected twin for Twilio-signed callers (Studio, webhooks) is /studio/${name}.`,
  twilio: () => 'Protected: only requests Twilio signed reach it (Twilio webhooks).',
};

export function buildDocument(version: string, endpoints: readonly api.Endpoint[] = api.ENDPOINTS): JsonSchema {
  const paths: Record<string, JsonSchema> = {};
  const schemas: Record<string, JsonSchema> = {};
  for (const endpoint of endpoints) {
    const name = camel(endpoint.name);
    schemas[`${name}Response`] = jsonSchema(endpoint.response, 'output');
    const request = requestSchema(endpoint.params);
    const responses = {
      '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Response` } } } },
      ...errorResponses(endpoint.errors),
    };
    const operations: Record<string, JsonSchema> = {};
    for (const method of endpoint.methods) {
      const operation: JsonSchema = {
        operationId: method === 'GET' ? name : `${name}Post`,
        summary: endpoint.summary,
        description: WHO[endpoint.audience](endpoint.name),
        security: SECURITY[endpoint.audience],
        responses,
      };
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
        "Read and close the channels of a Flex Interaction, for Flex plugins and Studio flows. Parameters may use the PascalCase spelling of Twilio's docs (InteractionSid, …) as aliases. A request with a body counts as POST.",
    },
    servers: [
      { url: 'https://{domain}', variables: { domain: { default: 'flex-interaction-channels-1234-dev.twil.io' } } },
      { url: 'http://127.0.0.1:3300' },
    ],
    paths,
    components: {
      securitySchemes: {
        flexToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The agent's Flex token (manager.user.token); a Token parameter in the body works too.",
        },
        accountCredentials: {
          type: 'http',
          scheme: 'basic',
          description: 'For your own servers: an API key of the account (SK…:secret, recommended) or ACCOUNT_SID:AUTH_TOKEN.',
        },
        twilioSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Twilio-Signature',
          description:
            "Twilio's request signature. Studio and webhooks should call the protected twins under /studio/, where Twilio's gateway checks it.",
        },
      },
      schemas: { ...schemas, Error: jsonSchema(ErrorResponse, 'output') },
    },
  };
}

if (require.main === module) {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  mkdirSync(join(ROOT, 'assets'), { recursive: true });
  writeFileSync(join(ROOT, 'assets', 'openapi.json'), `${JSON.stringify(buildDocument(version), null, 2)}\n`);
}
