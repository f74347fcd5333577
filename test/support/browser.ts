/**
 * A real Chromium for the browser suite, driven by playwright-core. The binary comes from the
 * npm package @sparticuz/chromium (so `npm ci` alone installs it on Linux); CHROME_PATH points at
 * another Chrome (e.g. on macOS). None of that package's default launch arguments are used: they
 * include --disable-web-security, which switches CORS off, and a browser suite run with it would
 * prove nothing.
 *
 * Hosts like flex.twilio.com and *.twil.io are mapped to 127.0.0.1 inside this browser only, and
 * the one certificate the test made is accepted by its public key (no certificate error is
 * ignored otherwise), so the page runs on a real https origin and applies real CORS and
 * mixed-content rules to the calls.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../../scripts/root';

/** The base64 SHA-256 of the certificate's public key, as Chromium's SPKI allow-list wants it. */
export function spkiHash(certPem: string): string {
  const der = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/**
 * Where the Chromium of @sparticuz/chromium is (it unpacks itself on first use). That package is
 * an ES module only, so it is asked in a child process rather than loaded into jest's CommonJS.
 */
function packagedChromium(): string {
  return execFileSync(
    process.execPath,
    ['--input-type=module', '-e', "import c from '@sparticuz/chromium'; process.stdout.write(await c.executablePath());"],
    {
      encoding: 'utf8',
      cwd: ROOT,
    },
  );
}

export async function launchBrowser(options: { hosts?: string[]; certPem?: string } = {}): Promise<Browser> {
  const executablePath = process.env.CHROME_PATH ?? packagedChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.hosts?.length ? [`--host-resolver-rules=${options.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(',')}`] : []),
      ...(options.certPem ? [`--ignore-certificate-errors-spki-list=${spkiHash(options.certPem)}`] : []),
    ],
  });
}
