/**
 * `fluxion cluster start|stop|delete|list`: local Kubernetes-compatible clusters, as minikube
 * and kind manage theirs. State (pid, port, token, certificates) lives under
 * $FLUXION_HOME/clusters/NAME (default ~/.fluxion); `start` merges a context NAME into the
 * kubeconfig ($KUBECONFIG's first file, or ~/.kube/config) and makes it current.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Document, YAMLMap, YAMLSeq } from 'yaml';
import { checkServerName, fluxionHome, processAlive, readStateFile, writeStateFile } from './local-state.js';

// Loaded on use: the CLI starts without parsing the server's code for verbs that do not need it.
const apiserver = () => import('../apiserver/index.js');
const yamlLib = async (): Promise<typeof import('yaml')> => {
  // The package is CommonJS: bundlers may put its exports under `default`.
  const mod = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  return typeof mod.parseDocument === 'function' ? mod : mod.default!;
};

interface ClusterState {
  name: string;
  token: string;
  port?: number;
  pid?: number;
  dataDir?: string;
  server?: string;
  startedAt?: string;
}

function clusterDir(name: string): string {
  return join(fluxionHome(), 'clusters', name);
}

function statePath(name: string): string {
  return join(clusterDir(name), 'cluster.json');
}

function readState(name: string): ClusterState | undefined {
  return readStateFile<ClusterState>(statePath(name));
}

function writeState(s: ClusterState): void {
  writeStateFile(statePath(s.name), s);
}


const checkName = (name: string) => checkServerName(name, 'cluster');

// ---- kubeconfig ---------------------------------------------------------------------------

function kubeconfigPath(): string {
  const env = process.env.KUBECONFIG;
  if (env) {
    const first = env.split(delimiter).find((p) => p !== '');
    if (first) return resolve(first);
  }
  return join(homedir(), '.kube', 'config');
}

async function loadKubeconfig(path: string): Promise<Document> {
  const { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } = await yamlLib();
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const doc = parseDocument(text.trim() === '' ? 'apiVersion: v1\nkind: Config\n' : text);
  if (doc.errors.length > 0) throw new Error(`cannot read kubeconfig ${path}: ${doc.errors[0]!.message}`);
  if (!isMap(doc.contents)) throw new Error(`cannot read kubeconfig ${path}: not a mapping`);
  for (const key of ['clusters', 'contexts', 'users']) {
    if (!isSeq(doc.get(key))) doc.set(key, new YAMLSeq());
  }
  if (doc.get('preferences') === undefined) doc.set('preferences', new YAMLMap());
  return doc;
}

function saveKubeconfig(path: string, doc: Document): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.fluxion-${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString(), { mode: 0o600 });
  renameSync(tmp, path);
}

function named(it: unknown, name: string): boolean {
  return typeof it === 'object' && it !== null && typeof (it as YAMLMap).get === 'function' && (it as YAMLMap).get('name') === name;
}

/** Replaces (or appends) the entry called `name` in one of the kubeconfig's named lists. */
function upsertNamed(doc: Document, list: string, name: string, key: string, value: Record<string, unknown>): void {
  const seq = doc.get(list) as YAMLSeq;
  const node = doc.createNode({ name, [key]: value });
  const i = seq.items.findIndex((it) => named(it, name));
  if (i >= 0) seq.items[i] = node;
  else seq.items.push(node);
}

function removeNamed(doc: Document, list: string, name: string): void {
  const seq = doc.get(list) as YAMLSeq | undefined;
  if (!seq || !Array.isArray(seq.items)) return;
  seq.items = seq.items.filter((it) => !named(it, name));
}

async function writeContext(name: string, server: string, caCert: string, token: string): Promise<string> {
  const path = kubeconfigPath();
  const doc = await loadKubeconfig(path);
  upsertNamed(doc, 'clusters', name, 'cluster', { 'certificate-authority-data': Buffer.from(caCert).toString('base64'), server });
  upsertNamed(doc, 'users', name, 'user', { token });
  upsertNamed(doc, 'contexts', name, 'context', { cluster: name, namespace: 'default', user: name });
  doc.set('current-context', name);
  saveKubeconfig(path, doc);
  return path;
}

async function removeContext(name: string): Promise<void> {
  const path = kubeconfigPath();
  if (!existsSync(path)) return;
  const doc = await loadKubeconfig(path);
  removeNamed(doc, 'clusters', name);
  removeNamed(doc, 'users', name);
  removeNamed(doc, 'contexts', name);
  if (doc.get('current-context') === name) doc.set('current-context', '');
  saveKubeconfig(path, doc);
}

// ---- readiness ----------------------------------------------------------------------------

function probeReady(port: number, caCert: string, token: string): Promise<boolean> {
  return new Promise((done) => {
    const req = request({ host: '127.0.0.1', port, path: '/readyz', method: 'GET', ca: caCert, headers: { Authorization: `Bearer ${token}` }, timeout: 2000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => {
      req.destroy();
      done(false);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- verbs --------------------------------------------------------------------------------

interface StartOptions {
  port?: string;
  dataDir?: string;
  detach?: boolean;
  simulate?: boolean;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be a port number, not '${text}'`);
  return n;
}

async function start(name: string, opts: StartOptions): Promise<void> {
  checkName(name);
  const { ensurePki, LocalCluster } = await apiserver();
  const prev = readState(name);
  const caPath = join(clusterDir(name), 'pki');
  if (prev && processAlive(prev.pid) && prev.port) {
    const pki = await ensurePki(caPath, name);
    if (await probeReady(prev.port, pki.caCert, prev.token)) {
      const path = await writeContext(name, `https://127.0.0.1:${prev.port}`, pki.caCert, prev.token);
      process.stderr.write(`✔ cluster ${name} is already running at https://127.0.0.1:${prev.port} (context ${name} in ${path})\n`);
      return;
    }
  }
  const port = parsePort(opts.port);
  const dataDir = opts.dataDir !== undefined ? resolve(opts.dataDir) : prev?.dataDir;
  if (opts.detach) {
    await startDetached(name, port, dataDir, opts.simulate !== false);
    return;
  }
  const pki = await ensurePki(caPath, name);
  const token = prev?.token ?? randomBytes(32).toString('hex');
  const t0 = Date.now();
  let cluster: Awaited<ReturnType<typeof LocalCluster.start>>;
  // Fluxion's own controller Deployments (fluxion install, bootstrap) run in this process.
  const { ControllerRunner } = await import('../cluster-runner/index.js');
  const runner = new ControllerRunner();
  const common = { name, token, caCert: pki.caCert, cert: pki.cert, key: pki.key, dataDir, simulate: opts.simulate !== false, runners: [runner] };
  try {
    cluster = await LocalCluster.start({ ...common, port: port ?? prev?.port ?? 0 });
  } catch (e) {
    if (port === undefined && prev?.port && (e as NodeJS.ErrnoException).code === 'EADDRINUSE') cluster = await LocalCluster.start({ ...common, port: 0 });
    else throw e;
  }
  const server = cluster.url;
  runner.connect({ server, token, caCert: pki.caCert });
  // The kubeconfig first: the state file is what tells a detaching parent we are ready.
  const path = await writeContext(name, server, pki.caCert, token);
  writeState({ name, token, port: cluster.port, pid: process.pid, dataDir, server, startedAt: new Date().toISOString() });
  process.stderr.write(`✔ cluster ${name} is ready at ${server} in ${Date.now() - t0}ms (context ${name} in ${path})\n`);
  if (!dataDir) process.stderr.write(`  objects are kept in memory; start with --data-dir DIR to keep them across restarts\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void Promise.all([cluster.stop(), runner.stopAll()]).finally(() => {
        const s = readState(name);
        if (s && s.pid === process.pid) writeState({ ...s, pid: undefined });
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function startDetached(name: string, port: number | undefined, dataDir: string | undefined, simulate: boolean): Promise<void> {
  mkdirSync(clusterDir(name), { recursive: true, mode: 0o700 });
  const logPath = join(clusterDir(name), 'cluster.log');
  const args = [...process.execArgv, process.argv[1]!, 'cluster', 'start', name];
  if (port !== undefined) args.push('--port', String(port));
  if (dataDir !== undefined) args.push('--data-dir', dataDir);
  if (!simulate) args.push('--no-simulate');
  const log = openSync(logPath, 'a');
  const before = readState(name);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: process.env });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    const s = readState(name);
    if (s && s.pid === child.pid && s.port && s !== before) {
      const pki = await (await apiserver()).ensurePki(join(clusterDir(name), 'pki'), name);
      if (await probeReady(s.port, pki.caCert, s.token)) {
        process.stderr.write(`✔ cluster ${name} is ready at https://127.0.0.1:${s.port} (pid ${child.pid}, context ${name} in ${kubeconfigPath()})\n`);
        return;
      }
    }
    await sleep(100);
  }
  const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n') : '';
  if (exited === undefined && child.pid) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  throw new Error(`cluster ${name} did not become ready${exited !== undefined ? ` (exit code ${exited})` : ' within 60s'}; log ${logPath}:\n${tail}`);
}

async function stopCluster(name: string, quiet = false): Promise<boolean> {
  const s = readState(name);
  if (!s) throw new Error(`cluster ${name} not found in ${join(fluxionHome(), 'clusters')}`);
  if (!processAlive(s.pid)) {
    if (s.pid) writeState({ ...s, pid: undefined });
    if (!quiet) process.stderr.write(`✔ cluster ${name} is not running\n`);
    return false;
  }
  process.kill(s.pid!, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processAlive(s.pid) && Date.now() < deadline) await sleep(50);
  if (processAlive(s.pid)) process.kill(s.pid!, 'SIGKILL');
  while (processAlive(s.pid)) await sleep(20);
  const now = readState(name);
  if (now) writeState({ ...now, pid: undefined });
  if (!quiet) process.stderr.write(`✔ cluster ${name} stopped\n`);
  return true;
}

async function deleteCluster(name: string): Promise<void> {
  checkName(name);
  if (!existsSync(clusterDir(name))) throw new Error(`cluster ${name} not found in ${join(fluxionHome(), 'clusters')}`);
  if (readState(name)) await stopCluster(name, true);
  rmSync(clusterDir(name), { recursive: true, force: true });
  await removeContext(name);
  process.stderr.write(`✔ cluster ${name} deleted\n`);
}

function list(): void {
  const dir = join(fluxionHome(), 'clusters');
  const names = existsSync(dir) ? readdirSync(dir).filter((n) => existsSync(statePath(n))).sort() : [];
  const rows = [['NAME', 'STATUS', 'SERVER', 'DATA']];
  for (const n of names) {
    const s = readState(n)!;
    const running = processAlive(s.pid);
    rows.push([n, running ? 'Running' : 'Stopped', running && s.port ? `https://127.0.0.1:${s.port}` : '', s.dataDir ?? '(memory)']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('')}\n`);
}

export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('run local Kubernetes-compatible clusters (no containers: workloads are simulated)');
  cluster
    .command('start')
    .description('start a local cluster and make it the current kubeconfig context')
    .argument('<name>', 'cluster name, also the kubeconfig context name')
    .option('--port <port>', 'port to listen on at 127.0.0.1 (default: the previous one, else a free one)')
    .option('--data-dir <dir>', 'keep objects in this directory across restarts (default: in memory)')
    .option('--detach', 'run in the background and return once the cluster is ready')
    .option('--no-simulate', 'do not simulate workload readiness')
    .action((name: string, opts: StartOptions) => start(name, opts));
  cluster
    .command('stop')
    .description('stop a running local cluster (its kubeconfig context stays)')
    .argument('<name>', 'cluster name')
    .action(async (name: string) => {
      checkName(name);
      await stopCluster(name);
    });
  cluster
    .command('delete')
    .description('stop a local cluster, remove its state and its kubeconfig entries')
    .argument('<name>', 'cluster name')
    .action((name: string) => deleteCluster(name));
  cluster
    .command('list')
    .description('list local clusters')
    .action(() => list());
}
