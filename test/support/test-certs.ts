// Throwaway PKI for TLS tests, made with the openssl command line: a CA, a server certificate
// (CN "volume", SAN 127.0.0.1/localhost, for server and client use) and client certificates with chosen common names, plus
// a second CA that our servers must not trust.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CertPair {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  caCert: string;
  server: CertPair;
  /** A second server certificate from the same CA, as a renewal would be. */
  renewedServer: CertPair;
  /** Client certificate with CN "volume-client". */
  client: CertPair;
  /** Another client, CN "intruder.example.org". */
  otherClient: CertPair;
  /** Signed by a CA nobody trusts. */
  strangerClient: CertPair;
  /** Deletes the files (register it with the suite's or test's `after`). */
  remove(): Promise<void>;
}

/** Why TLS tests cannot run here, or false. */
export function opensslMissing(): string | false {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'the openssl command is not available to make test certificates';
  }
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): CertPair {
  const pair = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      pair.key,
      '-out',
      pair.cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    dir,
  );
  return pair;
}

function makeLeaf(dir: string, name: string, commonName: string, ca: CertPair, usage: string): CertPair {
  const pair = { cert: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
  const csr = path.join(dir, `${name}.csr`);
  const ext = path.join(dir, `${name}.ext`);
  writeFileSync(ext, `subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=${usage}\n`);
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      pair.key,
      '-out',
      csr,
      '-subj',
      `/CN=${commonName}`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-out',
      pair.cert,
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    dir,
  );
  return pair;
}

export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'needlework-pki-'));
  const ca = makeCa(dir, 'ca');
  const stranger = makeCa(dir, 'stranger-ca');
  return {
    dir,
    caCert: ca.cert,
    // Used both ways, as a cluster's [grpc.volume] cert usually is (no client_cert).
    server: makeLeaf(dir, 'server', 'volume', ca, 'serverAuth,clientAuth'),
    renewedServer: makeLeaf(dir, 'renewed-server', 'volume', ca, 'serverAuth,clientAuth'),
    client: makeLeaf(dir, 'client', 'volume-client', ca, 'clientAuth'),
    otherClient: makeLeaf(dir, 'other-client', 'intruder.example.org', ca, 'clientAuth'),
    strangerClient: makeLeaf(dir, 'stranger-client', 'volume-client', stranger, 'clientAuth'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
