/**
 * The OpenAPI description generated from the zod schemas is valid OpenAPI 3.1 (checked with
 * @seriousme/openapi-schema-validator) and describes exactly the functions of the contract.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from '../../../src/contract/api';
import { buildDocument } from '../../../scripts/openapi';

const ROOT = join(__dirname, '..', '..', '..');
const doc = buildDocument('0.0.0-test') as any;

function validate(document: object): { valid: boolean; errors?: unknown[] } {
  const dir = mkdtempSync(join(tmpdir(), 'fic-oas-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const cli = join(ROOT, 'node_modules', '@seriousme', 'openapi-schema-validator', 'bin', 'validate-api-cli.js');
  try {
    return JSON.parse(execFileSync(process.execPath, [cli, file], { encoding: 'utf8' }));
  } catch (err) {
    // The CLI exits non-zero for an invalid document, still printing its verdict.
    return JSON.parse(String((err as { stdout?: string }).stdout));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('is valid OpenAPI 3.1', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(validate(doc)).toEqual({ valid: true });
});

it('the validator does catch a broken document', () => {
  const broken = JSON.parse(JSON.stringify(doc));
  delete broken.info.title;
  broken.paths['/get-channel'].get.parameters[0].in = 'body';
  expect(validate(broken).valid).toBe(false);
});

it('describes exactly the endpoints of the contract, and their methods', () => {
  expect(Object.keys(doc.paths).sort()).toEqual([
    '/close-channel',
    '/get-channel',
    '/list-channels',
    '/list-parked',
    '/list-participants',
    '/park-channel',
    '/resume-channel',
    '/transfer-channel',
    '/update-participant',
    '/webhooks/conversations',
    '/webhooks/orphan-guard',
    '/webhooks/taskrouter',
  ]);
  expect(Object.keys(doc.paths['/park-channel'])).toEqual(['post']);
  expect(Object.keys(doc.paths['/resume-channel'])).toEqual(['post']);
  expect(Object.keys(doc.paths['/list-parked'])).toEqual(['get', 'post']);
  expect(doc.paths['/park-channel'].post.responses['409']).toBeDefined();
  expect(Object.keys(doc.paths['/transfer-channel'])).toEqual(['post']);
  expect(Object.keys(doc.paths['/list-participants'])).toEqual(['get', 'post']);
  expect(Object.keys(doc.paths['/update-participant'])).toEqual(['post']);
  expect(Object.keys(doc.paths['/get-channel'])).toEqual(['get', 'post']);
  expect(Object.keys(doc.paths['/close-channel'])).toEqual(['post']);
  expect(doc.paths['/close-channel'].post.responses['403']).toBeDefined();
  expect(doc.paths['/close-channel'].post.responses['405']).toBeDefined();
});

it('takes its parameters from the same zod schemas that validate requests', () => {
  const query = doc.paths['/get-channel'].get.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required]);
  expect(query).toEqual([
    ['interactionSid', true],
    ['channelSid', true],
  ]);
  const close = doc.paths['/close-channel'].post.requestBody.content['application/json'].schema;
  expect(Object.keys(close.properties)).toEqual(Object.keys(api.CLOSE_CHANNEL.params.shape));
  expect(close.properties.interactionSid.pattern).toBe('^KD[0-9a-fA-F]{32}$');
  expect(close.properties.status.enum).toEqual(['closed', 'inactive']);
  expect(close.properties.routing.anyOf[0].properties.status.const).toBe('closed');
});
