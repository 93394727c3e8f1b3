/**
 * The `flux-system` source Secret bootstrap creates for the GitRepository: `username` and
 * `password` for HTTPS (token auth), or `identity`, `identity.pub` and `known_hosts` for SSH
 * (the deploy key), as flux's sourcesecret generator lays them out. Host keys are scanned
 * with ssh-keyscan, keys made and read with ssh-keygen; no secret is put in argv.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';

export type SourceSecretData =
  | { kind: 'basic'; username: string; password: string; caCert?: string }
  | { kind: 'ssh'; identity: string; identityPub?: string; knownHosts: string; password?: string };

export function sourceSecret(name: string, namespace: string, data: SourceSecretData): KubeObject & { stringData: Record<string, string> } {
  const stringData: Record<string, string> = {};
  if (data.kind === 'basic') {
    stringData.username = data.username;
    stringData.password = data.password;
    if (data.caCert) stringData['ca.crt'] = data.caCert;
  } else {
    stringData.identity = data.identity;
    if (data.identityPub) stringData['identity.pub'] = data.identityPub;
    stringData.known_hosts = data.knownHosts;
    if (data.password) stringData.password = data.password;
  }
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData };
}

/**
 * Creates the Secret, or updates it when its data differs (flux's reconcileSecret, without
 * a write when nothing changed). Returns what happened.
 */
export async function reconcileSecret(client: KubeClient, secret: KubeObject & { stringData: Record<string, string> }): Promise<'created' | 'configured' | 'unchanged'> {
  const ref = { apiVersion: 'v1', kind: 'Secret', namespace: secret.metadata.namespace };
  let existing: (KubeObject & { data?: Record<string, string> }) | undefined;
  try {
    existing = await client.get(ref, secret.metadata.name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!existing) {
    await client.create(secret);
    return 'created';
  }
  const current = existing.data ?? {};
  const same = Object.entries(secret.stringData).every(([k, v]) => current[k] !== undefined && Buffer.from(current[k]!, 'base64').toString('utf8') === v);
  if (same) return 'unchanged';
  await client.update({ ...existing, stringData: secret.stringData } as KubeObject);
  return 'configured';
}

export async function secretExists(client: KubeClient, namespace: string, name: string): Promise<boolean> {
  try {
    await client.get({ apiVersion: 'v1', kind: 'Secret', namespace }, name);
    return true;
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
}

function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** The host's public keys in known_hosts format (`[host]:port type key` off port 22). */
export async function scanHostKeys(host: string, port: number): Promise<string> {
  const r = await run('ssh-keyscan', ['-p', String(port), '-T', '10', host]);
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new Error(`unable to scan the SSH host keys of ${host}:${port}${r.stderr.trim() ? `: ${r.stderr.trim()}` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** The public half of an unencrypted private key file (undefined when ssh-keygen cannot read it). */
export async function publicKeyOf(privateKeyFile: string): Promise<string | undefined> {
  const r = await run('ssh-keygen', ['-y', '-P', '', '-f', privateKeyFile]);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** A new deploy key: ECDSA P-384, flux's default (--ssh-key-algorithm=ecdsa, --ssh-ecdsa-curve=p384). */
export async function generateDeployKey(): Promise<{ identity: string; identityPub: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fluxion-key-'));
  try {
    const file = join(dir, 'identity');
    const r = await run('ssh-keygen', ['-q', '-t', 'ecdsa', '-b', '384', '-N', '', '-C', '', '-f', file]);
    if (r.code !== 0) throw new Error(`unable to generate an SSH key: ${r.stderr.trim()}`);
    return { identity: await readFile(file, 'utf8'), identityPub: (await readFile(`${file}.pub`, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
