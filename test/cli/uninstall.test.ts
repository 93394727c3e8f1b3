/**
 * `fluxion uninstall` as a process against a local cluster running the controllers: it asks
 * (or fails naming --silent), --dry-run deletes nothing, and the real run removes components,
 * finalizers, CRDs and the namespace in flux's order — checked with the real kubectl.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { installManifests } from '../../src/api/install.js';
import { ControllerRunner } from '../../src/cluster-runner/index.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { poll, startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion } from './run.js';

let c: TestCluster;
let runner: ControllerRunner;
let client: KubeClient;

const gitRef = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'apps' };

before(async () => {
  runner = new ControllerRunner({ report: () => {} });
  c = await startCluster({ runners: [runner] });
  runner.connect({ server: c.cluster.url, token: c.token, caCert: c.caCert });
  client = new KubeClient(await loadKubeConfig({ kubeconfig: c.kubeconfig }));
  for (const m of installManifests({ version: '0.1.0', components: ['source-controller', 'kustomize-controller'] })) {
    await client.apply(m as KubeObject, { fieldManager: 'flux', force: true });
    if (m.kind === 'CustomResourceDefinition') client.discovery.invalidate();
  }
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } });
  // A finalizer no controller will remove once the controllers are gone.
  await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'apps', finalizers: ['finalizers.fluxcd.io'] }, spec: { interval: '1h', url: 'https://example.invalid/app.git', suspend: true } });
});

after(async () => {
  client?.close();
  await c?.stop();
  await runner?.stopAll();
});

const run = (args: string[]) => fluxion(args, { kubeconfig: c.kubeconfig, timeoutMs: 120_000 });
const lines = (s: string) => s.trimEnd().split('\n');

test('without a terminal, uninstall asks nothing and fails naming --silent', async () => {
  const r = await run(['uninstall']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Are you sure you want to delete Flux and its custom resource definitions: standard input is not a terminal, so nothing can be asked; pass --silent to answer yes/);
  assert.equal((await c.kubectl(['get', 'deploy', '-n', 'flux-system', 'source-controller'])).code, 0);
});

test('--dry-run lists what would go and deletes nothing', async () => {
  const r = await run(['uninstall', '--dry-run']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stderr);
  assert.equal(out[0], '► deleting components in flux-system namespace');
  assert.ok(out.includes('✔ Deployment/flux-system/source-controller deleted (dry run)'), r.stderr);
  assert.ok(out.includes('✔ GitRepository/apps/app finalizers deleted (dry run)'), r.stderr);
  assert.ok(out.includes('✔ CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io deleted (dry run)'), r.stderr);
  assert.equal(out.at(-2), '✔ Namespace/flux-system deleted (dry run)');
  assert.equal(out.at(-1), '✔ uninstall finished');
  const crds = await c.kubectl(['get', 'crd', '-l', 'app.kubernetes.io/part-of=flux', '-o', 'name']);
  assert.match(crds.stdout, /gitrepositories\.source\.toolkit\.fluxcd\.io/);
  const git = (await client.get(gitRef, 'app')) as KubeObject;
  assert.deepEqual(git.metadata.finalizers, ['finalizers.fluxcd.io']);
});

test('uninstall --silent removes components, finalizers, CRDs and the namespace, in that order', async () => {
  const r = await run(['uninstall', '--silent']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stderr);
  const at = (l: string) => {
    const i = out.indexOf(l);
    assert.ok(i >= 0, `missing '${l}' in:\n${r.stderr}`);
    return i;
  };
  const order = [
    at('► deleting components in flux-system namespace'),
    at('✔ Deployment/flux-system/kustomize-controller deleted'),
    at('✔ Deployment/flux-system/source-controller deleted'),
    at('✔ Service/flux-system/source-controller deleted'),
    at('✔ NetworkPolicy/flux-system/allow-egress deleted'),
    at('✔ ServiceAccount/flux-system/source-controller deleted'),
    at('✔ ClusterRole/crd-controller-flux-system deleted'),
    at('✔ ClusterRoleBinding/crd-controller-flux-system deleted'),
    at('► deleting toolkit.fluxcd.io finalizers in all namespaces'),
    at('✔ GitRepository/apps/app finalizers deleted'),
    at('► deleting toolkit.fluxcd.io custom resource definitions'),
    at('✔ CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io deleted'),
    at('✔ Namespace/flux-system deleted'),
    at('✔ uninstall finished'),
  ];
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
  // What the real kubectl sees afterwards.
  await poll('the CRDs and their objects gone', async () => {
    const k = await c.kubectl(['get', 'crd', '-l', 'app.kubernetes.io/part-of=flux', '-o', 'name']);
    return k.code === 0 && k.stdout.trim() === '' ? true : undefined;
  }, 30_000);
  await poll('the namespace gone', async () => {
    const k = await c.kubectl(['get', 'ns', 'flux-system']);
    return k.code !== 0 && /NotFound|not found/.test(k.stderr) ? true : undefined;
  }, 30_000);
  const roles = await c.kubectl(['get', 'clusterrole,clusterrolebinding', '-l', 'app.kubernetes.io/part-of=flux', '-o', 'name']);
  assert.equal(roles.stdout.trim(), '');
  assert.equal((await c.kubectl(['get', 'ns', 'apps'])).code, 0, 'other namespaces stay');
});

test('--keep-namespace keeps the namespace', async () => {
  for (const m of installManifests({ version: '0.1.0', components: ['source-controller'] })) {
    await client.apply(m as KubeObject, { fieldManager: 'flux', force: true });
    if (m.kind === 'CustomResourceDefinition') client.discovery.invalidate();
  }
  const r = await run(['uninstall', '--silent', '--keep-namespace']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stderr.includes('Namespace/flux-system'), r.stderr);
  assert.equal((await c.kubectl(['get', 'ns', 'flux-system'])).code, 0);
  const deploys = await c.kubectl(['get', 'deploy', '-n', 'flux-system', '-o', 'name']);
  assert.equal(deploys.stdout.trim(), '');
});
