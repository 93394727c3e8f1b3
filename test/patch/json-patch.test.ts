// Results and messages were taken from kustomize v5.5.0 (kubectl.1.32 kustomize) on the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch } from '../../src/patch/json-patch.js';
import { PatchError } from '../../src/patch/errors.js';
import type { Value, ValueMap } from '../../src/yaml/types.js';

const doc = (): ValueMap => ({
  metadata: { name: 'app', annotations: { 'a/b': 'x', 'c~d': 'y' } },
  spec: { replicas: 1, template: { spec: { containers: [{ name: 'a', image: 'a', args: ['x', 'y', 'z'] }] } } },
});
const args = (v: Value) => ((((v as ValueMap).spec as ValueMap).template as ValueMap).spec as { containers: ValueMap[] }).containers[0]!.args;

function kustomizeError(ops: Value): string {
  try {
    applyJsonPatch(doc(), ops);
  } catch (e) {
    assert.ok(e instanceof PatchError);
    return e.kustomizeMessage;
  }
  assert.fail('no error');
}

test('add, remove, replace, move, copy, test', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'test', path: '/spec/replicas', value: 1 },
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/metadata/labels', value: { app: 'x' } },
    { op: 'remove', path: '/metadata/annotations/a~1b' },
    { op: 'move', from: '/metadata/annotations/c~0d', path: '/metadata/annotations/e' },
    { op: 'copy', from: '/spec/replicas', path: '/spec/template/spec/containers/0/args/0' },
  ]);
  assert.deepEqual(out, {
    metadata: { name: 'app', annotations: { e: 'y' }, labels: { app: 'x' } },
    spec: { replicas: 3, template: { spec: { containers: [{ name: 'a', image: 'a', args: [3, 'x', 'y', 'z'] }] } } },
  });
});

test('array indices: "-", negative, signed, leading zeros, the end', () => {
  const at = (op: ValueMap) => args(applyJsonPatch(doc(), [{ path: '/spec/template/spec/containers/0/args/' + op.i, ...op }]));
  assert.deepEqual(at({ op: 'add', i: '-', value: 'w' }), ['x', 'y', 'z', 'w']);
  assert.deepEqual(at({ op: 'add', i: '3', value: 'w' }), ['x', 'y', 'z', 'w']);
  assert.deepEqual(at({ op: 'add', i: '-1', value: 'w' }), ['x', 'y', 'z', 'w']);
  assert.deepEqual(at({ op: 'add', i: '-4', value: 'w' }), ['w', 'x', 'y', 'z']);
  assert.deepEqual(at({ op: 'add', i: '01', value: 'w' }), ['x', 'w', 'y', 'z']);
  assert.deepEqual(at({ op: 'add', i: '+1', value: 'w' }), ['x', 'w', 'y', 'z']);
  assert.deepEqual(at({ op: 'add', i: '-0', value: 'w' }), ['w', 'x', 'y', 'z']);
  assert.deepEqual(at({ op: 'remove', i: '-1' }), ['x', 'y']);
  assert.deepEqual(at({ op: 'remove', i: '-3' }), ['y', 'z']);
  assert.deepEqual(at({ op: 'replace', i: '-1', value: 'w' }), ['x', 'y', 'w']);
  assert.deepEqual(at({ op: 'move', i: '-', from: '/spec/template/spec/containers/0/args/0' }), ['y', 'z', 'x']);
  // a negative index also works on the way down
  const out = applyJsonPatch(doc(), [{ op: 'add', path: '/spec/template/spec/containers/-1/image', value: 'i' }]);
  assert.deepEqual((((out as ValueMap).spec as ValueMap).template as ValueMap).spec, { containers: [{ name: 'a', image: 'i', args: ['x', 'y', 'z'] }] });
});

test('evanphx v4 leniency: replace adds a missing key, add/copy without value give null', () => {
  const out = applyJsonPatch(doc(), [
    { op: 'replace', path: '/spec/nope', value: 1 },
    { op: 'add', path: '/spec/x' },
    { op: 'copy', from: '/spec/missing', path: '/spec/y' },
    { op: 'test', path: '/spec/missing', value: null },
    { op: 'add', path: '/metadata/annotations/', value: 'e' },
  ]) as ValueMap;
  assert.deepEqual(out.spec, { replicas: 1, nope: 1, x: null, y: null, template: (doc().spec as ValueMap).template });
  assert.deepEqual((out.metadata as ValueMap).annotations, { 'a/b': 'x', 'c~d': 'y', '': 'e' });
  // a path without the leading slash loses its first segment
  assert.deepEqual((applyJsonPatch(doc(), [{ op: 'add', path: 'spec/replicas2', value: 5 }]) as ValueMap).replicas2, 5);
});

test('errors carry kustomize\'s messages', () => {
  const cases: [Value, string][] = [
    [[{ op: 'remove', path: '/spec/nope' }], "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value"],
    [[{ op: 'add', path: '/spec/nope/deeper', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/nope/deeper": missing value'],
    [[{ op: 'add', path: '/spec/replicas/x', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/replicas/x": missing value'],
    [[{ op: 'add', path: '', value: 5 }], 'add operation does not apply: doc is missing path: "": missing value'],
    [[{ op: 'test', path: '/spec/replicas', value: 2 }], 'testing value /spec/replicas failed: test failed'],
    [[{ op: 'test', path: '/spec/replicas', value: '1' }], 'testing value /spec/replicas failed: test failed'],
    [[{ op: 'test', path: '/spec/replicas' }], 'testing value /spec/replicas failed: test failed'],
    [[{ op: 'test', path: '/spec/nope', value: 1 }], 'testing value /spec/nope failed: test failed'],
    [[{ op: 'test', path: '/spec/template/spec/containers/0', value: { name: 'a' } }], 'testing value /spec/template/spec/containers/0 failed: test failed'],
    [
      [{ op: 'test', path: '/spec/template/spec/containers/0/args/7', value: 1 }],
      "error in test for path: '/spec/template/spec/containers/0/args/7': Unable to access invalid index: 7: invalid index referenced",
    ],
    [
      [{ op: 'add', path: '/spec/template/spec/containers/0/args/4', value: 'w' }],
      "error in add for path: '/spec/template/spec/containers/0/args/4': Unable to access invalid index: 4: invalid index referenced",
    ],
    [
      [{ op: 'add', path: '/spec/template/spec/containers/0/args/-5', value: 'w' }],
      "error in add for path: '/spec/template/spec/containers/0/args/-5': Unable to access invalid index: -5: invalid index referenced",
    ],
    [
      [{ op: 'add', path: '/spec/template/spec/containers/0/args/x', value: 1 }],
      "error in add for path: '/spec/template/spec/containers/0/args/x': value was not a proper array index: 'x': strconv.Atoi: parsing \"x\": invalid syntax",
    ],
    [
      [{ op: 'remove', path: '/spec/template/spec/containers/0/args/-4' }],
      "error in remove for path: '/spec/template/spec/containers/0/args/-4': Unable to access invalid index: -4: invalid index referenced",
    ],
    [
      [{ op: 'replace', path: '/spec/template/spec/containers/0/args/-', value: 'w' }],
      'replace operation does not apply: doc is missing key: /spec/template/spec/containers/0/args/-: missing value',
    ],
    [
      [{ op: 'replace', path: '/spec/template/spec/containers/0/args/3', value: 'w' }],
      'replace operation does not apply: doc is missing key: /spec/template/spec/containers/0/args/3: missing value',
    ],
    [[{ op: 'replace', path: "/spec/template/spec/containers/{'name':'a'}/image", value: 'q' }], "replace operation does not apply: doc is missing path: /spec/template/spec/containers/{'name':'a'}/image: missing value"],
    [[{ op: 'move', from: '/spec/nope', path: '/spec/x' }], "error in move for path: 'nope': Unable to remove nonexistent key: nope: missing value"],
    [[{ op: 'move', from: '/spec/template/spec/containers/0/args/9', path: '/spec/x' }], "error in move for path: '9': Unable to access invalid index: 9: invalid index referenced"],
    [[{ op: 'move', from: '/spec', path: '/spec/x' }], 'move operation does not apply: doc is missing destination path: /spec/x: missing value'],
    [[{ op: 'copy', from: '/nope/x', path: '/spec/x' }], 'copy operation does not apply: doc is missing from path: /nope/x: missing value'],
    [[{ op: 'copy', from: '/spec/replicas', path: '/nope/x' }], 'copy operation does not apply: doc is missing destination path: /nope/x: missing value'],
    [[{ op: 'test', path: '/nope/x', value: 1 }], 'test operation does not apply: is missing path: /nope/x: missing value'],
    [[{ op: 'foo', path: '/x' }], 'Unexpected kind: foo'],
    [[{ path: '/spec/x' }], 'Unexpected kind: unknown'],
    [[{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    [[{ op: 'move', path: '/spec/x' }], 'move operation failed to decode from: operation, missing from field: missing value'],
  ];
  for (const [ops, want] of cases) assert.equal(kustomizeError(ops), want, JSON.stringify(ops));
});

test('PatchError names the operation', () => {
  assert.throws(
    () => applyJsonPatch(doc(), [{ op: 'test', path: '/spec/replicas', value: 1 }, { op: 'remove', path: '/spec/nope' }]),
    (e: unknown) =>
      e instanceof PatchError &&
      e.opIndex === 1 &&
      e.op === 'remove' &&
      e.path === '/spec/nope' &&
      e.message === 'JSON patch operation #1 (remove "/spec/nope"): error in remove for path: \'/spec/nope\': Unable to remove nonexistent key: nope: missing value',
  );
  assert.throws(() => applyJsonPatch(doc(), { op: 'add' }), PatchError);
});

test('inputs are not modified; values are copied in', () => {
  const target = doc();
  const before = JSON.stringify(target);
  const value = { app: 'x' };
  const out = applyJsonPatch(target, [
    { op: 'add', path: '/metadata/labels', value },
    { op: 'add', path: '/metadata/labels/b', value: 'y' },
    { op: 'remove', path: '/spec/template/spec/containers/0/args/0' },
  ]) as ValueMap;
  assert.equal(JSON.stringify(target), before);
  assert.deepEqual(value, { app: 'x' });
  assert.deepEqual((out.metadata as ValueMap).labels, { app: 'x', b: 'y' });
  assert.deepEqual(args(out), ['y', 'z']);
  // untouched parts are shared
  assert.equal((out.metadata as ValueMap).annotations, (target.metadata as ValueMap).annotations);
});

test('a list document', () => {
  assert.deepEqual(applyJsonPatch([1, 2], [{ op: 'add', path: '/0', value: 0 }, { op: 'remove', path: '/-1' }]), [0, 1]);
});
