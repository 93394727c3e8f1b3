/**
 * The staged apply against `fluxion cluster` (in process) for sets that define what they use:
 * objects in a Namespace of the same set, and custom objects of a CRD of the same set (the
 * gitops-seed's kyverno.yaml is both). Also what the first health check reads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ResourceManager } from '../../../src/controllers/kustomize/apply.js';
import { inventoryOf, objRefOf } from '../../../src/controllers/kustomize/inventory.js';
import { waitForHealth } from '../../../src/controllers/kustomize/health.js';
import { KubeClient, loadKubeConfig } from '../../../src/kube/index.js';
import type { ValueMap } from '../../../src/yaml/types.js';
import { startCluster, type TestCluster } from '../../apiserver/helpers.js';

const crd = (scope: 'Cluster' | 'Namespaced'): ValueMap => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope,
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
});

describe('staged apply of a set that defines its own namespace and kinds', () => {
  let cluster: TestCluster;
  let client: KubeClient;
  const owner = { name: 'infra', namespace: 'flux-system' };

  before(async () => {
    cluster = await startCluster();
    client = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
    // One request first: concurrent first requests of a new client each load credentials and
    // replace each other's connection pool (src/kube, reported), which resets sockets.
    await client.list({ apiVersion: 'v1', kind: 'Namespace' });
  });
  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('applies objects into a Namespace it creates, and custom objects of its CRD with the CRD’s scope', async () => {
    // As `kustomize build` with `namespace: fresh` leaves them: the cluster-scoped Widget too.
    const set: ValueMap[] = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'fresh' }, data: { a: '1' } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'fresh' }, spec: { size: 3 } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } },
      crd('Cluster'),
    ];
    const manager = new ResourceManager(client, owner);
    const objects = await manager.normalize(set);
    const widget = objects.find((o) => o.kind === 'Widget')!;
    assert.equal((widget.metadata as ValueMap).namespace, undefined, 'the CRD says Cluster, so the namespace goes before the first apply');
    const changes = await manager.applyAllStaged(objects, { force: false, stageTimeoutMs: 10_000 });
    assert.deepEqual(
      changes.map((c) => `${c.subject} ${c.action}`),
      ['CustomResourceDefinition/widgets.example.com created', 'Namespace/fresh created', 'ConfigMap/fresh/settings created', 'Widget/w1 created'],
    );
    const first = inventoryOf(objects).map((e) => e.id);
    assert.ok(first.includes('_w1_example.com_Widget'));

    // The next reconcile (discovery knows the kind now) names the Widget the same way: nothing is stale.
    const again = new ResourceManager(client, owner);
    const objects2 = await again.normalize(set);
    assert.deepEqual(inventoryOf(objects2).map((e) => e.id), first);
    const changes2 = await again.applyAllStaged(objects2, { force: false, stageTimeoutMs: 10_000 });
    assert.ok(changes2.every((c) => c.action === 'unchanged'), changes2.map((c) => `${c.subject} ${c.action}`).join(', '));

    // The first health check reads what the apply saw; objects it did not see are read from the server.
    const seen = again.observed(objRefOf(objects2.find((o) => o.kind === 'ConfigMap')!));
    assert.equal(seen?.metadata.name, 'settings');
    let gets = 0;
    const counting = new Proxy(client, { get: (t, k) => (k === 'get' ? (...a: Parameters<KubeClient['get']>) => (gets++, t.get(...a)) : Reflect.get(t, k)) });
    await waitForHealth(counting, [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'fresh', name: 'settings' }, { apiVersion: 'v1', kind: 'Namespace', name: 'fresh' }], {
      timeoutMs: 5_000,
      observed: (t) => again.observed({ group: '', kind: t.kind, namespace: t.namespace ?? '', name: t.name }),
    });
    assert.equal(gets, 0, 'both were seen by the apply');
    await waitForHealth(counting, [{ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'fresh', name: 'settings' }], { timeoutMs: 5_000 });
    assert.equal(gets, 1, 'without observations the check reads the object');
  });

  it('a set whose object is invalid in a new namespace fails naming it', async () => {
    const set: ValueMap[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh2' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'fresh2' }, data: { a: 1 as never } },
    ];
    const manager = new ResourceManager(client, owner);
    await assert.rejects(manager.applyAllStaged(await manager.normalize(set), { force: false, stageTimeoutMs: 10_000 }), (e: Error) => {
      // Validated once its namespace exists, so the error is about the object, not the namespace.
      assert.match(e.message, /^ConfigMap\/fresh2\/bad dry-run failed \(\w+\): .*data/);
      assert.doesNotMatch(e.message, /not found/);
      return true;
    });
  });
});
