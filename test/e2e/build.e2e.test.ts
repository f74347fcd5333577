/**
 * What `npm run build` makes of lib/zod: a self-contained bundle (it must not load zod from
 * node_modules, which is what made a cold start slow) with exactly the source module's exports.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as source from '../../functions/lib/zod.private';

const ROOT = join(__dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist', 'functions', 'lib', 'zod.private.js');

it('the built lib/zod loads without zod in node_modules, and exports what the source does', () => {
  // A child process in which resolving any zod module from node_modules throws.
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      const file = resolve.call(this, request, ...rest);
      if (/node_modules[\\\\/]zod[\\\\/]/.test(file)) throw new Error('loaded zod from node_modules: ' + file);
      return file;
    };
    const z = require(${JSON.stringify(BUNDLE)});
    const schema = z.object({ a: z.string().check(z.regex(/^x/)) });
    process.stdout.write(JSON.stringify({ names: Object.keys(z).sort(), ok: schema.safeParse({ a: 'xy' }).success, bad: schema.safeParse({ a: 'y' }).success }));
  `;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as { names: string[]; ok: boolean; bad: boolean };
  expect(result.names).toEqual(Object.keys(source).sort());
  expect(result).toMatchObject({ ok: true, bad: false });
});

it('the built lib/zod is the tree-shaken bundle, not all of zod', () => {
  expect(readFileSync(BUNDLE).length).toBeLessThan(100 * 1024);
});
