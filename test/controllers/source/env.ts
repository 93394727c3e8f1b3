/**
 * One scenario's world: `fluxion cluster` in process with the CRDs installed, a git server
 * (git http-backend with basic auth), and the source controller started in process with its
 * logs captured, its storage in a temporary directory and every listener on a free port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allCrds } from '../../../src/api/install.js';
import { startControllers, type RunningControllers } from '../../../src/controllers/manager.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../../src/kube/index.js';
import { poll, startCluster, writeKubeconfig, type TestCluster } from '../../apiserver/helpers.js';
import { startGitHttpServer, TestRepo, type GitHttpServer } from '../../git/servers.js';

export const USER = 'flux';
export const PASSWORD = 'correct-horse-battery-staple';

export interface SourceEnv {
  cluster: TestCluster;
  client: KubeClient;
  git: GitHttpServer;
  gitRoot: string;
  storage: string;
  logs: string[];
  controllers: RunningControllers;
  repo(name: string): TestRepo;
  apply(obj: KubeObject): Promise<KubeObject>;
  get(name: string, namespace?: string): Promise<KubeObject & { status?: Record<string, any> }>;
  waitFor(name: string, what: string, pred: (o: KubeObject & { status?: Record<string, any> }) => boolean, timeoutMs?: number): Promise<KubeObject & { status?: Record<string, any> }>;
  events(name: string): Promise<{ reason: string; message: string; type: string; count?: number; metadata: { annotations?: Record<string, string> } }[]>;
  stop(): Promise<void>;
}

const repos: TestRepo[] = [];

export interface EnvOptions {
  /** Route the controller's API traffic through a proxy the test can cut. */
  proxy?: boolean;
  stallTimeoutMs?: number;
  /** Which controllers run (default: source only). */
  controllers?: string[];
}

/** A TCP proxy in front of the API server; dropAll() cuts every connection at once. */
export class DroppingProxy {
  private readonly sockets = new Set<Socket>();
  server!: Server;
  port = 0;
  drops = 0;

  constructor(private readonly target: number) {}

  start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      this.sockets.add(client);
      this.sockets.add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    return new Promise((r) =>
      this.server.listen(0, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        r();
      }),
    );
  }

  dropAll(): void {
    this.drops++;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export async function startSourceEnv(opts: EnvOptions = {}): Promise<SourceEnv & { proxy?: DroppingProxy }> {
  const cluster = await startCluster();
  const admin = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
  for (const crd of allCrds()) await admin.create(crd as KubeObject);
  admin.discovery.invalidate();
  const gitRoot = mkdtempSync(join(tmpdir(), 'fluxion-gitsrv-'));
  const git = await startGitHttpServer({ root: gitRoot, username: USER, password: PASSWORD });
  const storage = mkdtempSync(join(tmpdir(), 'fluxion-storage-'));
  let proxy: DroppingProxy | undefined;
  let kubeconfig = cluster.kubeconfig;
  if (opts.proxy) {
    proxy = new DroppingProxy(cluster.cluster.port);
    await proxy.start();
    kubeconfig = join(cluster.dir, 'proxied-kubeconfig');
    writeKubeconfig(kubeconfig, 'proxied', `https://127.0.0.1:${proxy.port}`, cluster.caCert, cluster.token);
  }
  const logs: string[] = [];
  const controllers = await startControllers({
    client: new KubeClient(await loadKubeConfig({ kubeconfig })),
    controllers: opts.controllers ?? ['source'],
    concurrency: 4,
    storagePath: storage,
    storageAddr: '127.0.0.1:0',
    metricsAddr: '127.0.0.1:0',
    healthAddr: '127.0.0.1:0',
    logLevel: 'debug',
    logDestination: { write: (s: string) => void logs.push(s) },
    requeueDependencyMs: 1000,
    minRetryDelayMs: 200,
    maxRetryDelayMs: 2000,
    stallTimeoutMs: opts.stallTimeoutMs,
  });
  const ref = (namespace = 'default') => ({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace });
  const env: SourceEnv & { proxy?: DroppingProxy } = {
    cluster,
    client: admin,
    git,
    gitRoot,
    storage,
    logs,
    controllers,
    proxy,
    repo: (name) => {
      const r = TestRepo.create(gitRoot, name);
      repos.push(r);
      return r;
    },
    apply: (obj) => admin.apply(obj, { fieldManager: 'test', force: true }),
    get: (name, namespace) => admin.get(ref(namespace), name),
    waitFor: (name, what, pred, timeoutMs = 30_000) =>
      poll(
        `${name}: ${what}`,
        async () => {
          const o = await admin.get(ref(), name);
          return pred(o) ? o : undefined;
        },
        timeoutMs,
        50,
      ),
    events: async (name) => {
      const list = await admin.list({ apiVersion: 'v1', kind: 'Event', namespace: 'default' });
      return (list.items as any[]).filter((e) => e.involvedObject?.name === name).sort((a, b) => String(a.firstTimestamp).localeCompare(String(b.firstTimestamp)));
    },
    stop: async () => {
      await controllers.stop();
      await proxy?.close();
      await git.close();
      admin.close();
      await cluster.stop();
      for (const r of repos.splice(0)) r.cleanup();
      rmSync(gitRoot, { recursive: true, force: true });
      rmSync(storage, { recursive: true, force: true });
    },
  };
  return env;
}

export function basicAuthSecret(name: string, username = USER, password = PASSWORD): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, type: 'Opaque', stringData: { username, password } };
}

export function gitRepository(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name, namespace: 'default' }, spec: { interval: '1m', ...spec } };
}

export const ready = (o: { status?: Record<string, any> }) => o.status?.conditions?.find((c: any) => c.type === 'Ready');

export function writeFile(path: string, content: string): void {
  writeFileSync(path, content);
}
