/**
 * The gitops-seed repository (../shared/fixtures/gitops-seed) end to end, as a new user
 * would run it: `fluxion cluster` (in process), a git server (git http-backend) holding a
 * copy of the seed committed into a fresh repository on `master`, the seed's `clusters/beta`
 * objects applied by the test, and `fluxion controllers --controllers=source,kustomize` as a
 * separate process. Every expectation about the beta overlays is read from the seed's files.
 *
 * The test's copy differs from the seed in what a machine without the internet needs, and
 * in its timings (for speed):
 * - clusters/beta/source.yaml points at the local git server;
 * - capacitor (two https resources) is dropped from infrastructure/controllers;
 * - the applications Kustomization's timeout is 15s instead of 2m, so that a failing
 *   workload gives HealthCheckFailed within the test's time.
 * Sources are refreshed by `reconcile.fluxcd.io/requestedAt` after each push rather than
 * by waiting out their interval.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { installManifests } from '../../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { poll, SEED, sharedAvailable, startCluster, type TestCluster } from '../apiserver/helpers.js';
import { startGitHttpServer, TestRepo, type GitHttpServer } from '../git/servers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NS = 'flux-system';
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: NS };
const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: NS };
/** The shortened applications timeout of the test's copy (the seed says 2m0s). */
const APPLICATIONS_TIMEOUT = '15s';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = KubeObject & { spec?: any; status?: any; data?: Record<string, string> };
type Cond = { type: string; status: string; reason: string; message: string; lastTransitionTime: string };

const readyOf = (o: Obj | undefined): Cond | undefined => o?.status?.conditions?.find((c: Cond) => c.type === 'Ready');

/** KEY=VALUE lines of a kustomize env file (blank lines and comments skipped). */
function parseEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    out[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return out;
}

interface GeneratorSpec {
  name: string;
  envs?: string[];
  behavior?: string;
}

/**
 * The data a beta overlay's configMapGenerator `name` produces: its env files, merged over
 * the base's generator of the same name when the overlay says `behavior: merge`.
 */
function expectedConfigMap(seed: string, app: string, name: string): Record<string, string> {
  const generatorsOf = (dir: string): GeneratorSpec[] => (parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))?.configMapGenerator ?? []) as GeneratorSpec[];
  const dataOf = (dir: string, g: GeneratorSpec) => Object.assign({}, ...(g.envs ?? []).map((e) => parseEnvFile(join(dir, e)))) as Record<string, string>;
  const overlay = join(seed, app, 'overlays/beta');
  const base = join(seed, app, 'base');
  const mine = generatorsOf(overlay).find((g) => g.name === name);
  assert.ok(mine, `${overlay}/kustomization.yaml generates ${name}`);
  if (mine.behavior !== 'merge') return dataOf(overlay, mine);
  const theirs = generatorsOf(base).find((g) => g.name === name);
  assert.ok(theirs, `${base}/kustomization.yaml generates ${name} for the overlay to merge into`);
  return { ...dataOf(base, theirs), ...dataOf(overlay, mine) };
}

/** Each `kind: Kustomization`/`GitRepository` document of the cluster directory. */
function clusterObjects(dir: string): Obj[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Obj))
    .filter((o) => o && o.kind);
}

describe('gitops-seed: the beta cluster reconciled by the controllers as a process', { skip: sharedAvailable(), timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let git: GitHttpServer;
  let repo: TestRepo;
  let tmp: string;
  let controllers: ChildProcess | undefined;
  let controllerLog = '';
  const seed = sharedAvailable() ? SEED : realpathSync(SEED);
  /** Kustomization watch events in the order the server sent them. */
  const ksEvents: { name: string; rv: number; ready?: Cond }[] = [];
  const deploymentAdded = new Map<string, number>();
  const watches: { close(): void }[] = [];

  const get = async (apiVersion: string, kind: string, name: string, namespace?: string): Promise<Obj | undefined> => {
    try {
      return await client.get<Obj>({ apiVersion, kind, namespace }, name);
    } catch {
      return undefined;
    }
  };
  const waitKs = async (name: string, what: string, pred: (o: Obj) => boolean, timeoutMs = 60_000): Promise<Obj> => {
    let last: Obj | undefined;
    try {
      return await poll(
        `Kustomization ${name}: ${what}`,
        async () => {
          last = await client.get<Obj>(KS, name);
          return pred(last) ? last : undefined;
        },
        timeoutMs,
        100,
      );
    } catch (e) {
      throw new Error(`${(e as Error).message}\nlast status: ${JSON.stringify(last?.status)}\ncontrollers' log (tail):\n${controllerLog.split('\n').slice(-30).join('\n')}`);
    }
  };
  /** Pushes a commit and asks the source to fetch it now; returns the revision Flux names. */
  const push = async (files: Record<string, string | null>, message: string): Promise<string> => {
    const hash = repo.commit(files, message);
    await client.patch(GITREPO, 'applications', 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': `${Date.now()}` } } });
    return `master@sha1:${hash}`;
  };
  const readyAt = (rev: string) => (o: Obj) => readyOf(o)?.status === 'True' && o.status?.lastAppliedRevision === rev && o.status?.observedGeneration === o.metadata.generation;
  const seedFile = (path: string) => readFileSync(join(seed, path), 'utf8');
  const workFile = (path: string) => readFileSync(join(repo.work, path), 'utf8');
  const configMaps = async (prefix: string): Promise<Obj[]> =>
    ((await client.list<Obj>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' })).items as Obj[]).filter((c) => c.metadata.name.startsWith(`${prefix}-`));

  let firstRevision = '';

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'fluxion-e2e-seed-'));
    cluster = await startCluster();
    client = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
    // The namespace and CRDs of `fluxion install --export` (not its controller Deployments:
    // the controllers run as the process below).
    for (const m of installManifests({ version: '0.0.0-test' }).filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition')) {
      await client.apply(m as KubeObject, { fieldManager: 'e2e-test', force: true });
    }
    client.discovery.invalidate();

    const gitRoot = join(tmp, 'git');
    git = await startGitHttpServer({ root: gitRoot });
    repo = TestRepo.create(gitRoot, 'gitops', 'master');
    cpSync(seed, repo.work, { recursive: true, filter: (src) => !src.split('/').includes('.git') });
    const infra = 'infrastructure/controllers/kustomization.yaml';
    const withoutCapacitor = workFile(infra).replace(/^\s*- capacitor\/?\n/m, '');
    assert.notEqual(withoutCapacitor, workFile(infra), 'capacitor is listed in the seed');
    const source = workFile('clusters/beta/source.yaml').replace(/url: .*/, `url: ${git.url}/gitops.git`);
    const applications = workFile('clusters/beta/applications.yaml').replace(/timeout: .*/, `timeout: ${APPLICATIONS_TIMEOUT}`);
    firstRevision = `master@sha1:${repo.commit({ [infra]: withoutCapacitor, 'clusters/beta/source.yaml': source, 'clusters/beta/applications.yaml': applications }, 'gitops-seed')}`;

    controllers = spawn(
      process.execPath,
      [
        '--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'controllers',
        '--controllers=source,kustomize', `--kubeconfig=${cluster.kubeconfig}`, `--storage-path=${join(tmp, 'storage')}`,
        '--storage-addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0',
        '--concurrent=4', '--requeue-dependency=2s', '--min-retry-delay=250ms', '--max-retry-delay=5s',
      ],
      { cwd: ROOT, env: { ...process.env, FLUXION_HOME: join(tmp, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (d: Buffer) => {
      controllerLog += d.toString();
      if (controllerLog.length > 8_000_000) controllerLog = controllerLog.slice(-4_000_000);
    };
    controllers.stdout!.on('data', keep);
    controllers.stderr!.on('data', keep);

    // Watches first, so that the order in which objects turn Ready is the server's own.
    const ksWatch = await client.watch<Obj>(KS);
    watches.push(ksWatch);
    void (async () => {
      for await (const ev of ksWatch.events) ksEvents.push({ name: ev.object.metadata.name, rv: Number(ev.object.metadata.resourceVersion), ready: readyOf(ev.object) });
    })().catch(() => {});
    const depWatch = await client.watch<Obj>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default' });
    watches.push(depWatch);
    void (async () => {
      for await (const ev of depWatch.events) if (ev.type === 'ADDED' && !deploymentAdded.has(ev.object.metadata.name)) deploymentAdded.set(ev.object.metadata.name, Number(ev.object.metadata.resourceVersion));
    })().catch(() => {});

    for (const o of clusterObjects(join(repo.work, 'clusters/beta'))) await client.apply(o, { fieldManager: 'e2e-test', force: true });
  });

  after(async () => {
    for (const w of watches) w.close();
    if (controllers && controllers.exitCode === null) {
      const exited = new Promise((r) => controllers!.once('exit', r));
      controllers.kill('SIGTERM');
      const timer = setTimeout(() => controllers!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // FLUXION_E2E_LOG=FILE keeps the controllers' log for a look after the run.
    if (process.env.FLUXION_E2E_LOG) writeFileSync(process.env.FLUXION_E2E_LOG, controllerLog);
    client?.close();
    await git?.close();
    await cluster?.stop();
    repo?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('reconciles the beta cluster: infrastructure first, replicas and generated ConfigMaps as the beta overlays say', async () => {
    for (const name of ['infrastructure-controllers', 'db', 'backend', 'frontend', 'applications']) {
      await waitKs(name, `Ready at ${firstRevision}`, readyAt(firstRevision), 120_000);
    }
    // Ready in dependency order, as the watch saw them turn.
    const firstReady = (name: string) => ksEvents.find((e) => e.name === name && e.ready?.status === 'True')?.rv ?? Infinity;
    const order = ['infrastructure-controllers', 'applications', 'db', 'backend', 'frontend'].map((n) => `${n}@${firstReady(n)}`).join(' ');
    assert.ok(firstReady('infrastructure-controllers') < firstReady('applications'), `infrastructure-controllers Ready before applications: ${order}`);
    assert.ok(firstReady('infrastructure-controllers') < firstReady('db') && firstReady('db') < firstReady('backend') && firstReady('backend') < firstReady('frontend'), `db, backend, frontend in order: ${order}`);
    // Nothing of the applications' set was created before its dependency was Ready.
    for (const d of ['debug', 'benjamintoll', 'dnsutils']) {
      assert.ok((deploymentAdded.get(d) ?? 0) > firstReady('infrastructure-controllers'), `Deployment ${d} created after infrastructure-controllers turned Ready`);
    }
    const infra = await client.get<Obj>(KS, 'infrastructure-controllers');
    const apps = await client.get<Obj>(KS, 'applications');
    assert.ok(readyOf(infra)!.lastTransitionTime <= readyOf(apps)!.lastTransitionTime);
    assert.deepEqual(apps.spec.dependsOn, [{ name: 'infrastructure-controllers' }]);

    // kyverno.yaml (its CRDs, then the ClusterPolicies of those CRDs) through staged apply.
    const kyvernoCrds = (parseAllDocuments(seedFile('infrastructure/controllers/kyverno/kyverno.yaml')).map((d) => d.toJS()) as Obj[]).filter((o) => o?.kind === 'CustomResourceDefinition');
    assert.equal(kyvernoCrds.length, 12);
    for (const crd of kyvernoCrds) {
      const live = await get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name);
      assert.ok(live?.status?.conditions?.some((c: Cond) => c.type === 'Established' && c.status === 'True'), `CRD ${crd.metadata.name} established`);
    }
    const policies = readdirSync(join(seed, 'infrastructure/controllers/kyverno/policies'))
      .filter((f) => f !== 'kustomization.yaml')
      .map((f) => parseYaml(seedFile(`infrastructure/controllers/kyverno/policies/${f}`)) as Obj);
    assert.equal(policies.length, 3);
    for (const p of policies) assert.ok(await get('kyverno.io/v1', 'ClusterPolicy', p.metadata.name), `ClusterPolicy ${p.metadata.name} applied`);
    const infraIds: string[] = infra.status.inventory.entries.map((e: { id: string }) => e.id);
    assert.ok(infraIds.includes('_clusterpolicies.kyverno.io_apiextensions.k8s.io_CustomResourceDefinition'));
    assert.ok(infraIds.includes('_add-ttl-jobs_kyverno.io_ClusterPolicy'));
    assert.ok(infraIds.some((id) => id.startsWith('kyverno_') && id.endsWith('_apps_Deployment')));

    // Replicas as the beta overlays say: debug through `replicas:`, benjamintoll through its patch.
    const debugReplicas = (parseYaml(seedFile('applications/devops/debug/overlays/beta/kustomization.yaml')).replicas as { name: string; count: number }[]).find((r) => r.name === 'debug')!.count;
    const benjamintollReplicas = (parseYaml(seedFile('applications/web/benjamintoll/overlays/beta/patch.yaml')) as Obj).spec.replicas as number;
    assert.deepEqual([debugReplicas, benjamintollReplicas], [5, 6]);
    for (const [name, replicas] of [['debug', debugReplicas], ['benjamintoll', benjamintollReplicas]] as const) {
      const d = (await get('apps/v1', 'Deployment', name, 'default'))!;
      assert.equal(d.spec.replicas, replicas, `${name} spec.replicas`);
      assert.equal(d.status?.readyReplicas, replicas, `${name} runs ${replicas} ready replicas`);
      assert.equal(d.metadata.labels?.['kustomize.toolkit.fluxcd.io/name'], 'applications');
    }

    // The generated ConfigMaps: hashed names, the merged beta values, referenced by the Deployments.
    for (const [app, name, deployment] of [['applications/devops/debug', 'env-debug', 'debug'], ['applications/web/benjamintoll', 'env-benjamintoll', 'benjamintoll']] as const) {
      const want = expectedConfigMap(seed, app, name);
      const found = await configMaps(name);
      assert.equal(found.length, 1, `one ${name} ConfigMap: ${found.map((c) => c.metadata.name).join(', ')}`);
      assert.match(found[0]!.metadata.name, new RegExp(`^${name}-[a-z0-9]{10}$`), 'a content-hashed name');
      assert.deepEqual(found[0]!.data, want, `${found[0]!.metadata.name} carries the merged beta values`);
      const d = (await get('apps/v1', 'Deployment', deployment, 'default'))!;
      assert.equal(d.spec.template.spec.containers[0].envFrom[0].configMapRef.name, found[0]!.metadata.name, `${deployment} refers to the hashed name`);
    }
    assert.deepEqual(expectedConfigMap(seed, 'applications/devops/debug', 'env-debug'), { BASE: 'base', PORT: '443', FOO: 'beta-foo', BAR: 'beta-bar', DERP: 'beta-derp' }, 'the merge keeps the base-only keys');
  });

  it('prunes dnsutils once config/beta no longer lists it', async () => {
    assert.ok(await get('apps/v1', 'Deployment', 'dnsutils', 'default'));
    const infraBefore = (await client.get<Obj>(KS, 'infrastructure-controllers')).status.inventory;
    const config = workFile('config/beta/kustomization.yaml');
    const pruned = config.replace(/^\s*- .*dnsutils.*\n/m, '');
    assert.notEqual(pruned, config);
    const rev = await push({ 'config/beta/kustomization.yaml': pruned }, 'drop dnsutils');
    const apps = await waitKs('applications', `Ready at ${rev}`, readyAt(rev));
    assert.equal(await get('apps/v1', 'Deployment', 'dnsutils', 'default'), undefined, 'dnsutils Deployment deleted');
    assert.ok(!apps.status.inventory.entries.some((e: { id: string }) => e.id.includes('dnsutils')), 'and gone from the inventory');
    assert.ok(await get('apps/v1', 'Deployment', 'debug', 'default'), 'the rest stays');
    await poll('dnsutils pods collected', async () => {
      const pods = (await client.list<Obj>({ apiVersion: 'v1', kind: 'Pod', namespace: 'default' }, { labelSelector: 'app=dnsutils' })).items;
      return pods.length === 0 ? true : undefined;
    });
    // The infrastructure applied the same revision again: same inventory, nothing of it pruned
    // (its ClusterPolicies keep their cluster-scoped ids from the first apply on).
    const infra = await waitKs('infrastructure-controllers', `Ready at ${rev}`, readyAt(rev));
    assert.deepEqual(infra.status.inventory, infraBefore);
    assert.ok(await get('kyverno.io/v1', 'ClusterPolicy', 'add-ttl-jobs'));
    const events = (await client.list<Obj & { involvedObject?: { name: string }; message?: string }>({ apiVersion: 'v1', kind: 'Event', namespace: NS })).items;
    assert.ok(!events.some((e: any) => e.involvedObject?.name === 'infrastructure-controllers' && / deleted/.test(e.message ?? '')), 'the infrastructure deleted nothing');
    assert.ok(events.some((e: any) => e.involvedObject?.name === 'applications' && /Deployment\/default\/dnsutils deleted/.test(e.message ?? '')), 'an event lists the deletion');
  });

  it('a commit with invalid YAML gives BuildFailed naming the file, and nothing is applied or pruned', async () => {
    const before = await client.get<Obj>(KS, 'applications');
    const applied = before.status.lastAppliedRevision as string;
    const configBefore = workFile('config/beta/kustomization.yaml');
    const envBefore = workFile('applications/devops/debug/overlays/beta/env');
    const deploymentBefore = workFile('applications/devops/debug/base/deployment.yaml');
    // One commit that would apply (a new env value), prune (benjamintoll unlisted) — and
    // holds a file that is not YAML.
    const broken = deploymentBefore.replace(/replicas: 1/, 'replicas: [1');
    assert.notEqual(broken, deploymentBefore);
    const rev = await push(
      {
        'config/beta/kustomization.yaml': configBefore.replace(/^\s*- .*benjamintoll.*\n/m, ''),
        'applications/devops/debug/overlays/beta/env': envBefore.replace('FOO=beta-foo', 'FOO=beta-foo-changed'),
        'applications/devops/debug/base/deployment.yaml': broken,
      },
      'broken yaml',
    );
    const o = await waitKs('applications', 'BuildFailed', (k) => readyOf(k)?.reason === 'BuildFailed' && k.status?.lastAttemptedRevision === rev);
    const ready = readyOf(o)!;
    assert.equal(ready.status, 'False');
    assert.match(ready.message, /kustomize build failed/);
    assert.match(ready.message, /'\.\.\/\.\.\/applications\/devops\/debug\/overlays\/beta'.*'\.\.\/\.\.\/base'.*deployment\.yaml:\d+:\d+/s, `the message names the file: ${ready.message}`);
    assert.equal(o.status.lastAppliedRevision, applied, 'the applied revision stays');
    assert.deepEqual(o.status.inventory, before.status.inventory, 'the inventory stays');
    assert.ok(await get('apps/v1', 'Deployment', 'benjamintoll', 'default'), 'nothing pruned');
    const envs = await configMaps('env-debug');
    assert.equal(envs.length, 1);
    assert.equal(envs[0]!.data?.FOO, 'beta-foo', 'nothing applied');

    // Back to the previous tree: Ready again.
    const fixed = await push({ 'config/beta/kustomization.yaml': configBefore, 'applications/devops/debug/overlays/beta/env': envBefore, 'applications/devops/debug/base/deployment.yaml': deploymentBefore }, 'fix yaml');
    await waitKs('applications', `Ready at ${fixed}`, readyAt(fixed));
  });

  it('a workload switched to fail gives HealthCheckFailed naming it', async () => {
    const overlay = 'applications/devops/debug/overlays/beta';
    const kustomization = workFile(`${overlay}/kustomization.yaml`);
    const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: debug\nspec:\n  template:\n    metadata:\n      annotations:\n        fluxion.dev/simulate: fail\n';
    const t0 = Date.now();
    const rev = await push({ [`${overlay}/simulate-fail.yaml`]: patch, [`${overlay}/kustomization.yaml`]: `${kustomization}\npatches:\n  - path: simulate-fail.yaml\n` }, 'debug fails');
    const o = await waitKs('applications', 'HealthCheckFailed', (k) => readyOf(k)?.reason === 'HealthCheckFailed' && k.status?.lastAttemptedRevision === rev, 90_000);
    const ready = readyOf(o)!;
    assert.equal(ready.status, 'False');
    // The local cluster compresses a failing rollout's progressDeadlineSeconds to about a
    // second, so kstatus sees the Deployment Failed (ProgressDeadlineExceeded) and the wait
    // ends early, as Flux's does for a stalled resource; a rollout still InProgress when the
    // timeout runs out is reported as a timeout. Either way the Deployment is named.
    assert.match(
      ready.message,
      /^health check failed after \S+: (failed early due to stalled resources: \[Deployment\/default\/debug status: 'Failed'\]|timeout waiting for: \[Deployment\/default\/debug status: 'InProgress'\])$/,
    );
    assert.ok(Date.now() - t0 < 15_000 + 30_000, 'within the timeout and a retry');
    assert.equal(o.status.conditions.find((c: Cond) => c.type === 'Healthy')?.status, 'False');
    const d = (await get('apps/v1', 'Deployment', 'debug', 'default'))!;
    assert.equal(d.spec.template.metadata.annotations['fluxion.dev/simulate'], 'fail', 'the failing template was applied');
  });

  it('a missing dependency gives DependencyNotReady, and the objects stay', async () => {
    const db = await client.get<Obj>(KS, 'db');
    await client.patch(KS, 'db', 'merge', { spec: { dependsOn: [...db.spec.dependsOn, { name: 'monitoring' }] } });
    const o = await waitKs('db', 'DependencyNotReady', (k) => readyOf(k)?.reason === 'DependencyNotReady' && k.status?.observedGeneration === k.metadata.generation);
    assert.equal(readyOf(o)!.status, 'False');
    assert.equal(readyOf(o)!.message, `dependency '${NS}/monitoring' not found`);
    assert.ok(await get('apps/v1', 'Deployment', 'db-g00gle', 'default'), 'the objects stay');
  });
});
