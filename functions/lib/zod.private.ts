/**
 * The parts of zod the library uses, from its tree-shakable build (`zod/mini`), as one module:
 * every schema of the contract is written with these, and the OpenAPI document is generated
 * from the same schemas.
 *
 * Why a module of its own: zod is the largest thing a cold start compiles. `require('zod')`
 * parses all of it (every locale included), about 30 ms on the benchmark machine, more than
 * everything else we load. `npm run build` (scripts/bundle-zod.ts) replaces this file's
 * compiled output with an esbuild bundle of exactly the names below, about 25 KB, which loads
 * in about 4 ms (figures and commands in BENCHMARKS.md). Under ts-jest and tsc it is an
 * ordinary re-export, so tests run the same zod code.
 *
 * `globalRegistry` holds what `describe` says, for the OpenAPI generator (scripts/openapi.ts).
 * To use another zod function, add its name here.
 */
export {
  _default,
  array,
  boolean,
  describe,
  enum,
  globalRegistry,
  int,
  literal,
  maxLength,
  maximum,
  minLength,
  minimum,
  NEVER,
  nullable,
  nullish,
  number,
  object,
  optional,
  pipe,
  record,
  regex,
  strictObject,
  string,
  superRefine,
  transform,
  union,
  unknown,
} from 'zod/mini';
