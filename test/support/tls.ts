/**
 * A throwaway certificate for tests that must talk TLS to a loopback stand-in of a Twilio host
 * (the Serverless API for the deploy test). Made with the machine's `openssl`, self-signed with
 * the hosts as subject alternative names, trusted only by the child processes that are handed
 * it (NODE_EXTRA_CA_CERTS): nothing ignores certificate errors.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  certPath: string;
  cert: string;
  key: string;
  remove: () => void;
}

export function makeTestCertificate(hosts: string[]): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'fic-tls-'));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '1',
      '-subj',
      '/CN=flex-interaction-channels test',
      '-addext',
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  rmSync(keyPath);
  return { certPath, cert, key, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
