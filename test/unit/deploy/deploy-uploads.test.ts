/**
 * What npm run deploy refuses to upload (deploy/uploads.ts) and which keys it refuses to make
 * service variables (deploy/variables.ts): links, files whose real path leaves their folder,
 * files holding a credential of the settings, and credential-looking keys that are not ours.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesHoldingCredentials, linkedFiles } from '../../../deploy/uploads';
import { looksLikeCredential, planVariables, RefusedSettingError } from '../../../deploy/variables';
import { SETTING_NAMES } from '../../../src/config';
import * as f from '../../support/fixtures';

let root: string;
let assets: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fic-uploads-'));
  assets = join(root, 'assets');
  mkdirSync(assets);
  writeFileSync(join(root, '.env'), `AUTH_TOKEN=${f.AUTH_TOKEN}\n`);
  writeFileSync(join(assets, 'plain.json'), '{"ok":true}');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('links and real paths', () => {
  it('a symbolic link is refused, wherever it points; a plain file passes', () => {
    symlinkSync('../.env', join(assets, 'flex-config.txt'));
    symlinkSync('plain.json', join(assets, 'alias.json'));
    const files = ['plain.json', 'flex-config.txt', 'alias.json'].map((n) => join(assets, n));
    expect(linkedFiles(root, assets, files)).toEqual([
      { file: 'assets/flex-config.txt', problem: expect.stringContaining('is a symbolic link') },
      { file: 'assets/alias.json', problem: expect.stringContaining('is a symbolic link') },
    ]);
  });

  it('a file reached through a linked folder that leaves the folder is refused', () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'x');
    symlinkSync('../outside', join(assets, 'sub'));
    expect(linkedFiles(root, assets, [join(assets, 'sub', 'secret.txt')])).toEqual([
      { file: 'assets/sub/secret.txt', problem: 'is really outside assets/ (through a linked folder)' },
    ]);
  });
});

describe("a credential's value in a file", () => {
  it('names the file and the setting, never the value', () => {
    writeFileSync(join(assets, 'notes.txt'), `copied by mistake: ${f.AUTH_TOKEN}\n`);
    writeFileSync(join(assets, 'other.txt'), `and ${f.API_SECRET}`);
    const settings = { ACCOUNT_SID: f.ACCOUNT_SID, AUTH_TOKEN: f.AUTH_TOKEN, API_KEY: f.API_KEY, API_SECRET: f.API_SECRET, AUTH_FLEX_TOKEN: 'true' };
    const problems = filesHoldingCredentials(
      root,
      ['plain.json', 'notes.txt', 'other.txt'].map((n) => join(assets, n)),
      settings,
    );
    expect(problems).toEqual([
      { file: 'assets/notes.txt', problem: 'holds the value of AUTH_TOKEN' },
      { file: 'assets/other.txt', problem: 'holds the value of API_SECRET' },
    ]);
    expect(JSON.stringify(problems)).not.toContain(f.AUTH_TOKEN);
  });

  it('short values (a switch, a number) are not looked for; a SID is not a secret', () => {
    writeFileSync(join(assets, 'flags.txt'), `true 1000 ${f.API_KEY} ${f.ACCOUNT_SID}`);
    expect(
      filesHoldingCredentials(root, [join(assets, 'flags.txt')], { AUTH_FLEX_TOKEN: 'true', API_KEY: f.API_KEY, ACCOUNT_SID: f.ACCOUNT_SID }),
    ).toEqual([]);
  });
});

describe('credential-looking keys that are not ours', () => {
  it('are refused together, by name, never by value', () => {
    const local = {
      ALLOWED_ORIGINS: 'https://flex.twilio.com',
      TWILIO_AUTH_TOKEN: 'v1-secret-value',
      STRIPE_SECRET: 'v2-secret',
      DB_PASSWORD: 'v3',
      OTHER_API_KEY: 'v4',
    };
    let message = '';
    try {
      planVariables(local, undefined);
    } catch (err) {
      expect(err).toBeInstanceOf(RefusedSettingError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^DB_PASSWORD, OTHER_API_KEY, STRIPE_SECRET, TWILIO_AUTH_TOKEN look like credentials/);
    for (const value of ['v1-secret-value', 'v2-secret', 'v3', 'v4']) expect(message).not.toContain(value);
  });

  it('our own settings pass, whatever their names look like; an ordinary unknown key still passes', () => {
    const ours = Object.fromEntries(SETTING_NAMES.filter((n) => !['TWILIO_API_BASE_URL', 'TWILIO_IAM_BASE_URL'].includes(n)).map((n) => [n, 'x']));
    expect(() => planVariables({ ...ours, FEATURE_FLAG: 'on' }, undefined)).not.toThrow();
    for (const name of ['AUTH_FLEX_TOKEN', 'TOKEN_CACHE_SIZE', 'API_SECRET', 'API_KEY_CALLERS']) expect(looksLikeCredential(name)).toBe(true);
    for (const name of ['ALLOWED_ORIGINS', 'CLOSE_POLICY', 'FEATURE_FLAG', 'MONKEY_BUSINESS']) expect(looksLikeCredential(name)).toBe(false);
  });
});
