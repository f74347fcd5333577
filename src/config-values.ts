/**
 * How each kind of setting is read (src/config.ts uses these): switches, bounded whole numbers,
 * trimmed text, comma-separated lists, base URLs, browser origins and API key SIDs. A bad value
 * becomes a message that names what is wrong, never the value.
 */
import * as z from 'zod/mini';
import { sidPattern, sidRule } from './contract/sids';

export const sid = (kind: 'account' | 'apiKey' | 'workspace' | 'syncService') => z.string().check(z.regex(sidPattern(kind), sidRule(kind)));

const FLAGS = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'] as const;
type Flag = (typeof FLAGS)[number];

export const flag = (fallback: boolean) =>
  z.pipe(
    z.optional(z.enum(FLAGS, { error: 'must be true or false' })),
    z.transform((v: Flag | undefined) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v))),
  );

export const integer = (fallback: number, min: number, max: number) =>
  z.pipe(
    z.pipe(
      z.optional(z.string().check(z.regex(/^\d+$/, 'must be a whole number'))),
      z.transform((v: string | undefined) => (v === undefined ? fallback : Number(v))),
    ),
    z.number().check(z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`)),
  );

export const optionalText = z.pipe(
  z.optional(z.string()),
  z.transform((v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim())),
);

/** A comma-separated setting as a list; blank items dropped. */
export function list(value: string | undefined, fallback: string[]): string[] {
  if (value === undefined) return fallback;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

// URL's hostname keeps IPv6 brackets; 127.0.0.0/8 is matched by its prefix below.
const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** A base URL override: https anywhere, plain http only to this machine. */
export const baseUrl = z.pipe(
  optionalText,
  z.pipe(
    z.optional(z.string()).check(
      z.superRefine((v, ctx) => {
        if (v === undefined) return;
        let url: URL;
        try {
          url = new URL(v);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
          return;
        }
        const loopback = LOOPBACK_HOSTS.has(url.hostname) || url.hostname.startsWith('127.');
        if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
          ctx.addIssue({ code: 'custom', message: 'must be https (plain http is allowed to loopback only)' });
        }
      }),
    ),
    z.transform((v: string | undefined) => v?.replace(/\/+$/, '')),
  ),
);

/**
 * Browser origins for CORS, comma-separated. Each must be exactly an origin (scheme, host and
 * port, as a browser sends it in `Origin`); `*` and anything else are refused, so a typo can
 * never widen CORS or silently break it.
 */
function isOrigin(item: string): boolean {
  try {
    const url = new URL(item);
    return /^https?:$/.test(url.protocol) && url.origin === item;
  } catch {
    return false;
  }
}

export const origins = z.pipe(
  optionalText,
  z.optional(z.string()).check(
    z.superRefine((v, ctx) => {
      // The entry is named by its position, never echoed: this message reaches every caller in
      // a 500, and a settings value is not theirs to read.
      const bad = list(v, []).findIndex((item) => !isOrigin(item));
      if (bad >= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated list of origins like https://flex.twilio.com (entry ${bad + 1} is not one; * is not allowed)`,
        });
      }
    }),
  ),
);

/** API key SIDs, comma-separated; an entry that is not one is named by its position, never echoed. */
export const apiKeySids = z.pipe(
  optionalText,
  z.optional(z.string()).check(
    z.superRefine((v, ctx) => {
      const bad = list(v, []).findIndex((item) => !sidPattern('apiKey').test(item));
      if (bad >= 0) ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of API key SIDs (SK…; entry ${bad + 1} is not one)` });
    }),
  ),
);
