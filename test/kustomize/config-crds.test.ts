import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromCrds, defaultTransformerConfig, emptyTransformerConfig, mergeTransformerConfig } from '../../src/kustomize/config/index.js';
import type { ValueMap } from '../../src/yaml/types.js';

const PKG = 'github.com/example/pkg/apis/jingfang/v1beta1';
const K8S_TYPE = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: 'k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta' } };

// Shaped like kustomize's TestCrdWithOverlay definitions, plus the other extensions.
const definitions: ValueMap = {
  [`${PKG}.MyKind`]: {
    Schema: { description: 'MyKind', properties: { ...K8S_TYPE, spec: { $ref: `${PKG}.MyKindSpec` } } },
    Dependencies: [`${PKG}.MyKindSpec`],
  },
  [`${PKG}.MyKindList`]: {
    Schema: { properties: { ...K8S_TYPE, items: { type: 'array', items: { $ref: `${PKG}.MyKind` } } } },
  },
  [`${PKG}.MyKindSpec`]: {
    Schema: {
      properties: {
        beeRef: { 'x-kubernetes-object-ref-api-version': 'v1beta1', 'x-kubernetes-object-ref-kind': 'Bee', $ref: `${PKG}.BeeObjectReference` },
        secretRef: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret', $ref: 'k8s.io/api/core/v1.LocalObjectReference' },
        configRef: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'ConfigMap', 'x-kubernetes-object-ref-name-key': 'configName' },
        selector: { 'x-kubernetes-label-selector': '' },
        notes: { 'x-kubernetes-annotation': '' },
        id: { 'x-kubernetes-identity': '' },
        // Extensions count only with string values.
        ignored: { 'x-kubernetes-annotation': true },
      },
    },
  },
  [`${PKG}.BeeObjectReference`]: { Schema: { properties: { name: { type: 'string' } } } },
};

test('CRD definitions become field specs for their root types', () => {
  const tc = configFromCrds([definitions], ['mycrd.json']);
  assert.deepEqual(tc, {
    ...emptyTransformerConfig(),
    namePrefix: [{ kind: 'MyKind', path: 'spec/id' }],
    commonLabels: [{ kind: 'MyKind', path: 'spec/selector' }],
    commonAnnotations: [{ kind: 'MyKind', path: 'spec/notes' }],
    nameReference: [
      { kind: 'ConfigMap', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/configRef/configName' }] },
      { kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/secretRef/name' }] },
      { kind: 'Bee', version: 'v1beta1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/beeRef/name' }] },
    ],
  });
});

test('CRD name references join the default back references of the same gvk', () => {
  const tc = mergeTransformerConfig(defaultTransformerConfig(), configFromCrds([definitions]));
  const secret = tc.nameReference.find((b) => b.kind === 'Secret')!;
  assert.equal(secret.fieldSpecs.length, 71);
  assert.deepEqual(secret.fieldSpecs.at(-1), { kind: 'MyKind', path: 'spec/secretRef/name' });
  assert.deepEqual(tc.nameReference.find((b) => b.kind === 'Bee'), { kind: 'Bee', version: 'v1beta1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/beeRef/name' }] });
});

test('files merge in order; types without kind, apiVersion and metadata are not roots', () => {
  const other: ValueMap = {
    'example.com/v1.Widget': { Schema: { properties: { ...K8S_TYPE, owner: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret' } } } },
    'example.com/v1.Part': { Schema: { properties: { owner: { 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret' } } } },
  };
  const tc = configFromCrds([definitions, other]);
  assert.deepEqual(tc.nameReference.find((b) => b.kind === 'Secret')!.fieldSpecs, [
    { kind: 'MyKind', path: 'spec/secretRef/name' },
    { kind: 'Widget', path: 'owner/name' },
  ]);
});

test('malformed definitions are errors', () => {
  assert.throws(() => configFromCrds([['not', 'a', 'map']], ['crd.yaml']), /unable to parse open API definition from 'crd.yaml'/);
  const loop: ValueMap = { 'x.A': { Schema: { properties: { ...K8S_TYPE, self: { $ref: 'x.A' } } } } };
  assert.throws(() => configFromCrds([loop]), /recursive \$ref to 'x.A'/);
});
