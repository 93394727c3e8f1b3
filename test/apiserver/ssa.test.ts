import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveKubeSchema, kubeDefinitions } from '../../src/schema/kube/index.js';
import { FieldSet, pathString } from '../../src/apiserver/fieldset.js';
import { apply, compare, merge, toFieldSet, updateManagedFields } from '../../src/apiserver/ssa.js';
import { StatusError } from '../../src/apiserver/errors.js';
import type { ValueMap } from '../../src/yaml/types.js';

const ctx = { resolve: resolveKubeSchema };
const deployment = kubeDefinitions()['io.k8s.api.apps.v1.Deployment'];
const configMap = kubeDefinitions()['io.k8s.api.core.v1.ConfigMap'];

function strip(o: ValueMap): ValueMap {
  const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = o;
  const m = { ...(metadata as ValueMap) };
  for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields']) delete m[k];
  return Object.keys(m).length ? { ...rest, metadata: m } : rest;
}

const dep = (image: string, replicas?: number): ValueMap => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] },
    },
  },
});

test('toFieldSet writes list items by key, map entries and leaves as fieldsV1 does', () => {
  const set = toFieldSet(strip(dep('nginx:1', 2)), deployment, ctx);
  assert.deepEqual(set.toFieldsV1(), {
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
        },
      },
    },
  });
});

test('fieldsV1 round-trips and set algebra keeps members', () => {
  const a = FieldSet.fromFieldsV1({ 'f:data': { 'f:a': {}, 'f:b': {} } });
  const b = FieldSet.fromFieldsV1({ 'f:data': { 'f:b': {}, 'f:c': {} } });
  assert.deepEqual(a.union(b).toFieldsV1(), { 'f:data': { 'f:a': {}, 'f:b': {}, 'f:c': {} } });
  assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:data': { 'f:a': {} } });
  assert.deepEqual(a.intersection(b).toFieldsV1(), { 'f:data': { 'f:b': {} } });
  assert.deepEqual(a.intersection(b).paths(), [['f:data', 'f:b']]);
});

test('paths print as conflict messages name them', () => {
  assert.equal(pathString(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), '.spec.template.spec.containers[name="web"].image');
  assert.equal(pathString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']), '.spec.ports[port=80,protocol="TCP"]');
  assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
});

test('compare reports added, modified and removed leaves', () => {
  const c = compare({ data: { a: '1', b: '2' } }, { data: { a: '9', c: '3' } }, configMap, ctx);
  assert.deepEqual(c.modified.toFieldsV1(), { 'f:data': { 'f:a': {} } });
  assert.deepEqual(c.added.toFieldsV1(), { 'f:data': { 'f:c': {} } });
  assert.deepEqual(c.removed.toFieldsV1(), { 'f:data': { 'f:b': {} } });
});

test('merge keeps live list items and orders by the applied configuration', () => {
  const live = { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }] } } } };
  const config = { spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }, { name: 'a', image: 'a:2' }] } } } };
  assert.deepEqual(merge(live, config, deployment, ctx), {
    spec: { template: { spec: { containers: [{ name: 'c', image: 'c:1' }, { name: 'a', image: 'a:2' }, { name: 'b', image: 'b:1' }] } } },
  });
});

test('apply conflicts with another manager changing its field, and force takes it over', () => {
  const now = '2025-01-01T00:00:00Z';
  const first = apply({ live: undefined, config: dep('nginx:1', 2), manager: 'alice', apiVersion: 'apps/v1', force: false, now, schema: deployment, ctx, strip });
  const live = { ...first.object, metadata: { ...(first.object.metadata as ValueMap), managedFields: first.managedFields as never } };
  // Same value: shared ownership, no conflict.
  const shared = apply({ live, config: dep('nginx:1'), manager: 'bob', apiVersion: 'apps/v1', force: false, now, schema: deployment, ctx, strip });
  assert.deepEqual(shared.managedFields.map((m) => m.manager), ['alice', 'bob']);
  // Different value: conflict naming alice.
  assert.throws(
    () => apply({ live, config: dep('nginx:2'), manager: 'bob', apiVersion: 'apps/v1', force: false, now, schema: deployment, ctx, strip }),
    (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 409);
      assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.template.spec.containers[name="web"].image');
      assert.deepEqual(e.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.template.spec.containers[name="web"].image' }]);
      return true;
    },
  );
  const forced = apply({ live, config: dep('nginx:2'), manager: 'bob', apiVersion: 'apps/v1', force: true, now, schema: deployment, ctx, strip });
  const alice = forced.managedFields.find((m) => m.manager === 'alice')!;
  const bob = forced.managedFields.find((m) => m.manager === 'bob')!;
  assert.equal(FieldSet.fromFieldsV1(alice.fieldsV1).has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), false);
  assert.equal(FieldSet.fromFieldsV1(bob.fieldsV1).has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']), true);
});

test('a field its only applier stops applying is removed; one another applier owns stays', () => {
  const now = '2025-01-01T00:00:00Z';
  const cm = (data: Record<string, string>): ValueMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
  let r = apply({ live: undefined, config: cm({ a: '1', b: '2' }), manager: 'alice', apiVersion: 'v1', force: false, now, schema: configMap, ctx, strip });
  let live: ValueMap = { ...r.object, metadata: { ...(r.object.metadata as ValueMap), managedFields: r.managedFields as never } };
  r = apply({ live, config: cm({ b: '2' }), manager: 'bob', apiVersion: 'v1', force: false, now, schema: configMap, ctx, strip });
  live = { ...r.object, metadata: { ...(r.object.metadata as ValueMap), managedFields: r.managedFields as never } };
  r = apply({ live, config: cm({}), manager: 'alice', apiVersion: 'v1', force: false, now, schema: configMap, ctx, strip });
  assert.deepEqual(r.object.data, { b: '2' });
});

test('an ordinary update moves changed fields to the writer', () => {
  const before = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'alice', operation: 'Apply', apiVersion: 'v1', time: 't', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } }] }, data: { a: '1', b: '2' } } as unknown as ValueMap;
  const after = { ...before, data: { a: '1', b: '3' } };
  const mf = updateManagedFields({ live: before, updated: after, managedFields: (before.metadata as ValueMap).managedFields, manager: 'kubectl-edit', apiVersion: 'v1', now: 'now', schema: configMap, ctx, strip });
  assert.deepEqual(
    mf.map((m) => [m.manager, m.operation, m.fieldsV1]),
    [
      ['alice', 'Apply', { 'f:data': { 'f:a': {} } }],
      ['kubectl-edit', 'Update', { 'f:data': { 'f:b': {} } }],
    ],
  );
});
