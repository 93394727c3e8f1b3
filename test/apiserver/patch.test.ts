import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeDefinitions, resolveKubeSchema } from '../../src/schema/kube/index.js';
import { apiServerStrategicMerge as strategicMergePatch } from '../../src/patch/apiserver-strategic-merge.js';
import { jsonPatch, mergePatch } from '../../src/apiserver/jsonpatch.js';
import type { ValueMap } from '../../src/yaml/types.js';

const deployment = kubeDefinitions()['io.k8s.api.apps.v1.Deployment'];

const live: ValueMap = {
  metadata: { name: 'web', finalizers: ['a'] },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'nginx:1', args: ['-x'] },
          { name: 'side', image: 'busybox' },
        ],
      },
    },
  },
};

test('strategic merge merges containers by name and replaces non-merge lists', () => {
  const out = strategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2', args: ['-y'] }] } } } }, deployment, resolveKubeSchema);
  assert.deepEqual(out.spec, {
    replicas: 1,
    template: { spec: { containers: [{ name: 'web', image: 'nginx:2', args: ['-y'] }, { name: 'side', image: 'busybox' }] } },
  });
});

test('strategic merge honours $setElementOrder, $patch delete and null', () => {
  const patch: ValueMap = {
    spec: {
      replicas: null,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'new' }, { name: 'web' }],
          containers: [{ name: 'new', image: 'x' }, { name: 'side', $patch: 'delete' }],
        },
      },
    },
  };
  const out = strategicMergePatch(live, patch, deployment, resolveKubeSchema);
  assert.deepEqual(out.spec, {
    template: { spec: { containers: [{ name: 'new', image: 'x' }, { name: 'web', image: 'nginx:1', args: ['-x'] }] } },
  });
});

test('strategic merge unions primitive merge lists and deletes from them', () => {
  const out = strategicMergePatch(live, { metadata: { finalizers: ['b'] } }, deployment, resolveKubeSchema);
  assert.deepEqual((out.metadata as ValueMap).finalizers, ['a', 'b']);
  const removed = strategicMergePatch(out, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, deployment, resolveKubeSchema);
  assert.deepEqual((removed.metadata as ValueMap).finalizers, ['b']);
});

test('strategic merge $patch: replace swaps a whole map', () => {
  const out = strategicMergePatch(live, { spec: { template: { $patch: 'replace', metadata: { labels: { a: 'b' } } } } }, deployment, resolveKubeSchema);
  assert.deepEqual((out.spec as ValueMap).template, { metadata: { labels: { a: 'b' } } });
});

test('JSON merge patch deletes with null and replaces lists', () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] }), { a: 1, b: { d: 3, e: 4 }, l: [3] });
});

test('JSON patch adds, replaces, removes, moves and tests', () => {
  const out = jsonPatch({ a: { b: [1, 2] }, c: 'x' }, [
    { op: 'add', path: '/a/b/-', value: 3 },
    { op: 'replace', path: '/c', value: 'y' },
    { op: 'move', from: '/c', path: '/d' },
    { op: 'remove', path: '/a/b/0' },
    { op: 'test', path: '/d', value: 'y' },
    { op: 'add', path: '/e~1f', value: true },
  ]);
  assert.deepEqual(out, { a: { b: [2, 3] }, d: 'y', 'e/f': true });
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]), /test failed/);
  // evanphx json-patch v4.12 (in kube-apiserver 1.33 and kustomize 5.5) adds on replace of a missing key.
  assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }]), { a: 1, b: 2 });
  assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'remove', path: '/b/c' }]), (e: Error & { code?: number }) => /missing/.test(e.message));
});
