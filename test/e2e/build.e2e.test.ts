/**
 * What `npm run build` makes of the library: one bundle, dist/functions/library.private.js,
 * that loads with only `twilio` from node_modules (zod is inside, tree-shaken), exports what the
 * entry points name, and maps its lines back to src/ for a readable stack trace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as source from '../../src/library';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'functions', 'library.private.js');

it('the bundle loads with no zod from node_modules, and exports what src/library does', () => {
  // A child process in which resolving any zod module from node_modules throws.
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      const file = resolve.call(this, request, ...rest);
      if (/node_modules[\\\\/]zod[\\\\/]/.test(file)) throw new Error('loaded zod from node_modules: ' + file);
      return file;
    };
    globalThis.Twilio = { Response: class {} };
    const library = require(${JSON.stringify(BUNDLE)});
    const handler = library.publicHandler('get-channel');
    process.stdout.write(JSON.stringify({ names: Object.keys(library).sort(), handler: typeof handler }));
  `;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as { names: string[]; handler: string };
  expect(result.names).toEqual(Object.keys(source).sort());
  expect(result.handler).toBe('function');
});

it('the bundle holds our code and the parts of zod it uses, not all of zod, and leaves twilio out', () => {
  const text = readFileSync(BUNDLE, 'utf8');
  expect(text.length).toBeLessThan(400 * 1024);
  expect(text).toContain('function authenticate(');
  expect(text).not.toMatch(/node_modules\/twilio\//);
  expect(text).toMatch(/require\("twilio\/lib\/rest\/Twilio"\)/);
});

it('its source map sits outside the deployed folder and names the sources', () => {
  const map = join(ROOT, 'dist', 'maps', 'library.private.js.map');
  expect(existsSync(join(ROOT, 'dist', 'functions', 'library.private.js.map'))).toBe(false);
  const sources = (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources;
  expect(sources.some((s) => s.endsWith('src/credentials/auth.ts'))).toBe(true);
  expect(readFileSync(BUNDLE, 'utf8')).toMatch(/\/\/# sourceMappingURL=\.\.\/maps\/library\.private\.js\.map\n$/);
});
