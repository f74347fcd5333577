/**
 * Which URL paths a deployed service answers, and with what visibility, derived from the
 * functions and assets folders by the toolkit's naming rule ("Visibility of Functions and
 * Assets", twilio.com/docs/serverless/functions-assets/visibility; the toolkit maps
 * `functions/lib/x.private.js` to the private path `/lib/x`):
 * - `name.private.js` → private: no URL at all (deployed, only `Runtime.getFunctions()` sees it);
 * - `name.protected.js` → protected: only requests with a valid `X-Twilio-Signature`;
 * - any other `name.js` → public. Assets follow the same rule, keeping their extension.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type Visibility = 'public' | 'protected' | 'private';

export interface Route {
  kind: 'function' | 'asset';
  visibility: Visibility;
}

function filesUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...filesUnder(full));
    else files.push(full);
  }
  return files;
}

/** `a/b.protected.json` → `{ path: '/a/b.json', visibility: 'protected' }`. */
export function routeOf(relativeFile: string, stripExtension: boolean): { path: string; visibility: Visibility } {
  const parts = relativeFile.split(sep).join('/');
  const match = /^(.*?)(?:\.(private|protected))?(\.[^./]+)$/.exec(parts);
  const stem = match ? match[1]! : parts;
  const visibility = ((match?.[2] as Visibility | undefined) ?? 'public') as Visibility;
  const extension = match && !stripExtension ? match[3]! : '';
  return { path: `/${stem}${extension}`, visibility };
}

/** Every path the service answers, from the two folders. Only `.js` files are functions. */
export function scanRoutes(functionsDir: string, assetsDir: string): Map<string, Route> {
  const routes = new Map<string, Route>();
  for (const file of filesUnder(assetsDir)) {
    const { path, visibility } = routeOf(relative(assetsDir, file), false);
    routes.set(path, { kind: 'asset', visibility });
  }
  for (const file of filesUnder(functionsDir)) {
    if (!file.endsWith('.js')) continue;
    const { path, visibility } = routeOf(relative(functionsDir, file), true);
    routes.set(path, { kind: 'function', visibility });
  }
  return routes;
}

/**
 * The route for a request path. Deployed, `/` serves the asset `/index.html` when there is
 * one (the toolkit's dev server says so too: "In production we automatically fall back to the
 * contents of /assets/index.html"). A private route is as good as none.
 */
export function lookup(routes: ReadonlyMap<string, Route>, path: string): (Route & { path: string }) | undefined {
  const key = path === '/' && !routes.has('/') ? '/index.html' : path;
  const route = routes.get(key);
  if (route === undefined || route.visibility === 'private') return undefined;
  return { ...route, path: key };
}
