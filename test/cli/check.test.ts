/**
 * `fluxion install` and `fluxion check` as processes against a local cluster that runs the
 * controller Deployments (the runner), with flux's output line for line.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ControllerRunner } from '../../src/cluster-runner/index.js';
import { KUBERNETES_VERSION } from '../../src/apiserver/index.js';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion } from './run.js';

let c: TestCluster;
let runner: ControllerRunner;

before(async () => {
  runner = new ControllerRunner({ report: () => {} });
  c = await startCluster({ runners: [runner] });
  runner.connect({ server: c.cluster.url, token: c.token, caCert: c.caCert });
});

after(async () => {
  await c?.stop();
  await runner?.stopAll();
});

const run = (args: string[], timeoutMs = 120_000) => fluxion(args, { kubeconfig: c.kubeconfig, timeoutMs });
const lines = (s: string) => s.trimEnd().split('\n');
const k8s = KUBERNETES_VERSION.gitVersion.replace(/^v/, '');

test('check --pre checks the Kubernetes version only', async () => {
  const r = await run(['check', '--pre']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stderr), ['► checking prerequisites', `✔ Kubernetes ${k8s} >=1.30.0-0`, '✔ prerequisites checks passed']);
});

test('check fails, exit code 1, before anything is installed', async () => {
  const r = await run(['check']);
  assert.equal(r.code, 1);
  assert.deepEqual(lines(r.stderr), [
    '► checking prerequisites',
    `✔ Kubernetes ${k8s} >=1.30.0-0`,
    '► checking version in cluster',
    '✗ checking failed: customresourcedefinitions.apiextensions.k8s.io "gitrepositories.source.toolkit.fluxcd.io" not found',
    '► checking controllers',
    "✗ no controllers found in the 'flux-system' namespace with the label selector 'app.kubernetes.io/part-of=flux'",
    '► checking crds',
    "✗ no crds found with the label selector 'app.kubernetes.io/part-of=flux'",
    '✗ check failed',
  ]);
});

test('install applies the manifests and waits for the controllers to be ready', async () => {
  const r = await run(['install']);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stderr);
  assert.deepEqual(out.slice(0, 3), ['✚ generating manifests', '✔ manifests build completed', '► installing components in flux-system namespace']);
  assert.deepEqual(out.slice(-4), ['◎ verifying installation', '✔ kustomize-controller: deployment ready', '✔ source-controller: deployment ready', '✔ install finished']);
  const changes = out.slice(3, -4);
  // CRDs and the namespace first, then the rest; every object created.
  assert.match(changes[0]!, /^CustomResourceDefinition\/\S+\.toolkit\.fluxcd\.io created$/);
  assert.ok(changes.includes('CustomResourceDefinition/gitrepositories.source.toolkit.fluxcd.io created'), changes.join('\n'));
  const lastCrd = changes.map((l) => l.startsWith('CustomResourceDefinition/')).lastIndexOf(true);
  assert.ok(lastCrd < changes.indexOf('Namespace/flux-system created'), 'CRDs come before the namespace');
  assert.ok(changes.includes('Namespace/flux-system created'), changes.join('\n'));
  assert.ok(changes.includes('Deployment/flux-system/source-controller created'), changes.join('\n'));
  assert.ok(changes.indexOf('Namespace/flux-system created') < changes.indexOf('ServiceAccount/flux-system/source-controller created'));
  assert.ok(changes.every((l) => / created$/.test(l)), changes.join('\n'));

  // The same install again changes nothing.
  const again = await run(['install']);
  assert.equal(again.code, 0, again.stderr);
  const unchanged = lines(again.stderr).slice(3, -4);
  assert.equal(unchanged.length, changes.length);
  assert.ok(unchanged.every((l) => / unchanged$/.test(l)), unchanged.join('\n'));
});

test('check passes once the controllers run, listing images and CRDs', async () => {
  const r = await run(['check']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(lines(r.stderr), [
    '► checking prerequisites',
    `✔ Kubernetes ${k8s} >=1.30.0-0`,
    '► checking version in cluster',
    '✔ distribution: flux-v0.1.0',
    '✔ bootstrapped: false',
    '► checking controllers',
    '✔ kustomize-controller: deployment ready',
    '► ghcr.io/fluxion/fluxion:v0.1.0',
    '✔ source-controller: deployment ready',
    '► ghcr.io/fluxion/fluxion:v0.1.0',
    '► checking crds',
    ...lines(r.stderr).filter((l) => l.startsWith('✔ ') && l.includes('.toolkit.fluxcd.io/')),
    '✔ all checks passed',
  ]);
  const crdLines = lines(r.stderr).filter((l) => l.includes('.toolkit.fluxcd.io/'));
  assert.ok(crdLines.includes('✔ gitrepositories.source.toolkit.fluxcd.io/v1'), crdLines.join('\n'));
  assert.ok(crdLines.includes('✔ kustomizations.kustomize.toolkit.fluxcd.io/v1'), crdLines.join('\n'));
  // The real kubectl sees what check saw.
  const k = await c.kubectl(['get', 'deploy', '-n', 'flux-system', '-l', 'app.kubernetes.io/part-of=flux', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.readyReplicas}{"\\n"}{end}']);
  assert.equal(k.code, 0, k.stderr);
  assert.deepEqual(lines(k.stdout), ['kustomize-controller=1', 'source-controller=1']);
});

test('check fails naming a controller that is not ready or not there', async () => {
  // A pod template whose pods never become ready (the simulation's bad image).
  const p = await c.kubectl(['patch', 'deploy', '-n', 'flux-system', 'kustomize-controller', '--type=merge', '-p', '{"spec":{"template":{"metadata":{"annotations":{"fluxion.dev/simulate":"fail"}}}}}']);
  assert.equal(p.code, 0, p.stderr);
  const d = await c.kubectl(['delete', 'deploy', '-n', 'flux-system', 'source-controller']);
  assert.equal(d.code, 0, d.stderr);
  const r = await run(['check', '--timeout=3s', '--poll-interval=500ms', '--components=source-controller,kustomize-controller']);
  assert.equal(r.code, 1);
  const out = lines(r.stderr);
  assert.ok(out.includes('✗ kustomize-controller: deployment not ready'), r.stderr);
  assert.ok(out.includes('✗ source-controller: deployment not found'), r.stderr);
  assert.equal(out.at(-1), '✗ check failed');
});
