/**
 * The globals Twilio's Runtime gives a function, faked for unit and handler tests:
 * - `Runtime.getFunctions()` maps `library` to the TypeScript source, and fails loudly
 *   when code asks for a module that does not exist;
 * - `Twilio.Response` keeps status, headers and body in public fields, and appends headers
 *   the way the real one does (a second value for a name makes an array), so duplicate
 *   headers show up in assertions.
 */
import { join } from 'node:path';

// The one private function, as the build bundles it: here its source, by ordinary imports.
const functions: Record<string, { path: string }> = { library: { path: join(__dirname, '..', '..', 'src', 'library.ts') } };

const loudFunctions = new Proxy(functions, {
  get(target, name) {
    if (typeof name === 'string' && !(name in target)) {
      throw new Error(`Runtime.getFunctions(): no function "${name}" (known: ${Object.keys(target).join(', ')})`);
    }
    return target[name as string];
  },
});

export class FakeResponse {
  statusCode = 200;
  headers: Record<string, string | string[]> = {};
  body: unknown = undefined;

  setStatusCode(code: number): this {
    this.statusCode = code;
    return this;
  }

  setBody(body: unknown): this {
    this.body = body;
    return this;
  }

  appendHeader(key: string, value: string): this {
    const existing = this.headers[key];
    this.headers[key] = existing === undefined ? value : [existing, value].flat();
    return this;
  }

  setHeaders(headers: Record<string, string>): this {
    this.headers = {};
    for (const [k, v] of Object.entries(headers)) this.appendHeader(k, v);
    return this;
  }

  setCookie(): this {
    throw new Error('setCookie is not used by this service');
  }

  removeCookie(): this {
    throw new Error('removeCookie is not used by this service');
  }
}

Object.assign(globalThis, {
  Runtime: {
    getFunctions: () => loudFunctions,
    getAssets: () => ({}),
    getSync: () => {
      throw new Error('Runtime.getSync is not used by this service');
    },
  },
  Twilio: { Response: FakeResponse },
});
