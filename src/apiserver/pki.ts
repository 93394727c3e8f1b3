/**
 * The cluster's CA and serving certificate, made with the `openssl` CLI (Node's crypto makes
 * keys but not certificates). ECDSA P-256; the serving certificate names 127.0.0.1 and
 * localhost, which is where the server listens.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Pki {
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    if (err.code === 'ENOENT') throw new Error('the openssl command is needed to make the cluster certificates; install OpenSSL');
    throw new Error(`openssl ${args[0]} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** Reads the certificates in `dir`, making them first when they are missing. */
export async function ensurePki(dir: string, commonName = 'fluxion'): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'apiserver.crt', key: 'apiserver.key' };
  if (!Object.values(files).every((f) => existsSync(join(dir, f)))) {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(
      ['req', '-x509', ...ec, '-keyout', files.caKey, '-out', files.caCert, '-days', '3650', '-subj', `/CN=${commonName}-ca`,
        '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'],
      dir,
    );
    await openssl(['req', ...ec, '-keyout', files.key, '-out', 'apiserver.csr', '-subj', `/CN=${commonName}-apiserver`], dir);
    writeFileSync(
      join(dir, 'apiserver.ext'),
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
    );
    await openssl(
      ['x509', '-req', '-in', 'apiserver.csr', '-CA', files.caCert, '-CAkey', files.caKey, '-CAcreateserial', '-out', files.cert, '-days', '825', '-extfile', 'apiserver.ext'],
      dir,
    );
    for (const f of ['apiserver.csr', 'apiserver.ext', 'ca.srl']) rmSync(join(dir, f), { force: true });
  }
  return {
    caCert: readFileSync(join(dir, files.caCert), 'utf8'),
    caKey: readFileSync(join(dir, files.caKey), 'utf8'),
    cert: readFileSync(join(dir, files.cert), 'utf8'),
    key: readFileSync(join(dir, files.key), 'utf8'),
  };
}
