/**
 * The built client as a Flex plugin imports it: `./flex-interaction-channels.mjs` by its file
 * name, under strict ES module rules (nodenext), type-checks with the `.d.mts` beside it
 * (without one, TS7016). The full plugin example (examples/flex-plugin) is checked against
 * Flex UI's own types in .ci/run.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/processes';

const built = join(ROOT, 'dist', 'client', 'flex-interaction-channels.mjs');
it('the built .mjs type-checks when imported by its file name under strict ES module rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fic-client-types-'));
  try {
    for (const ext of ['.mjs', '.d.mts']) cpSync(built.replace(/\.mjs$/, ext), join(dir, `flex-interaction-channels${ext}`));
    writeFileSync(
      join(dir, 'plugin.mts'),
      [
        "import { FlexInteractionChannelsClient, type CloseChannelResponse } from './flex-interaction-channels.mjs';",
        "const client = new FlexInteractionChannelsClient({ baseUrl: 'https://x.twil.io', token: () => 't' });",
        'export const close = (task: { attributes: { flexInteractionSid: string; flexInteractionChannelSid: string } }): Promise<CloseChannelResponse> =>',
        '  client.closeChannel(task, { complete: true });',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
        },
        files: ['plugin.mts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    /** What tsc reports (it prints its errors on stdout), or '' when the project type-checks. */
    const check = (): string => {
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
        return '';
      } catch (err) {
        return String((err as { stdout?: string }).stdout);
      }
    };
    expect(check()).toBe('');
    // Without the .d.mts, the same import is the error a plugin developer met.
    rmSync(join(dir, 'flex-interaction-channels.d.mts'));
    expect(check()).toMatch(/error TS7016: Could not find a declaration file for module '\.\/flex-interaction-channels\.mjs'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
