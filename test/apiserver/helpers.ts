/**
 * Test helpers: an in-process local cluster on a free port with its own PKI, a temporary
 * kubeconfig for the real kubectl, raw HTTPS requests, and polling.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, LocalCluster, type ClusterOptions } from '../../src/apiserver/index.js';

export const SHARED = join(import.meta.dirname, '../../../shared');
export const SEED = join(SHARED, 'fixtures/gitops-seed');
export const KYVERNO = join(SEED, 'infrastructure/controllers/kyverno/kyverno.yaml');

export function sharedAvailable(): string | false {
  return existsSync(SEED) ? false : `../shared/fixtures/gitops-seed is absent (${SEED}); skipped`;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface TestCluster {
  cluster: LocalCluster;
  dir: string;
  token: string;
  caCert: string;
  kubeconfig: string;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  kubectl(args: string[], opts?: { stdin?: string; cwd?: string; timeoutMs?: number }): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

let pkiDir: string | undefined;

/** One PKI per test process: openssl runs once. */
async function sharedPki() {
  if (pkiDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-pki-'));
    pkiDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return ensurePki(pkiDir, 'test');
}

export function httpsRequest(port: number, ca: string, token: string | undefined, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (payload !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
    // Node sends DELETE bodies unframed unless told their length.
    if (payload !== undefined) h['Content-Length'] = String(Buffer.byteLength(payload));
    const r = request({ host: '127.0.0.1', port, path, method, ca, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    if (payload !== undefined) r.write(payload);
    r.end();
  });
}

export function writeKubeconfig(path: string, name: string, server: string, caCert: string, token: string): void {
  const ca = Buffer.from(caCert).toString('base64');
  writeFileSync(
    path,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: ${name}\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${ca}\nusers:\n- name: ${name}\n  user:\n    token: ${token}\ncontexts:\n- name: ${name}\n  context:\n    cluster: ${name}\n    user: ${name}\n    namespace: default\ncurrent-context: ${name}\n`,
  );
}

export function runKubectl(env: NodeJS.ProcessEnv, args: string[], opts: { stdin?: string; cwd?: string; timeoutMs?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}

export function kubectlEnv(dir: string, kubeconfig: string): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'kube-cache'), HOME: dir };
}

let counter = 0;

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

export async function startCluster(opts: Partial<ClusterOptions> = {}): Promise<TestCluster> {
  const pki = await sharedPki();
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-apiserver-'));
  const token = `token-${Math.random().toString(36).slice(2)}`;
  const name = opts.name ?? uniqueName('test');
  const cluster = await LocalCluster.start({ name, token, caCert: pki.caCert, cert: pki.cert, key: pki.key, port: 0, rolloutDelayMs: 50, ...opts });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, name, cluster.url, pki.caCert, token);
  const env = kubectlEnv(dir, kubeconfig);
  return {
    cluster,
    dir,
    token,
    caCert: pki.caCert,
    kubeconfig,
    req: (method, path, body, headers) => httpsRequest(cluster.port, pki.caCert, token, method, path, body, headers),
    kubectl: (args, o) => runKubectl(env, args, o),
    stop: async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function poll<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface WatchHandle {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  events: any[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  until(pred: (events: any[]) => boolean, timeoutMs?: number): Promise<any[]>;
  ended: Promise<void>;
  close(): void;
}

/** Opens a watch and collects its events. */
export function openWatch(port: number, ca: string, token: string, path: string): Promise<WatchHandle> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, method: 'GET', ca, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } }, (res) => {
      const events: unknown[] = [];
      let buf = '';
      let endResolve: () => void = () => {};
      const ended = new Promise<void>((d) => (endResolve = d));
      res.on('data', (c: Buffer) => {
        buf += c.toString();
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        events,
        ended,
        close: () => r.destroy(),
        until: (pred, timeoutMs = 10_000) => poll('watch events', () => (pred(events) ? events : undefined), timeoutMs, 20),
      });
    });
    r.on('error', (e) => {
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    r.end();
  });
}
