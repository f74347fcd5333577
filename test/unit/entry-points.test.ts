/**
 * The functions folder is exactly what the contract says, one line per entry: each endpoint open
 * to everyone has a public function and a protected twin under studio/, each webhook a
 * protected function under webhooks/, and each is `publicHandler` or `protectedHandler` of its
 * own name. Nothing else is there (anything else would deploy as a function).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ENDPOINTS } from '../../src/contract/api';

const FUNCTIONS = join(__dirname, '..', '..', 'functions');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [relative(FUNCTIONS, full)];
  });
}

const expected = new Map<string, string>();
for (const endpoint of ENDPOINTS) {
  if (endpoint.audience === 'everyone') {
    expected.set(`${endpoint.name}.ts`, `publicHandler('${endpoint.name}')`);
    expected.set(`studio/${endpoint.name}.protected.ts`, `protectedHandler('${endpoint.name}')`);
  } else {
    expected.set(`webhooks/${endpoint.name}.protected.ts`, `protectedHandler('${endpoint.name}')`);
  }
}

it('holds exactly the entry points the contract names', () => {
  expect(files(FUNCTIONS).sort()).toEqual([...expected.keys()].sort());
});

it.each([...expected])('%s is one line of code: %s, through the library', (file, call) => {
  const code = readFileSync(join(FUNCTIONS, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !/^\s*(\/\*\*|\*|\/\/)/.test(line));
  expect(code).toHaveLength(1);
  expect(code[0]).toContain(`.${call};`);
  expect(code[0]).toMatch(
    /^export const handler = \(require\(Runtime\.getFunctions\(\)\['library'\]!\.path\) as typeof import\('(\.\.\/)+src\/library'\)\)\./,
  );
});
