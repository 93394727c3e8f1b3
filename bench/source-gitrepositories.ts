/**
 * The source controller under load: 500 GitRepositories over 5 remotes (git http-backend
 * with basic auth) on `fluxion cluster`, the controller in a child process
 * (`fluxion controllers --controllers=source`). Prints the time until every object is
 * Ready, the time until every object has picked up a new commit after a request, the
 * steady-state cost of no-op interval reconciles, and the controller's peak RSS.
 * No Flux reference can run here; Flux publishes no comparable figure for this setup.
 *
 *   BENCH_OBJECTS=500 BENCH_REMOTES=5 BENCH_CONCURRENT=4 node --import tsx bench/source-gitrepositories.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allCrds } from '../src/api/install.js';
import { ensurePki, LocalCluster } from '../src/apiserver/index.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../src/kube/index.js';
import { startGitHttpServer, TestRepo } from '../test/git/servers.js';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 500);
const REMOTES = Number(process.env.BENCH_REMOTES ?? 5);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 4);
const root = resolve(import.meta.dirname, '..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'fluxion-bench-source-'));
  const pki = await ensurePki(join(tmp, 'pki'), 'bench');
  const token = 'bench-token';
  const cluster = await LocalCluster.start({ name: 'bench', token, caCert: pki.caCert, cert: pki.cert, key: pki.key, port: 0 });
  const kubeconfig = join(tmp, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: ${cluster.url}\n    certificate-authority-data: ${Buffer.from(pki.caCert).toString('base64')}\nusers:\n- name: bench\n  user:\n    token: ${token}\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n    namespace: default\ncurrent-context: bench\n`,
  );
  const client = new KubeClient(await loadKubeConfig({ kubeconfig }));
  for (const crd of allCrds()) await client.create(crd as KubeObject);
  client.discovery.invalidate();

  // Five remotes of a realistic size: 60 manifests in a few directories.
  const gitRoot = join(tmp, 'git');
  mkdirSync(gitRoot);
  const repos: TestRepo[] = [];
  for (let r = 0; r < REMOTES; r++) {
    const repo = TestRepo.create(gitRoot, `remote-${r}`);
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`apps/app-${i % 6}/manifest-${i}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  value: "${'x'.repeat(512)}"\n`;
    repo.commit(files, 'initial');
    repos.push(repo);
  }
  const git = await startGitHttpServer({ root: gitRoot, username: 'bench', password: 'bench-password' });
  await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'git', namespace: 'default' }, stringData: { username: 'bench', password: 'bench-password' } });

  const storage = join(tmp, 'storage');
  // The shipped bundle when built (npm run build), the sources through tsx otherwise.
  const bundle = process.env.FLUXION_BIN ?? join(root, 'dist/fluxion.js');
  const entry = existsSync(bundle) ? [bundle] : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
  const child = spawn(
    process.execPath,
    [...entry, 'controllers', '--controllers=source', `--concurrent=${CONCURRENT}`, `--kubeconfig=${kubeconfig}`, `--storage-path=${storage}`, '--storage-addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--log-level=error'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, FLUXION_HOME: tmp } },
  );
  let rssPeak = 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, peakRss(child.pid!))), 200);

  const ref = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' };
  const readyCount = async (want: (o: KubeObject & { status?: any }) => boolean) => (await client.list(ref)).items.filter((o) => want(o as never)).length;
  const isReady = (o: { status?: any }) => o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True');
  async function waitAll(what: string, want: (o: KubeObject & { status?: any }) => boolean, timeoutMs = 600_000): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const n = await readyCount(want);
      if (n === OBJECTS) return Date.now() - t0;
      if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: only ${n}/${OBJECTS} after ${timeoutMs / 1000}s`);
      await sleep(250);
    }
  }

  try {
    const t0 = Date.now();
    for (let i = 0; i < OBJECTS; i++) {
      await client.create({
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name: `repo-${i}`, namespace: 'default' },
        spec: { interval: '10m', url: `${git.url}/remote-${i % REMOTES}.git`, ref: { branch: 'main' }, secretRef: { name: 'git' } },
      });
    }
    const created = Date.now() - t0;
    const coldMs = (await waitAll('initial artifacts', isReady)) + created;
    const rssCold = rssPeak;

    // A new commit on every remote, then a reconcile request on every object.
    const heads = repos.map((r, i) => r.commit({ [`apps/new-${i}.yaml`]: 'kind: ConfigMap\n' }, 'update'));
    const stamp = `bench-${Date.now()}`;
    for (let i = 0; i < OBJECTS; i++) await client.patch(ref, `repo-${i}`, 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } });
    const updateMs = await waitAll('updated artifacts', (o) => o.status?.lastHandledReconcileAt === stamp && o.status?.artifact?.revision === `main@sha1:${heads[Number(o.metadata.name.slice(5)) % REMOTES]}`);

    // No-op reconciles (remote unchanged: one ls-remote each, no clone).
    const stamp2 = `bench-noop-${Date.now()}`;
    for (let i = 0; i < OBJECTS; i++) await client.patch(ref, `repo-${i}`, 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp2 } } });
    const noopMs = await waitAll('no-op reconciles', (o) => o.status?.lastHandledReconcileAt === stamp2);
    rssPeak = Math.max(rssPeak, peakRss(child.pid!));
    const files = spawnSync('sh', ['-c', `find ${storage} -name '*.tar.gz' | wc -l`], { encoding: 'utf8' }).stdout.trim();

    console.log(`source controller (${entry.length === 1 ? entry[0] : 'src via tsx'}): ${OBJECTS} GitRepositories over ${REMOTES} remotes (git http-backend, basic auth), --concurrent=${CONCURRENT}`);
    console.log(`  all Ready from creation:          ${(coldMs / 1000).toFixed(1)}s (${((OBJECTS * 1000) / coldMs).toFixed(1)} objects/s; creating them took ${(created / 1000).toFixed(1)}s)`);
    console.log(`  new commit picked up by all:      ${(updateMs / 1000).toFixed(1)}s after the first request (${((OBJECTS * 1000) / updateMs).toFixed(1)} objects/s)`);
    console.log(`  no-op reconcile of all:           ${(noopMs / 1000).toFixed(1)}s (${((OBJECTS * 1000) / noopMs).toFixed(1)} reconciles/s, ls-remote only)`);
    console.log(`  controller peak RSS:              ${mb(rssPeak)} (after the first pass: ${mb(rssCold)})`);
    console.log(`  artifacts on disk:                ${files}`);
    console.log(`  git HTTP requests served:         ${git.stats.ok} (+${git.stats.unauthorized} 401 challenges)`);
  } finally {
    clearInterval(sampler);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    client.close();
    await git.close();
    await cluster.stop();
    for (const r of repos) r.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
