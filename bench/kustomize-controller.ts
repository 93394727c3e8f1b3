/**
 * The kustomize controller at Flux's benchmark scale: 1,000 Kustomizations of 4 objects each
 * (ConfigMap, ServiceAccount, Service, Deployment of one simulated replica) from one
 * GitRepository, on a local cluster run as its own process (`fluxion cluster start`), with
 * the controllers as another (`fluxion controllers --controllers=source,kustomize`). The git
 * server (git http-backend) runs in this process.
 *
 * Every Kustomization has `prune: true` and `wait: true` (the Deployment must roll out and
 * every object be Current before it is Ready). Prints the time from creating the first
 * Kustomization until all are Ready, the throughput of no-op reconciles (a
 * `reconcile.fluxcd.io/requestedAt` on every object, nothing changed), and the peak RSS
 * (VmHWM) of the controllers process and of the cluster process, beside the figures Flux
 * publishes for 1,000 Kustomizations (context only: Flux cannot run here, and its setup
 * differs — see FLUX below).
 *
 *   npm run bench:controller                     # builds first, then runs dist/fluxion.js
 *   BENCH_OBJECTS=1000 BENCH_CONCURRENT=20 BENCH_REPLICAS=1 node --import tsx bench/kustomize-controller.ts
 *   BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' …   # profiles of both processes
 *   BENCH_LOG_DIR=/tmp/logs …                                  # keeps both processes' output
 *   BENCH_NODE_ARGS=--heapsnapshot-signal=SIGUSR2 …             # heap snapshots after the first pass
 *
 * Without dist/fluxion.js the processes run the sources through tsx (slower to start).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installManifests } from '../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../src/kube/index.js';
import { freePort, startGitHttpServer, TestRepo } from '../test/git/servers.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 1000);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 1);
/** Extra node flags for both child processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** A directory to keep both processes' output in (BENCH_LOG_DIR). */
const LOG_DIR = process.env.BENCH_LOG_DIR;
/** Flux's published figures for 1,000 Kustomizations (kustomize-controller, 2 CPUs, --concurrent=20, one OCIRepository per app). */
const FLUX = { seconds: 4 * 60 + 13, mib: 223 };
const NS = 'flux-system';
const APPS_NS = 'bench';
const root = resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: NS };

function peakRss(pid: number | undefined): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const mib = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MiB`;
const secs = (ms: number) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(0)}s` : `${(ms / 1000).toFixed(1)}s`);

function app(i: number): Record<string, string> {
  const name = `app-${String(i).padStart(4, '0')}`;
  const labels = `    app.kubernetes.io/name: ${name}\n`;
  return {
    [`apps/${name}/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${APPS_NS}\ndata:\n  index: "${i}"\n  greeting: hello from ${name}\n`,
    [`apps/${name}/serviceaccount.yaml`]: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${APPS_NS}\n`,
    [`apps/${name}/service.yaml`]: `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${APPS_NS}\nspec:\n  selector:\n${labels.replace(/^ {4}/, '    ')}  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n`,
    [`apps/${name}/deployment.yaml`]: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${APPS_NS}\nspec:\n  replicas: ${REPLICAS}\n  selector:\n    matchLabels:\n${labels.replace(/^ {4}/, '      ')}  template:\n    metadata:\n      labels:\n${labels.replace(/^ {4}/, '        ')}    spec:\n      serviceAccountName: ${name}\n      containers:\n        - name: app\n          image: ghcr.io/stefanprodan/podinfo:6.7.1\n          ports:\n            - containerPort: 8080\n          envFrom:\n            - configMapRef:\n                name: ${name}\n`,
  };
}

/** Runs `fluxion ARGS` as a child process with the bench's home and kubeconfig. */
function fluxion(args: string[], env: NodeJS.ProcessEnv, entry: string[]): ChildProcess {
  // In LOG_DIR (or the temporary home) so that profiles and heap snapshots land there.
  const child = spawn(process.execPath, [...NODE_ARGS, ...entry, ...args], { env, cwd: LOG_DIR ?? env.HOME, stdio: ['ignore', 'pipe', 'pipe'] });
  if (LOG_DIR) {
    const log = createWriteStream(join(LOG_DIR, `${args[0]}-${child.pid}.log`));
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
  }
  return child;
}

type Ks = KubeObject & { status?: { conditions?: { type: string; status: string }[]; lastAppliedRevision?: string; lastHandledReconcileAt?: string } };

/**
 * Tracks every Kustomization through a watch (re-listing when the stream ends), calling
 * `check` after each change; resolves with the time the predicate first held for all.
 */
async function waitAll(client: KubeClient, what: string, want: (k: Ks) => boolean, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  const state = new Map<string, boolean>();
  const done = () => state.size >= OBJECTS && [...state.values()].every(Boolean);
  let lastLog = 0;
  while (Date.now() - t0 < timeoutMs) {
    const list = await client.list<Ks>(KS);
    for (const k of list.items) state.set(k.metadata.name, want(k));
    if (done()) return Date.now();
    const w = await client.watch<Ks>(KS, { resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 60 });
    try {
      for await (const ev of w.events) {
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') state.set(ev.object.metadata.name, want(ev.object));
        if (done()) return Date.now();
        if (Date.now() - lastLog > 15_000) {
          lastLog = Date.now();
          process.stderr.write(`  … ${what}: ${[...state.values()].filter(Boolean).length}/${OBJECTS} after ${secs(Date.now() - t0)}\n`);
        }
        if (Date.now() - t0 > timeoutMs) break;
      }
    } finally {
      w.close();
    }
  }
  throw new Error(`${what}: only ${[...state.values()].filter(Boolean).length}/${OBJECTS} after ${secs(timeoutMs)}`);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'fluxion-bench-ks-'));
  const env: NodeJS.ProcessEnv = { ...process.env, FLUXION_HOME: join(tmp, 'home'), KUBECONFIG: join(tmp, 'kubeconfig'), HOME: tmp };
  const bundle = process.env.FLUXION_BIN ?? join(root, 'dist/fluxion.js');
  const entry = existsSync(bundle) ? [bundle] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    for (const c of children.reverse()) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    }
  };

  // The cluster, as its own process.
  const port = await freePort();
  const cluster = fluxion(['cluster', 'start', 'bench', '--port', String(port)], env, entry);
  children.push(cluster);
  let clusterErr = '';
  cluster.stderr!.on('data', (d: Buffer) => (clusterErr += d.toString()));
  cluster.stdout!.resume();
  const t0 = Date.now();
  while (!/is ready at/.test(clusterErr)) {
    if (cluster.exitCode !== null || Date.now() - t0 > 60_000) throw new Error(`fluxion cluster start failed:\n${clusterErr}`);
    await sleep(50);
  }
  const client = new KubeClient(await loadKubeConfig({ kubeconfig: env.KUBECONFIG }));
  let git: Awaited<ReturnType<typeof startGitHttpServer>> | undefined;
  let repo: TestRepo | undefined;
  try {
    for (const m of installManifests({ version: '0.0.0-bench' }).filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition')) {
      await client.apply(m as KubeObject, { fieldManager: 'bench', force: true });
    }
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: APPS_NS } });
    client.discovery.invalidate();

    // One repository: OBJECTS directories of 4 small objects.
    const gitRoot = join(tmp, 'git');
    mkdirSync(gitRoot);
    repo = TestRepo.create(gitRoot, 'fleet');
    const files: Record<string, string> = {};
    for (let i = 0; i < OBJECTS; i++) Object.assign(files, app(i));
    const hash = repo.commit(files, `${OBJECTS} apps`);
    git = await startGitHttpServer({ root: gitRoot });
    const revision = `main@sha1:${hash}`;

    const controllers = fluxion(
      [
        'controllers', '--controllers=source,kustomize', `--concurrent=${CONCURRENT}`, `--kubeconfig=${env.KUBECONFIG}`,
        `--storage-path=${join(tmp, 'storage')}`, '--storage-addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--log-level=error',
      ],
      env,
      entry,
    );
    children.push(controllers);
    let controllersErr = '';
    controllers.stdout!.on('data', (d: Buffer) => (controllersErr = (controllersErr + d.toString()).slice(-20_000)));
    controllers.stderr!.on('data', (d: Buffer) => (controllersErr = (controllersErr + d.toString()).slice(-20_000)));
    controllers.on('exit', (code) => code && process.stderr.write(`controllers exited with ${code}:\n${controllersErr}\n`));

    await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace: NS }, spec: { interval: '1h', url: `${git.url}/fleet.git`, ref: { branch: 'main' } } });
    for (const t = Date.now(); ; ) {
      const src = await client.get<Ks & { status?: { artifact?: { revision: string } } }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: NS }, 'fleet');
      if (src.status?.artifact?.revision === revision) break;
      if (Date.now() - t > 120_000) throw new Error(`GitRepository fleet has no artifact after 120s: ${JSON.stringify(src.status)}\n${controllersErr}`);
      await sleep(200);
    }
    const idleRss = peakRss(controllers.pid);

    // 1,000 Kustomizations, created one after the other as `kubectl apply` of a directory would.
    const created0 = Date.now();
    for (let i = 0; i < OBJECTS; i++) {
      const name = `app-${String(i).padStart(4, '0')}`;
      await client.create({
        apiVersion: KS.apiVersion,
        kind: KS.kind,
        metadata: { name, namespace: NS },
        spec: { interval: '1h', retryInterval: '30s', timeout: '5m', path: `./apps/${name}`, prune: true, wait: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
      });
    }
    const createdMs = Date.now() - created0;
    const isReady = (k: Ks) => k.status?.lastAppliedRevision === revision && !!k.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const allReady = await waitAll(client, 'Ready', isReady, 30 * 60_000);
    const readyMs = allReady - created0;
    const rssAfterApply = peakRss(controllers.pid);
    if (NODE_ARGS.some((a) => a.startsWith('--heapsnapshot-signal'))) {
      // A heap snapshot of the controllers after the first pass (into BENCH_LOG_DIR).
      controllers.kill('SIGUSR2');
      await sleep(10_000);
    }

    // No-op reconciles: the same revision again for every object.
    const stamp = `bench-${Date.now()}`;
    const noop0 = Date.now();
    for (let i = 0; i < OBJECTS; i++) {
      await client.patch(KS, `app-${String(i).padStart(4, '0')}`, 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } });
    }
    const noopDone = await waitAll(client, 'no-op reconciles', (k) => k.status?.lastHandledReconcileAt === stamp && isReady(k), 30 * 60_000);
    const noopMs = noopDone - noop0;

    const controllersRss = peakRss(controllers.pid);
    const clusterRss = peakRss(cluster.pid);
    const counts = await Promise.all(
      [['v1', 'ConfigMap'], ['v1', 'ServiceAccount'], ['v1', 'Service'], ['apps/v1', 'Deployment']].map(async ([apiVersion, kind]) => (await client.list({ apiVersion: apiVersion!, kind: kind!, namespace: APPS_NS }, { labelSelector: 'kustomize.toolkit.fluxcd.io/namespace=flux-system' })).items.length),
    );

    console.log(`kustomize controller (${entry.length === 1 ? entry[0] : 'src via tsx'}): ${OBJECTS} Kustomizations × 4 objects, one GitRepository, prune + wait, --concurrent=${CONCURRENT}, Deployment replicas ${REPLICAS}`);
    console.log(`  all Ready from the first create:   ${secs(readyMs)} (${((OBJECTS * 1000) / readyMs).toFixed(1)} Kustomizations/s; creating them took ${secs(createdMs)})   Flux: ${secs(FLUX.seconds * 1000)}`);
    console.log(`  no-op reconcile of all (requested): ${secs(noopMs)} (${((OBJECTS * 1000) / noopMs).toFixed(1)} reconciles/s)`);
    console.log(`  controllers process peak RSS:       ${mib(controllersRss)} (idle with the source Ready: ${mib(idleRss)}; after the first pass: ${mib(rssAfterApply)})   Flux kustomize-controller: ${FLUX.mib} MiB`);
    console.log(`  cluster process peak RSS:           ${mib(clusterRss)}`);
    console.log(`  objects applied (ConfigMaps, ServiceAccounts, Services, Deployments): ${counts.join(', ')}`);
    console.log(`  Flux's figures are from its own benchmark (kind cluster, 2 CPUs and --concurrent=20 for kustomize-controller, an OCIRepository per app); this machine has 2 cores for everything: cluster, controllers, git server and this script.`);
  } finally {
    client.close();
    await stopAll();
    await git?.close();
    repo?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
