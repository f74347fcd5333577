/**
 * Every answer the suites see from a function must be one the OpenAPI document declares for
 * that endpoint: its status among the endpoint's responses and, for an error, its `code` among
 * the codes that response lists. The document is generated from the contract
 * (src/contract/api.ts), so this proves, per endpoint, that the contract's list of errors holds
 * what the code really answers.
 *
 * Loaded in every suite (jest.config.js, setupFilesAfterEnv): handler tests report through
 * test/support/invoke.ts, end-to-end tests through `fetch`, wrapped here. Each suite checks what
 * it saw once all its tests ran. Answers of the gateway itself (`{ status, message }`, no
 * `error`) and paths the document does not know (the demo page, probes) are not the contract's.
 */
import { buildDocument } from '../../scripts/openapi';

type Responses = Record<string, { content?: { 'application/json'?: { schema?: any } } }>;
const doc = buildDocument('0.0.0-test') as { paths: Record<string, Record<string, { responses: Responses }>> };

const seen = new Set<string>();

/** The documented path of a function: a protected twin (`/studio/x`) answers as `/x`. */
function documentedPath(path: string): string | undefined {
  const bare = path.split('?')[0]!;
  const candidate = bare.startsWith('/studio/') ? bare.slice('/studio'.length) : bare;
  return doc.paths[candidate] ? candidate : undefined;
}

/** Note an answer of a function. */
export function recordAnswer(path: string, status: number, body: unknown): void {
  const documented = documentedPath(path);
  if (documented === undefined) return;
  const error = (body as { error?: { code?: unknown } } | undefined)?.error;
  if (status !== 200 && typeof error?.code !== 'string') return;
  seen.add(JSON.stringify([documented, status, status === 200 ? null : error!.code]));
}

/** The codes a response declares (`allOf` of the Error schema and its own `code` enum). */
function declaredCodes(schema: any): string[] | undefined {
  for (const part of schema?.allOf ?? []) {
    const codes = part?.properties?.error?.properties?.code?.enum;
    if (Array.isArray(codes)) return codes as string[];
  }
  return undefined;
}

/** What the document does not declare of what was seen: one line each. */
export function undeclared(answers: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const entry of answers) {
    const [path, status, code] = JSON.parse(entry) as [string, number, string | null];
    const operations = Object.values(doc.paths[path]!);
    const responses = operations.map((op) => op.responses[String(status)]).filter((r) => r !== undefined);
    if (responses.length === 0) {
      problems.push(`${path} answered ${status}, which it does not declare`);
      continue;
    }
    if (code === null) continue;
    const codes = responses.flatMap((r) => declaredCodes(r.content?.['application/json']?.schema) ?? []);
    if (!codes.includes(code)) problems.push(`${path} answered ${status} ${code}; it declares ${status} with ${codes.join(', ') || 'no code'}`);
  }
  return problems;
}

const realFetch = globalThis.fetch;
if (typeof realFetch === 'function') {
  globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const response = await realFetch(input, init);
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    if (
      /^(127\.|localhost$|\[::1\]$)/.test(url.hostname) &&
      documentedPath(url.pathname) &&
      (response.headers.get('content-type') ?? '').includes('json')
    ) {
      try {
        recordAnswer(url.pathname, response.status, await response.clone().json());
      } catch {
        // Not JSON after all: nothing of the contract's to check.
      }
    }
    return response;
  };
}

afterAll(() => {
  expect(undeclared(seen)).toEqual([]);
});
