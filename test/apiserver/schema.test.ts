import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KUBE_RESOURCES, findKubeResource, kubeDefinitions, resolveKubeSchema } from '../../src/schema/kube/index.js';
import { applyDefaults, prune } from '../../src/apiserver/prune.js';
import { validateValue } from '../../src/apiserver/validation.js';
import type { FieldError } from '../../src/apiserver/errors.js';
import type { OpenApiSchema } from '../../src/schema/kube/index.js';

test('the generated table serves the 1.33 resources with kinds, scopes, verbs and short names', () => {
  const deploy = findKubeResource('apps', 'v1', 'Deployment')!;
  assert.deepEqual(
    { plural: deploy.plural, namespaced: deploy.namespaced, verbs: deploy.verbs, shortNames: deploy.shortNames, categories: deploy.categories, subresources: deploy.subresources.map((s) => `${s.name}:${s.kind}`) },
    {
      plural: 'deployments',
      namespaced: true,
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: ['status:Deployment', 'scale:Scale'],
    },
  );
  assert.equal(findKubeResource('', 'v1', 'Namespace')!.namespaced, false);
  // Beta and alpha group-versions are not served by a default 1.33 server.
  assert.equal(KUBE_RESOURCES.some((r) => r.version.includes('beta') || r.version.includes('alpha')), false);
  assert.equal(KUBE_RESOURCES.some((r) => r.kind === 'MutatingAdmissionPolicy'), false);
  for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Pod', 'Event', 'Endpoints', 'PersistentVolumeClaim', 'PersistentVolume', 'LimitRange', 'ResourceQuota']) {
    assert.ok(findKubeResource('', 'v1', kind), kind);
  }
});

test('definitions keep merge keys and drop prose, but not fields named description', () => {
  const podSpec = kubeDefinitions()['io.k8s.api.core.v1.PodSpec']!;
  assert.equal(podSpec.properties!.containers!['x-kubernetes-patch-merge-key'], 'name');
  assert.equal(podSpec.description, undefined);
  const props = kubeDefinitions()['io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps']!;
  assert.deepEqual(props.properties!.description, { type: 'string' });
});

const crdSchema: OpenApiSchema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['Audit', 'Enforce'] },
        replicas: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
        name: { type: 'string', pattern: '^[a-z]+$', maxLength: 5 },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        items: { type: 'array', items: { type: 'object', properties: { n: { type: 'integer' } } } },
      },
    },
  },
};
const walk = { resolve: resolveKubeSchema, structural: true };

test('pruning drops fields the structural schema does not declare, except under preserve-unknown-fields', () => {
  const unknown: string[] = [];
  const out = prune({ spec: { mode: 'Audit', bogus: 1, extra: { any: { thing: true } }, items: [{ n: 1, m: 2 }] } }, crdSchema, walk, '', unknown);
  assert.deepEqual(out, { spec: { mode: 'Audit', extra: { any: { thing: true } }, items: [{ n: 1 }] } });
  assert.deepEqual(unknown, ['spec.bogus', 'spec.items[0].m']);
});

test('defaults fill absent fields', () => {
  assert.deepEqual(applyDefaults({ spec: { mode: 'Audit' } }, crdSchema, walk), { spec: { mode: 'Audit', replicas: 1 } });
});

test('validation reports the API server messages', () => {
  const errs: FieldError[] = [];
  validateValue({ spec: { mode: 'Sometimes', replicas: 9, name: 'ABCDEFG' } }, crdSchema, resolveKubeSchema, '', errs);
  assert.deepEqual(
    errs.map((e) => `${e.field}: ${e.body}`),
    [
      'spec.mode: Unsupported value: "Sometimes": supported values: "Audit", "Enforce"',
      'spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5',
      'spec.name: Too long: may not be more than 5 bytes',
      "spec.name: Invalid value: \"ABCDEFG\": spec.name in body should match '^[a-z]+$'",
    ],
  );
  const typeErrs: FieldError[] = [];
  validateValue({ spec: { replicas: 'two' } }, crdSchema, resolveKubeSchema, '', typeErrs);
  assert.deepEqual(
    typeErrs.map((e) => `${e.field}: ${e.body}`),
    ['spec.mode: Required value', 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"'],
  );
});

test('the v1.33 table is also available as a SchemaSet', async () => {
  const { kubeSchemaSet } = await import('../../src/schema/kube/schema-set.js');
  const deploy = kubeSchemaSet().schemaFor('apps/v1', 'Deployment')!;
  const containers = deploy.lookup('spec', 'template', 'spec', 'containers')!;
  assert.deepEqual([containers.mergeKey, containers.listType, [...containers.mergeKeys]], ['name', 'map', ['name']]);
  // A 1.33 field kustomize's 1.21 table does not know.
  assert.ok(kubeSchemaSet().schemaFor('v1', 'Pod')!.lookup('spec', 'os'));
});
