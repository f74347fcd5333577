/**
 * What the toolkit would upload, checked file by file before anything leaves this machine:
 * - no file that is a symbolic link, and none whose real path leaves its folder (a committed
 *   `assets/flex-config.txt → ../.env` passes "is it committed?", and the toolkit follows the
 *   link: the settings file would go out as a public asset);
 * - no file whose content holds the value of a credential of the settings (AUTH_TOKEN,
 *   API_SECRET, or any other setting whose name says it is one), however it got there.
 * A refusal names the file and the setting, never the value.
 */
import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { SETTING_NAMES } from '../src/config';
import { looksLikeCredential } from './variables';

/** Credential values shorter than this are not looked for (they would match by chance). */
export const MIN_SECRET_LENGTH = 12;

export interface UploadProblem {
  /** Project-relative path. */
  file: string;
  problem: string;
}

const inside = (folder: string, path: string): boolean => path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);

/** Files (absolute paths, as the toolkit lists them) that are links or resolve outside `folder`. */
export function linkedFiles(root: string, folder: string, files: readonly string[]): UploadProblem[] {
  const realFolder = realpathSync(folder);
  const problems: UploadProblem[] = [];
  for (const file of files) {
    const name = relative(root, file);
    if (lstatSync(file).isSymbolicLink()) {
      problems.push({ file: name, problem: 'is a symbolic link (nothing that is a link is uploaded)' });
      continue;
    }
    if (!inside(realFolder, realpathSync(file)))
      problems.push({ file: name, problem: `is really outside ${relative(root, folder)}/ (through a linked folder)` });
  }
  return problems;
}

/** The functions' own settings that hold a secret (API_KEY is a SID, not a secret). */
const SECRETS = ['AUTH_TOKEN', 'API_SECRET'];

/** The settings' credential values worth looking for: AUTH_TOKEN, API_SECRET and any credential-looking key not ours. */
export function credentialValues(settings: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(settings)
    .filter(
      ([key, value]) =>
        (SECRETS.includes(key) || (looksLikeCredential(key) && !SETTING_NAMES.includes(key))) && value.trim().length >= MIN_SECRET_LENGTH,
    )
    .map(([key, value]) => ({ key, value: value.trim() }));
}

/** Files whose content holds one of the settings' credential values (named by key, never by value). */
export function filesHoldingCredentials(root: string, files: readonly string[], settings: Record<string, string>): UploadProblem[] {
  const secrets = credentialValues(settings);
  const problems: UploadProblem[] = [];
  for (const file of files) {
    const content = readFileSync(file);
    const held = secrets.filter(({ value }) => content.includes(value)).map(({ key }) => key);
    if (held.length > 0) problems.push({ file: relative(root, file), problem: `holds the value of ${held.join(', ')}` });
  }
  return problems;
}
