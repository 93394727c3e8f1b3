/**
 * @kubernetes/client-node against the local cluster: list, watch and server-side apply.
 * Skips when the package is not installed (it is a test-only dependency).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { poll, startCluster, uniqueName, type TestCluster } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let k8s: any;
try {
  const name = '@kubernetes/client-node';
  k8s = await import(name);
} catch {
  k8s = undefined;
}
const skip = k8s ? false : '@kubernetes/client-node is not installed; skipped';

let c: TestCluster;
before(async () => {
  if (k8s) c = await startCluster();
});
after(async () => {
  await c?.stop();
});

// client-node 0.x wraps answers in { body }, 1.x returns them directly.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = (r: any) => (r && typeof r === 'object' && 'body' in r && 'response' in r ? r.body : r);

test('client-node lists, watches and applies server-side', { skip }, async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespaces = body(await core.listNamespace());
  assert.ok(namespaces.items.some((n: { metadata: { name: string } }) => n.metadata.name === 'default'));

  const ns = uniqueName('cn');
  await c.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const seen: string[] = [];
  const watch = new k8s.Watch(kc);
  const req = await watch.watch(
    `/api/v1/namespaces/${ns}/configmaps`,
    {},
    (type: string, obj: { metadata: { name: string } }) => seen.push(`${type} ${obj.metadata.name}`),
    () => undefined,
  );
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns }, data: { a: '1' } };
  const applied = body(await objects.patch(cm, undefined, undefined, 'client-node-test', true, k8s.PatchStrategy?.ServerSideApply ?? 'application/apply-patch+yaml'));
  assert.equal(applied.data.a, '1');
  assert.deepEqual(applied.metadata.managedFields.map((m: { manager: string; operation: string }) => `${m.manager}/${m.operation}`), ['client-node-test/Apply']);
  await poll('watch event', () => seen.includes('ADDED applied'));
  req?.abort?.();
  // 1.x takes a parameter object, 0.x positional arguments.
  let listed;
  try {
    listed = body(await core.listNamespacedConfigMap({ namespace: ns }));
  } catch {
    listed = body(await core.listNamespacedConfigMap(ns));
  }
  assert.ok(listed.items.some((x: { metadata: { name: string } }) => x.metadata.name === 'applied'));
});
