import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyDecision,
  keepsOtherManagers,
  pruneDecision,
  recreatesOnImmutableChange,
  setOwnerLabels,
} from '../../../src/controllers/kustomize/annotations.js';
import type { ValueMap } from '../../../src/yaml/types.js';

const withMeta = (annotations: Record<string, string> = {}, labels: Record<string, string> = {}): ValueMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'app', annotations, labels },
});
const owner = { name: 'apps', namespace: 'flux-system' };
const owned = (annotations: Record<string, string> = {}): ValueMap =>
  withMeta(annotations, { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' });

test('apply: reconcile disabled or ssa Ignore, on the desired or the live object, skips it', () => {
  const cases: [ValueMap, ValueMap | undefined, string][] = [
    [withMeta(), undefined, 'apply'],
    [withMeta(), withMeta(), 'apply'],
    [withMeta({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }), undefined, 'skip'],
    [withMeta({}, { 'kustomize.toolkit.fluxcd.io/reconcile': 'Disabled' }), undefined, 'skip'],
    [withMeta(), withMeta({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }), 'skip'],
    [withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'ignore' }), undefined, 'skip'],
    [withMeta(), withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' }), 'skip'],
    // IfNotPresent: created when missing, left alone once it exists
    [withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }), undefined, 'apply'],
    [withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }), withMeta(), 'skip'],
    // only on the desired object
    [withMeta(), withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }), 'apply'],
    [withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' }), withMeta(), 'apply'],
    [withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'Override' }), withMeta(), 'apply'],
  ];
  cases.forEach(([desired, live, want], i) => assert.equal(applyDecision(desired, live), want, `case ${i}`));
});

test('ssa Merge on either object keeps other managers’ fields', () => {
  assert.equal(keepsOtherManagers(withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'merge' }), undefined), true);
  assert.equal(keepsOtherManagers(withMeta(), withMeta({ 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' })), true);
  assert.equal(keepsOtherManagers(withMeta(), withMeta()), false);
});

test('force: spec.force or the force annotation recreates on immutable changes', () => {
  assert.equal(recreatesOnImmutableChange(withMeta(), withMeta(), true), true);
  assert.equal(recreatesOnImmutableChange(withMeta({ 'kustomize.toolkit.fluxcd.io/force': 'Enabled' }), withMeta(), false), true);
  assert.equal(recreatesOnImmutableChange(withMeta(), withMeta({}, { 'kustomize.toolkit.fluxcd.io/force': 'enabled' }), false), true);
  assert.equal(recreatesOnImmutableChange(withMeta(), withMeta(), false), false);
});

test('prune deletes only what this Kustomization owns and has not protected', () => {
  assert.equal(pruneDecision(undefined, owner), 'gone');
  assert.equal(pruneDecision(owned(), owner), 'delete');
  assert.equal(pruneDecision(withMeta(), owner), 'skip');
  assert.equal(pruneDecision(owned(), { name: 'other', namespace: 'flux-system' }), 'skip');
  assert.equal(pruneDecision(owned({ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' }), owner), 'skip');
  assert.equal(pruneDecision(owned({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }), owner), 'skip');
  // an empty value matches nothing
  assert.equal(pruneDecision(owned({ 'kustomize.toolkit.fluxcd.io/prune': '' }), owner), 'delete');
});

test('setOwnerLabels labels copies of the objects', () => {
  const objects = [withMeta({}, { app: 'web' })];
  assert.deepEqual(setOwnerLabels(objects, owner), [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        namespace: 'app',
        annotations: {},
        labels: { app: 'web', 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
      },
    },
  ]);
  assert.deepEqual((objects[0]!.metadata as ValueMap).labels, { app: 'web' });
});
