import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTransformerConfig, parseTransformerConfig } from '../../src/kustomize/config/index.js';
import type { Value } from '../../src/yaml/types.js';

const parse = (doc: Value) => parseTransformerConfig(doc, 'config.yaml');

test('a configuration file fills the lists it names, sorted by gvk', () => {
  const tc = parse({
    nameReference: [
      {
        kind: 'Bee',
        version: 'v1beta1',
        fieldSpecs: [
          { path: 'spec/beeRef/name', kind: 'MyKind' },
          { path: 'spec/other/name', kind: 'Alpha', create: false },
        ],
      },
      { kind: 'ConfigMap', fieldSpecs: [{ path: 'spec/cm', kind: 'MyKind', group: 'example.com' }] },
    ],
    commonLabels: [
      { path: 'spec/selector', kind: 'MyKind', create: true },
      { path: 'spec/template/metadata/labels', kind: 'Deployment', create: true },
    ],
    images: [{ path: 'spec/runtime/image', kind: 'MyKind' }],
    templateLabels: [],
    labels: [{ path: 'spec/selectors/labels', kind: 'SampleResource', create: true }],
  });
  assert.deepEqual(tc, {
    ...emptyTransformerConfig(),
    commonLabels: [
      { path: 'spec/template/metadata/labels', kind: 'Deployment', create: true },
      { path: 'spec/selector', kind: 'MyKind', create: true },
    ],
    labels: [{ path: 'spec/selectors/labels', kind: 'SampleResource', create: true }],
    images: [{ path: 'spec/runtime/image', kind: 'MyKind' }],
    nameReference: [
      // ConfigMap has a kind rank; referrers keep their order.
      { kind: 'ConfigMap', fieldSpecs: [{ path: 'spec/cm', kind: 'MyKind', group: 'example.com' }] },
      {
        kind: 'Bee',
        version: 'v1beta1',
        fieldSpecs: [
          { path: 'spec/beeRef/name', kind: 'MyKind' },
          { path: 'spec/other/name', kind: 'Alpha' },
        ],
      },
    ],
  });
});

test('empty documents and null lists are empty configurations', () => {
  assert.deepEqual(parse(null), emptyTransformerConfig());
  assert.deepEqual(parse({ namePrefix: null, nameReference: null }), emptyTransformerConfig());
  assert.deepEqual(parse({ namePrefix: [null] }).namePrefix, [{ path: '' }]);
});

test('keys match case-insensitively and scalars become strings where strings are wanted', () => {
  const tc = parse({ NAMEPREFIX: [{ PATH: 'metadata/name', Kind: 'Deployment' }], varReference: [{ path: 1, kind: true }] });
  assert.deepEqual(tc.namePrefix, [{ path: 'metadata/name', kind: 'Deployment' }]);
  assert.deepEqual(tc.varReference, [{ path: '1', kind: 'true' }]);
});

// Messages as kubectl 1.32 (kustomize v5.5) prints them for the same configuration files.
const errors: [string, Value, string][] = [
  ['unknown top-level key', { bogus: [{ path: 'a' }], namePrefix: [{ path: 'metadata/name' }] }, 'json: unknown field "bogus"'],
  ['unknown key in a back reference', { nameReference: [{ kind: 'X', bogus: 1 }] }, 'json: unknown field "bogus"'],
  ['a map for a list', { namePrefix: { path: 'metadata/name' } }, 'json: cannot unmarshal object into Go struct field TransformerConfig.namePrefix of type types.FsSlice'],
  ['a string for a field spec', { namePrefix: ['a'] }, 'json: cannot unmarshal string into Go struct field TransformerConfig.namePrefix of type types.FieldSpec'],
  ['a string for create', { namePrefix: [{ path: 'a', create: 'true' }] }, 'json: cannot unmarshal string into Go struct field FieldSpec.namePrefix.create of type bool'],
  ['a list for kind', { namePrefix: [{ path: 'a', kind: ['x'] }] }, 'json: cannot unmarshal array into Go struct field FieldSpec.namePrefix.kind of type string'],
  ['a number for referrers', { nameReference: [{ kind: 'X', fieldSpecs: 1 }] }, 'json: cannot unmarshal number into Go struct field NameBackReferences.nameReference.fieldSpecs of type types.FsSlice'],
  ['a map for name references', { nameReference: {} }, 'json: cannot unmarshal object into Go struct field TransformerConfig.nameReference of type builtinconfig.nbrSlice'],
  ['a number for a back reference', { nameReference: [1] }, 'json: cannot unmarshal number into Go struct field TransformerConfig.nameReference of type builtinconfig.NameBackReferences'],
  ['a list document', ['a'], 'json: cannot unmarshal array into Go value of type builtinconfig.TransformerConfig'],
  ['a string document', 'hello', 'json: cannot unmarshal string into Go value of type builtinconfig.TransformerConfig'],
  ['a number document', 3, 'json: cannot unmarshal number into Go value of type builtinconfig.TransformerConfig'],
  // Keys are visited sorted (kustomize converts YAML to JSON through a sorted map): the first error wins.
  ['first error in key order', { zzz: 1, namePrefix: ['a'] }, 'json: cannot unmarshal string into Go struct field TransformerConfig.namePrefix of type types.FieldSpec'],
  ['an error inside referrers', { nameReference: [{ kind: 'X', fieldSpecs: [{ path: 'a', create: 1 }] }] }, 'json: cannot unmarshal number into Go struct field FieldSpec.nameReference.fieldSpecs.create of type bool'],
];

for (const [name, doc, msg] of errors) {
  test(`configuration error: ${name}`, () => {
    assert.throws(() => parse(doc), { message: `error unmarshaling JSON: while decoding JSON: ${msg}` });
  });
}
