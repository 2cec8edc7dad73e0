import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Files of a throwaway PKI: a CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA. */
export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A second CA that signed nothing here: trusting only it must fail verification. */
  otherCaCert: string;
  read(file: string): string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/** Generates the PKI with the `openssl` command into a fresh temp dir (EC keys, so it is quick). */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'saker-pki-'));
  const key = (name: string) => openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name]);
  const selfSigned = (keyFile: string, certFile: string, cn: string) =>
    openssl(dir, ['req', '-x509', '-new', '-key', keyFile, '-subj', `/CN=${cn}`, '-days', '2', '-out', certFile]);
  const signed = (name: string, cn: string, ext: string) => {
    key(`${name}.key`);
    openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}`, '-out', `${name}.csr`]);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  };
  key('ca.key');
  selfSigned('ca.key', 'ca.crt', 'Saker Test CA');
  key('other-ca.key');
  selfSigned('other-ca.key', 'other-ca.crt', 'Saker Other CA');
  signed('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signed('client', 'saker-client', 'extendedKeyUsage=clientAuth\n');
  const path = (name: string) => join(dir, name);
  return {
    dir,
    caCert: path('ca.crt'),
    serverCert: path('server.crt'),
    serverKey: path('server.key'),
    clientCert: path('client.crt'),
    clientKey: path('client.key'),
    otherCaCert: path('other-ca.crt'),
    read: (file) => readFileSync(file, 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
