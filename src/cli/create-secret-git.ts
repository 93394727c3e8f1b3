/**
 * `fluxion create secret git`, and the Git credentials `create source git` stores: basic
 * auth or a bearer token for HTTP/S; for SSH a key pair (read from --private-key-file or made
 * by ssh-keygen) plus the server's host keys collected with ssh-keyscan. The keys are those
 * the source controller reads (username, password, bearerToken, identity, identity.pub,
 * known_hosts, ca.crt, caFile).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, say, sayGenerating, timeoutMs, withClient, type KubeFlags } from './common.js';

export interface SshKeyFlags {
  privateKeyFile?: string;
  password?: string;
  sshKeyAlgorithm: string;
  sshRsaBits: string;
  sshEcdsaCurve: string;
}

export interface SecretGitFlags extends KubeFlags, SshKeyFlags {
  url?: string;
  username?: string;
  bearerToken?: string;
  caFile?: string;
  caCrtFile?: string;
  export?: boolean;
  label?: string[];
}

/** Runs a program (argv, no shell) and returns its stdout; errors carry its stderr. */
function run(file: string, args: string[], timeout = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { timeout, encoding: 'utf8', maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stderr: String(stderr).trim() }));
      else resolve(stdout);
    });
    child.stdin?.end();
  });
}

/** Parses --url; the error names the flag, then Go's words. */
export function parseGitUrl(raw: string | undefined): URL {
  if (!raw) throw new CliError('--url is required');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CliError(`--url: git URL parse failed: '${raw}' is not a URL (scp-like addresses need the ssh://user@host/path form)`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!['ssh', 'http', 'https'].includes(scheme)) throw new CliError(`--url: git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  return u;
}

function keygenArgs(flags: SshKeyFlags): string[] {
  switch (flags.sshKeyAlgorithm) {
    case 'ed25519':
      return ['-t', 'ed25519'];
    case 'rsa': {
      const bits = Number(flags.sshRsaBits);
      if (!Number.isInteger(bits) || bits < 1024 || bits > 8192 || bits % 8 !== 0) throw new CliError(`--ssh-rsa-bits: RSA key bit size must be a multiple of 8 between 1024 and 8192, not '${flags.sshRsaBits}'`);
      return ['-t', 'rsa', '-b', String(bits)];
    }
    case 'ecdsa': {
      const bits = { p256: '256', p384: '384', p521: '521' }[flags.sshEcdsaCurve];
      if (!bits) throw new CliError(`--ssh-ecdsa-curve: unsupported curve '${flags.sshEcdsaCurve}', must be one of: p256, p384, p521`);
      return ['-t', 'ecdsa', '-b', bits];
    }
    default:
      throw new CliError(`--ssh-key-algorithm: unsupported public key algorithm '${flags.sshKeyAlgorithm}', must be one of: rsa, ecdsa, ed25519`);
  }
}

/** "type base64\n", the authorized_keys line flux stores (without the key's comment). */
const authorizedKey = (line: string) => `${line.trim().split(/\s+/).slice(0, 2).join(' ')}\n`;

export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * The key pair of --private-key-file (its public half derived by ssh-keygen, which also
 * proves the passphrase), or a new one of --ssh-key-algorithm.
 */
export async function sshKeyPair(flags: SshKeyFlags): Promise<KeyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxion-key-'));
  try {
    const file = join(dir, 'identity');
    if (flags.privateKeyFile) {
      let privateKey: string;
      try {
        privateKey = await readFile(flags.privateKeyFile, 'utf8');
      } catch (e) {
        throw new CliError(`--private-key-file: failed to open private key file: ${(e as Error).message}`);
      }
      // ssh-keygen refuses key files others can read; the copy is private.
      await writeFile(file, privateKey, { mode: 0o600 });
      try {
        const publicKey = await run('ssh-keygen', ['-y', '-P', flags.password ?? '', '-f', file]);
        return { privateKey, publicKey: authorizedKey(publicKey) };
      } catch (e) {
        const why = (e as { stderr?: string }).stderr || (e as Error).message;
        throw new CliError(`--private-key-file: cannot read the private key ${flags.privateKeyFile}${flags.password ? ' with --password' : ''}: ${why}`);
      }
    }
    const args = keygenArgs(flags);
    await run('ssh-keygen', ['-q', ...args, '-N', '', '-C', '', '-f', file]);
    return { privateKey: await readFile(file, 'utf8'), publicKey: authorizedKey(await readFile(`${file}.pub`, 'utf8')) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The SSH server's host keys, as known_hosts lines (ssh-keyscan's "[host]:port" form off port 22). */
export async function scanHostKeys(u: URL): Promise<string> {
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = u.port || '22';
  let out: string;
  try {
    out = await run('ssh-keyscan', ['-T', '30', '-p', port, host], 40_000);
  } catch (e) {
    throw new CliError(`SSH key scan for host ${host}:${port} failed, error: ${(e as { stderr?: string }).stderr || (e as Error).message}`);
  }
  const lines = out.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length === 0) throw new CliError(`SSH key scan for host ${host}:${port} failed, error: no host key received`);
  return lines.join('\n');
}

async function readCaFile(flag: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`${flag}: unable to read TLS CA file: ${(e as Error).message}`);
  }
}

export interface GitSecretInput extends SshKeyFlags {
  url: URL;
  username?: string;
  bearerToken?: string;
  caFile?: string;
  caCrtFile?: string;
}

/** What an SSH secret holds besides the stringData: for the deploy-key conversation. */
export interface GitSecretData {
  stringData: Record<string, string>;
  publicKey?: string;
  knownHosts?: string;
}

/** The stringData of a Git credentials secret (flux's sourcesecret.Generate, for Git). */
export async function gitSecretData(input: GitSecretInput): Promise<GitSecretData> {
  const stringData: Record<string, string> = {};
  const scheme = input.url.protocol.replace(/:$/, '');
  if (scheme === 'ssh') {
    const pair = await sshKeyPair(input);
    const knownHosts = await scanHostKeys(input.url);
    stringData.identity = pair.privateKey;
    stringData['identity.pub'] = pair.publicKey;
    stringData.known_hosts = knownHosts;
    // The passphrase of an encrypted key travels with it.
    if (input.password) stringData.password = input.password;
    return { stringData, publicKey: pair.publicKey.trim(), knownHosts };
  }
  if (input.username && input.password) {
    stringData.username = input.username;
    stringData.password = input.password;
  }
  if (input.bearerToken) stringData.bearerToken = input.bearerToken;
  if (input.caCrtFile) stringData['ca.crt'] = await readCaFile('--ca-crt-file', input.caCrtFile);
  else if (input.caFile) stringData.caFile = await readCaFile('--ca-file', input.caFile);
  return { stringData };
}

export function secretObject(name: string, namespace: string, labels: Record<string, string> | undefined, stringData: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, ...(labels ? { labels } : {}) }, stringData };
}

export async function createSecretGit(nameArg: string | undefined, flags: SecretGitFlags): Promise<void> {
  const { checkObjectName, parseLabels, upsert } = await import('./objects.js');
  if (!nameArg) throw new CliError('secret name is required');
  const name = checkObjectName(nameArg);
  const url = parseGitUrl(flags.url);
  const labels = parseLabels(flags.label);
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'ssh') {
    if ((!flags.username || !flags.password) && !flags.bearerToken) throw new CliError('for Git over HTTP/S the username and password (--username, --password), or a bearer token (--bearer-token) is required');
    if (flags.username && flags.password && flags.bearerToken) throw new CliError('user credentials (--username, --password) and --bearer-token cannot be used together');
  }
  const data = await gitSecretData({ ...flags, url });
  const secret = secretObject(name, flags.namespace, labels, data.stringData);
  if (flags.export) {
    const { emitYaml } = await import('../yaml/emit.js');
    // flux prints the manifest and a newline after it (a blank line ends the output).
    process.stdout.write(`---\n${emitYaml(secret)}\n`);
    return;
  }
  if (data.publicKey) sayGenerating(`deploy key: ${data.publicKey}`);
  await timeoutMs(flags);
  await withClient(flags, async (client) => {
    await upsert(client, secret, { fields: ['stringData'], labels: false });
  });
  say.action(`git secret '${name}' created in '${flags.namespace}' namespace`);
}
