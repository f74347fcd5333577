/**
 * Logging without secrets. Every line is one JSON object of fields we chose; text that came
 * from elsewhere (an error's message) goes through `scrub` first, because libraries put request
 * headers, tokens and URLs with credentials into their messages.
 */

type Fields = Record<string, string | number | boolean | undefined>;

/** Runs of the characters tokens, keys and encodings are made of. */
const RUN = '[A-Za-z0-9_-]';
/** Not preceded by a run character: each run is tried once, from its start, never from inside. */
const START = `(?<!${RUN})`;

/**
 * What `scrub` looks at: the first SCRUB_INPUT_MAX characters of a message (the rest is cut
 * before any pattern runs), and every quantifier is bounded, so that scrubbing costs a bounded
 * amount whatever a library put in an error message. A run cut at the limit is dropped whole,
 * so no fragment of a secret that straddles it is left unmasked.
 */
export const SCRUB_INPUT_MAX = 1024;
/** What `scrub` returns at most (plus `…`). */
export const SCRUB_OUTPUT_MAX = 300;

export const SECRET_PATTERNS: readonly RegExp[] = [
  /\b(basic|bearer)\s{1,16}[A-Za-z0-9+/=._~-]{1,1024}/gi,
  /\b(authorization|x-twilio-signature|token|password|secret|auth_?token)\b(["']?\s{0,16}[:=]\s{0,16}["']?)[^\s"',}]{1,1024}/gi,
  /\/\/[^/\s:@]{1,256}:[^/\s@]{1,1024}@/g, // credentials in a URL
  new RegExp(`${START}${RUN}{20,1024}\\.${RUN}{10,1024}\\.${RUN}{10,1024}(\\.${RUN}{1,1024}){0,2}\\b`, 'g'), // JWT
  new RegExp(`${START}${RUN}{10,1024}\\.${RUN}{0,1024}\\.${RUN}{1,1024}\\.${RUN}{1,1024}\\.${RUN}{1,1024}`, 'g'), // JWE (Flex tokens; the key part may be empty)
  /\b[0-9a-fA-F]{32}\b/g, // bare auth tokens and API secrets
];

/** The part of `text` that `scrub` looks at: cut at SCRUB_INPUT_MAX, a run cut there dropped whole. */
export function scrubInput(text: string): { input: string; cut: boolean } {
  if (text.length <= SCRUB_INPUT_MAX) return { input: text, cut: false };
  return { input: text.slice(0, SCRUB_INPUT_MAX).replace(/[A-Za-z0-9+/=._~-]{1,1024}$/, ''), cut: true };
}

/** Mask anything in `text` that looks like a credential; cut first, then masked, then cut again. */
export function scrub(text: string): string {
  const { input, cut } = scrubInput(text);
  let out = input;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, label?: string, sep?: string) =>
      typeof label === 'string' && typeof sep === 'string' && /[:=]/.test(sep) ? `${label}${sep}[redacted]` : '[redacted]',
    );
  }
  return out.length > SCRUB_OUTPUT_MAX ? `${out.slice(0, SCRUB_OUTPUT_MAX)}…` : cut ? `${out}…` : out;
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
