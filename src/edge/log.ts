/**
 * Logging without secrets. Every line is one JSON object of fields we chose; text that came
 * from elsewhere (an error's message) goes through `scrub` first, because libraries put request
 * headers, tokens and URLs with credentials into their messages.
 */

type Fields = Record<string, string | number | boolean | undefined>;

const SECRET_PATTERNS: RegExp[] = [
  /\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]+/gi,
  /\b(authorization|x-twilio-signature|token|password|secret|auth_?token)\b(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /\/\/[^/\s:@]+:[^/\s@]+@/g, // credentials in a URL
  /\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}(\.[A-Za-z0-9_-]+){0,2}\b/g, // JWT
  /\b[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, // JWE (Flex tokens; the key part may be empty)
  /\b[0-9a-fA-F]{32}\b/g, // bare auth tokens and API secrets
];

/** Mask anything in `text` that looks like a credential. */
export function scrub(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, label?: string, sep?: string) =>
      typeof label === 'string' && typeof sep === 'string' && /[:=]/.test(sep) ? `${label}${sep}[redacted]` : '[redacted]',
    );
  }
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** What may be logged of an error: its type, its code, and a scrubbed message. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const codePart = typeof code === 'string' || typeof code === 'number' ? ` (${code})` : '';
    return `${err.name}${codePart}: ${scrub(err.message)}`;
  }
  return `non-error value of type ${typeof err}`;
}

function write(level: 'info' | 'warn' | 'error', message: string, fields: Fields): void {
  const line = JSON.stringify({ level, message: scrub(message), ...fields });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
}

/** A decision worth finding in the Functions logs later (the orphan guard's). */
export const info = (message: string, fields: Fields = {}): void => write('info', message, fields);
export const warn = (message: string, fields: Fields = {}): void => write('warn', message, fields);
export const error = (message: string, fields: Fields = {}): void => write('error', message, fields);
