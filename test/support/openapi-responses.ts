/** Check real answers against the schemas the generated OpenAPI description declares. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const doc = JSON.parse(readFileSync(join(__dirname, '..', '..', 'assets', 'openapi.json'), 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', ...doc }, 'openapi');

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Throw unless `body` matches what the description declares for `path`/`method`/`status`. */
export function expectDeclared(path: string, method: 'get' | 'post', status: number, body: unknown): void {
  const response = doc.paths[path]?.[method]?.responses?.[String(status)];
  if (!response) throw new Error(`${method.toUpperCase()} ${path} does not declare ${status}`);
  const at = `openapi#/${pointer('paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(at) ?? ajv.compile({ $ref: at });
  if (!validate(body))
    throw new Error(
      `${method.toUpperCase()} ${path} ${status} does not match what it declares: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
}
