/**
 * The controller runner: `fluxion install`'s Deployments run in process by the local cluster,
 * talking HTTPS to it, reconciling for real, their logs served to the real `kubectl logs`;
 * restarted on a pod template change, stopped at zero replicas.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installManifests } from '../../src/api/install.js';
import { ControllerRunner, controllerLaunch, expandReferences } from '../../src/cluster-runner/index.js';
import { KNOWN_CONTROLLERS } from '../../src/controllers/manager.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { kubectlEnv, poll, runKubectl, startCluster, uniqueName, type TestCluster } from './helpers.js';
import { startGitHttpServer, TestRepo, type GitHttpServer } from '../git/servers.js';

let c: TestCluster;
let runner: ControllerRunner;
let client: KubeClient;
let git: GitHttpServer;
let gitRoot: string;
let repo: TestRepo;
const reports: string[] = [];

const deployRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'flux-system' };
const gitRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' };

before(async () => {
  runner = new ControllerRunner({ report: (m) => reports.push(m) });
  c = await startCluster({ runners: [runner] });
  runner.connect({ server: c.cluster.url, token: c.token, caCert: c.caCert });
  client = new KubeClient(await loadKubeConfig({ kubeconfig: c.kubeconfig }));
  for (const m of installManifests({ version: '0.1.0', components: ['source-controller', 'kustomize-controller'] })) {
    await client.apply(m as KubeObject, { fieldManager: 'test', force: true });
    if (m.kind === 'CustomResourceDefinition') client.discovery.invalidate();
  }
  gitRoot = mkdtempSync(join(tmpdir(), 'fluxion-runner-git-'));
  repo = TestRepo.create(gitRoot, 'app');
  git = await startGitHttpServer({ root: gitRoot });
});

after(async () => {
  client?.close();
  await c?.stop();
  await runner?.stopAll();
  await git?.close();
  repo?.cleanup();
  rmSync(gitRoot, { recursive: true, force: true });
});

const logsOf = async (deploy: string, extra: string[] = []) => {
  const r = await c.kubectl(['logs', '-n', 'flux-system', `deploy/${deploy}`, ...extra]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

test('args are expanded from the container env as the kubelet does', () => {
  const vars = new Map([['RUNTIME_NAMESPACE', 'flux-system']]);
  assert.equal(expandReferences('--adv=source.$(RUNTIME_NAMESPACE).svc', vars), '--adv=source.flux-system.svc');
  assert.equal(expandReferences('$(UNSET) and $$(RUNTIME_NAMESPACE)', vars), '$(UNSET) and $(RUNTIME_NAMESPACE)');
  const d = installManifests({ version: '1.2.3', namespace: 'ops', components: ['source-controller'] }).find((m) => m.kind === 'Deployment')!;
  const launch = controllerLaunch(d as never)!;
  assert.equal(launch.serviceAccount, 'source-controller');
  assert.ok(launch.args.includes('--storage-adv-addr=source-controller.ops.svc.cluster.local.'), launch.args.join(' '));
  assert.equal(launch.args[0], '--controllers=source');
  // Other images are not ours to run.
  const other = structuredClone(d) as any;
  other.spec.template.spec.containers[0].image = 'ghcr.io/fluxcd/source-controller:v1.6.0';
  assert.equal(controllerLaunch(other), undefined);
});

test('the source-controller Deployment runs in process, ready, with its logs in kubectl logs', async () => {
  await poll('source-controller ready', async () => {
    const d = (await client.get(deployRef, 'source-controller')) as any;
    return d.status?.readyReplicas === 1 ? d : undefined;
  }, 30_000);
  const out = await poll('the started line', async () => {
    const text = await logsOf('source-controller');
    return text.includes('controllers started: source') ? text : undefined;
  }, 30_000);
  const started = out.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => String(l.msg).startsWith('controllers started'));
  assert.equal(started.level, 'info');
  assert.match(started.msg, /artifacts 127\.0\.0\.1:\d+/);
  assert.ok(reports.some((r) => r.includes('Deployment flux-system/source-controller')), reports.join('\n'));
});

test('the in-process source controller reconciles a GitRepository through the API server', async () => {
  const hash = repo.commit({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' }, 'first');
  await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'flux-system' }, spec: { interval: '1m', url: `${git.url}/app.git`, ref: { branch: 'main' } } });
  const obj = await poll('GitRepository Ready', async () => {
    const o = (await client.get(gitRef, 'app')) as any;
    return o.status?.conditions?.find((x: any) => x.type === 'Ready')?.status === 'True' ? o : undefined;
  }, 30_000);
  assert.equal(obj.status.artifact.revision, `main@sha1:${hash}`);
  assert.match(obj.status.artifact.url, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal((await fetch(obj.status.artifact.url)).status, 200);
  // The controller wrote its status with its own name as field manager (the user agent's first word).
  assert.ok((obj.metadata.managedFields as any[]).some((f) => f.manager === 'source-controller'), JSON.stringify(obj.metadata.managedFields));
  const logs = await logsOf('source-controller');
  assert.match(logs, /"GitRepository":\{"name":"app","namespace":"flux-system"\}/);
});

test('kubectl logs --tail, --timestamps and --since-time select lines', async () => {
  const all = (await logsOf('source-controller')).trimEnd().split('\n');
  assert.ok(all.length >= 2);
  const tail = (await logsOf('source-controller', ['--tail=1'])).trimEnd().split('\n');
  assert.deepEqual(tail, all.slice(-1));
  const stamped = (await logsOf('source-controller', ['--tail=2', '--timestamps'])).trimEnd().split('\n');
  assert.equal(stamped.length, 2);
  for (const l of stamped) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \{/);
  const future = (await logsOf('source-controller', [`--since-time=${new Date(Date.now() + 3_600_000).toISOString()}`])).trim();
  assert.equal(future, '');
  // A container the pod does not have is refused, as by a kubelet.
  const bad = await c.kubectl(['logs', '-n', 'flux-system', 'deploy/source-controller', '-c', 'nope']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /container nope is not valid/);
});

test('kubectl logs -f streams lines as the controller writes them', async () => {
  const env = kubectlEnv(c.dir, c.kubeconfig);
  const child = spawn('kubectl', ['logs', '-f', '--tail=0', '-n', 'flux-system', 'deploy/source-controller'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await new Promise((r) => setTimeout(r, 500));
    repo.commit({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n' }, 'second');
    await client.patch(gitRef, 'app', 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': String(Date.now()) } } });
    await poll('the new commit in the followed log', () => (out.includes("stored artifact for commit 'second'") ? true : undefined), 30_000);
    assert.ok(!out.includes('controllers started'), 'tail=0 starts at the end');
  } finally {
    child.kill('SIGTERM');
  }
});

test('the kustomize-controller Deployment runs, or says which controllers are unavailable', async () => {
  const logs = await poll('kustomize-controller logs', async () => {
    const t = await logsOf('kustomize-controller');
    return t.includes('controllers started') ? t : undefined;
  }, 30_000);
  if ((KNOWN_CONTROLLERS as readonly string[]).includes('kustomize')) assert.match(logs, /controllers started: kustomize/);
  else assert.match(logs, /controller 'kustomize' not available in this build of fluxion/);
});

test('a pod template change restarts the controllers; zero replicas stops them', async () => {
  const first = await logsOf('source-controller');
  const before = first.split('controllers started').length - 1;
  const oldAddr = /artifacts (127\.0\.0\.1:\d+)/.exec(first.slice(first.lastIndexOf('controllers started')))![1];
  const d = (await client.get(deployRef, 'source-controller')) as any;
  const args: string[] = d.spec.template.spec.containers[0].args;
  const patched = args.map((a) => (a.startsWith('--log-level=') ? '--log-level=debug' : a));
  await client.patch(deployRef, 'source-controller', 'json', [{ op: 'replace', path: '/spec/template/spec/containers/0/args', value: patched }]);
  const restarted = await poll('restart', async () => {
    const t = await logsOf('source-controller');
    return t.split('controllers started').length - 1 > before ? t : undefined;
  }, 30_000);
  assert.match(restarted, /"msg":"shutting down"/);
  const addr = /artifacts (127\.0\.0\.1:\d+)/.exec(restarted.slice(restarted.lastIndexOf('controllers started')))![1];
  assert.notEqual(addr, oldAddr);
  await assert.rejects(fetch(`http://${oldAddr}/`), 'the old run stopped listening');
  assert.ok((await fetch(`http://${addr}/`)).status > 0);

  await client.patch(deployRef, 'source-controller', 'merge', { spec: { replicas: 0 } });
  await poll('the artifact server closed', async () => {
    try {
      await fetch(`http://${addr}/`);
      return undefined;
    } catch {
      return true;
    }
  }, 30_000);
  assert.ok(reports.some((r) => r.includes('stopped the controllers of Deployment flux-system/source-controller')), reports.join('\n'));
});

test('fluxion cluster start runs what fluxion install installs; kubectl logs reads it', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-runner-cli-'));
  const env = { ...process.env, FLUXION_HOME: join(dir, 'home'), KUBECONFIG: join(dir, 'kubeconfig'), KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  const main = join(import.meta.dirname, '../../src/cli/main.ts');
  const cli = (args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    });
  const name = uniqueName('runner');
  try {
    const started = await cli(['cluster', 'start', name, '--detach']);
    assert.equal(started.code, 0, started.stderr);
    const installed = await cli(['install', '--components=source-controller,kustomize-controller', '--timeout=2m']);
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stderr, /✔ source-controller: deployment ready\n✔ install finished\n$/);
    const logs = await poll('the controllers started line', async () => {
      const r = await runKubectl(env, ['logs', '-n', 'flux-system', 'deploy/source-controller']);
      return r.code === 0 && r.stdout.includes('controllers started: source') ? r.stdout : undefined;
    }, 30_000);
    assert.match(logs, /"server":"https:\/\/127\.0\.0\.1:\d+"/);
    // The cluster's own log names the Deployments it runs.
    const clusterLog = readFileSync(join(dir, 'home/clusters', name, 'cluster.log'), 'utf8');
    assert.match(clusterLog, /started the controllers of Deployment flux-system\/source-controller: source/);
  } finally {
    await cli(['cluster', 'delete', name]);
    rmSync(dir, { recursive: true, force: true });
  }
});
