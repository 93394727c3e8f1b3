import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { defaultSchemaSet, isNamespaced, schemaFor, SchemaSet } from '../../src/schema/index.js';
import { compileSchema } from '../../src/schema/compact.js';
import { DEFS, NAMES } from '../../src/schema/kustomize-v1.21.2.generated.js';
import { DEFAULT_INPUT, DEFAULT_OUTPUT, renderTable } from '../../scripts/gen-kustomize-schema.js';

test('Deployment: containers merge by name, ports by containerPort+protocol', () => {
  const d = schemaFor('apps/v1', 'Deployment');
  assert.ok(d);
  const containers = d.lookup('spec', 'template', 'spec', 'containers');
  assert.ok(containers);
  assert.equal(containers.type, 'array');
  assert.equal(containers.isList, true);
  assert.equal(containers.patchStrategy, 'merge');
  assert.deepEqual(containers.mergeKeys, ['name']);
  assert.equal(containers.isAssociativeList, true);

  const ports = containers.items()?.field('ports');
  assert.ok(ports);
  assert.equal(ports.mergeKey, 'containerPort');
  assert.equal(ports.listType, 'map');
  assert.deepEqual(ports.listMapKeys, ['containerPort', 'protocol']);
  assert.deepEqual(ports.mergeKeys, ['containerPort', 'protocol']);
  assert.equal(ports.items()?.field('containerPort')?.type, 'integer');

  assert.deepEqual(containers.items()?.field('volumeMounts')?.mergeKeys, ['mountPath']);
  assert.deepEqual(containers.items()?.field('env')?.mergeKeys, ['name']);
  // args has a schema but no strategy: replaced as a whole
  const args = containers.items()?.field('args');
  assert.equal(args?.isList, true);
  assert.equal(args?.isAssociativeList, false);
  assert.deepEqual(args?.mergeKeys, []);
});

test('volumes merge by name under "merge,retainKeys"; finalizers merge by value', () => {
  const pod = schemaFor('v1', 'Pod');
  const volumes = pod?.lookup('spec', 'volumes');
  assert.equal(volumes?.patchStrategy, 'merge,retainKeys');
  assert.equal(volumes?.hasStrategy('retainKeys'), true);
  assert.equal(volumes?.isAssociativeList, true);
  assert.deepEqual(volumes?.mergeKeys, ['name']);

  const finalizers = pod?.lookup('metadata', 'finalizers');
  assert.equal(finalizers?.isAssociativeList, true);
  assert.deepEqual(finalizers?.mergeKeys, []);
  assert.equal(finalizers?.items()?.type, 'string');
});

test('a strategy written beside a $ref is not seen (kyaml replaces the schema by its target)', () => {
  const strategy = schemaFor('apps/v1', 'Deployment')?.lookup('spec', 'strategy');
  assert.ok(strategy);
  assert.equal(strategy.patchStrategy, undefined);
  assert.deepEqual(strategy.fieldNames().sort(), ['rollingUpdate', 'type']);
});

test('maps: labels take any key, values are strings', () => {
  const labels = schemaFor('v1', 'ConfigMap')?.lookup('metadata', 'labels');
  assert.ok(labels);
  assert.equal(labels.isMap, true);
  assert.equal(labels.field('app.kubernetes.io/name')?.type, 'string');
  assert.equal(schemaFor('v1', 'ConfigMap')?.lookup('data', 'any.key')?.type, 'string');
  assert.equal(schemaFor('v1', 'ConfigMap')?.field('nope'), undefined);
});

test('unknown kinds and versions have no schema', () => {
  assert.equal(schemaFor('example.com/v1', 'Foo'), undefined);
  assert.equal(schemaFor('apps/v1', 'Nope'), undefined);
  assert.equal(schemaFor('apps/v2', 'Deployment'), undefined);
  assert.ok(schemaFor('extensions/v1beta1', 'Ingress'));
});

test('isNamespaced matches kustomize: exact apiVersion, unknown kinds namespaced', () => {
  const cases: [string, string, string, boolean][] = [
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', false],
    ['rbac.authorization.k8s.io', 'v1beta1', 'ClusterRoleBinding', false],
    ['rbac.authorization.k8s.io', 'v1alpha1', 'ClusterRole', true],
    ['', 'v1', 'ClusterRole', true],
    ['', 'v1', 'Namespace', false],
    ['', 'v1', 'PersistentVolume', false],
    ['', 'v1', 'NodeProxyOptions', false],
    ['storage.k8s.io', 'v1', 'StorageClass', false],
    ['storage.k8s.io', 'v1beta1', 'CSIStorageCapacity', true],
    ['storage.k8s.io', 'v1', 'CSIStorageCapacity', true],
    ['policy', 'v1beta1', 'PodSecurityPolicy', false],
    ['policy', 'v1', 'PodSecurityPolicy', true],
    ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', false],
    ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', false],
    ['apps', 'v1', 'Deployment', true],
    ['example.com', 'v1', 'Foo', true],
    ['rbac.authorization.k8s.io', undefined as unknown as string, 'ClusterRole', true],
  ];
  for (const [g, v, k, want] of cases) assert.equal(isNamespaced(g, v, k), want, `${g}/${v} ${k}`);
  assert.equal(defaultSchemaSet().scope('v1', 'Namespace'), 'Cluster');
  assert.equal(defaultSchemaSet().scope('v1', 'Pod'), 'Namespaced');
  assert.equal(defaultSchemaSet().scope('example.com/v1', 'Foo'), undefined);
});

const customDoc = {
  definitions: {
    'v1alpha1.MyCRD': {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        spec: { type: 'object', properties: { template: { $ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec' } } },
      },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'MyCRD', version: 'v1alpha1' }],
    },
    'io.k8s.api.core.v1.PodTemplateSpec': {
      type: 'object',
      properties: { spec: { $ref: '#/definitions/io.k8s.api.core.v1.PodSpec' } },
    },
    'io.k8s.api.core.v1.PodSpec': {
      type: 'object',
      properties: {
        containers: {
          type: 'array',
          items: { type: 'object' },
          'x-kubernetes-patch-merge-key': 'image',
          'x-kubernetes-patch-strategy': 'merge',
        },
      },
    },
  },
  paths: {
    '/apis/example.com/v1alpha1/mycrds': {
      get: { 'x-kubernetes-group-version-kind': { group: 'example.com', version: 'v1alpha1', kind: 'MyCRD' } },
    },
  },
};

test('fromDocument: only the document (what `openapi: path:` does)', () => {
  const set = SchemaSet.fromDocument(customDoc);
  const containers = set.schemaFor('example.com/v1alpha1', 'MyCRD')?.lookup('spec', 'template', 'spec', 'containers');
  assert.deepEqual(containers?.mergeKeys, ['image']);
  assert.equal(set.schemaFor('apps/v1', 'Deployment'), undefined);
  assert.deepEqual(set.kindKeys(), ['example.com/v1alpha1 MyCRD']);
  // scope from the document's paths; the precomputed built-in list still applies
  assert.equal(set.scope('example.com/v1alpha1', 'MyCRD'), 'Cluster');
  assert.equal(set.isNamespaced('v1', 'Namespace'), false);
});

test('withDocument: adds kinds and replaces same-named definitions', () => {
  const set = defaultSchemaSet().withDocument(customDoc);
  assert.deepEqual(set.schemaFor('example.com/v1alpha1', 'MyCRD')?.lookup('spec', 'template', 'spec', 'containers')?.mergeKeys, ['image']);
  // Deployment's PodTemplateSpec reference now reaches the replaced PodSpec
  assert.deepEqual(set.schemaFor('apps/v1', 'Deployment')?.lookup('spec', 'template', 'spec', 'containers')?.mergeKeys, ['image']);
  // the built-in set itself is unchanged
  assert.deepEqual(defaultSchemaSet().schemaFor('apps/v1', 'Deployment')?.lookup('spec', 'template', 'spec', 'containers')?.mergeKeys, ['name']);
});

test('compileSchema keeps only merge facts', () => {
  assert.deepEqual(
    compileSchema({
      description: 'x',
      type: 'object',
      required: ['a'],
      properties: {
        a: { type: 'string', description: 'y' },
        b: { type: 'array', items: { $ref: '#/definitions/X' }, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' },
        c: { type: 'object', additionalProperties: { type: 'integer', format: 'int32' } },
        d: { $ref: '#/definitions/Y', 'x-kubernetes-patch-strategy': 'retainKeys' },
        e: { type: 'string', format: 'int-or-string' },
        f: {},
        g: { $ref: 'other.json#/Z' },
      },
    }),
    { p: { a: 's', b: { i: '#X', s: 'merge', k: 'name' }, c: { a: 'i' }, d: '#Y', e: 'q', f: '', g: '!other.json#/Z' } },
  );
});

test('generated table: every reference points at a definition', () => {
  const check = (t: unknown): void => {
    if (typeof t === 'number') assert.ok(t >= 0 && t < NAMES.length);
    else if (typeof t === 'string') assert.ok(!t.startsWith('#') && !t.startsWith('!'), t);
    else if (t && typeof t === 'object') {
      const o = t as { p?: Record<string, unknown>; a?: unknown; i?: unknown };
      Object.values(o.p ?? {}).forEach(check);
      if (o.a !== undefined) check(o.a);
      if (o.i !== undefined) check(o.i);
    }
  };
  assert.equal(DEFS.length, NAMES.length);
  DEFS.forEach(check);
});

test('generated table is up to date with the shared OpenAPI document', (t) => {
  if (!existsSync(DEFAULT_INPUT)) {
    t.skip(`${DEFAULT_INPUT} is absent`);
    return;
  }
  assert.equal(renderTable(readFileSync(DEFAULT_INPUT), DEFAULT_INPUT), readFileSync(DEFAULT_OUTPUT, 'utf8'));
});
