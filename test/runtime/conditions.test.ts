import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getCondition, markFalse, markReconciling, markStalled, markTrue, progressiveStatus, setCondition, setSummary, type ConditionsHolder } from '../../src/runtime/conditions.js';
import { mergePatchBetween } from '../../src/runtime/patch.js';
import { recordReconcileRequest, defaultUpdatePredicate } from '../../src/runtime/annotations.js';

const obj = (): ConditionsHolder => ({ metadata: { generation: 3 }, status: {} });

test('lastTransitionTime changes only with status, reason or message', () => {
  const o = obj();
  setCondition(o, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }, new Date('2024-01-01T00:00:00Z'));
  setCondition(o, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }, new Date('2024-01-02T00:00:00Z'));
  assert.equal(getCondition(o, 'Ready')!.lastTransitionTime, '2024-01-01T00:00:00Z');
  setCondition(o, { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'new' }, new Date('2024-01-03T00:00:00Z'));
  assert.deepEqual(getCondition(o, 'Ready'), { type: 'Ready', status: 'True', observedGeneration: 3, lastTransitionTime: '2024-01-03T00:00:00Z', reason: 'Succeeded', message: 'new' });
});

test('Ready sorts first, then by type; Reconciling and Stalled exclude each other', () => {
  const o = obj();
  markTrue(o, 'FetchFailed', 'GitOperationFailed', 'x');
  markReconciling(o, 'Progressing', 'working');
  markTrue(o, 'ArtifactInStorage', 'Succeeded', 'stored');
  markFalse(o, 'Ready', 'GitOperationFailed', 'x');
  assert.deepEqual(o.status!.conditions!.map((c) => c.type), ['Ready', 'ArtifactInStorage', 'FetchFailed', 'Reconciling']);
  markStalled(o, 'URLInvalid', 'bad');
  assert.deepEqual(o.status!.conditions!.map((c) => c.type), ['Ready', 'ArtifactInStorage', 'FetchFailed', 'Stalled']);
  markReconciling(o, 'Progressing', 'again');
  assert.equal(getCondition(o, 'Stalled'), undefined);
});

test('progressive status keeps an earlier failure unless told to overwrite it', () => {
  const o = obj();
  markFalse(o, 'Ready', 'GitOperationFailed', 'boom');
  progressiveStatus(o, false, 'Progressing', 'reconciliation in progress');
  assert.equal(getCondition(o, 'Ready')!.status, 'False');
  progressiveStatus(o, true, 'Progressing', 'building artifact');
  assert.deepEqual([getCondition(o, 'Ready')!.status, getCondition(o, 'Ready')!.message], ['Unknown', 'building artifact']);
});

test('the summary takes the first failing condition, else unknown, else healthy', () => {
  const opts = { target: 'Ready', from: ['FetchFailed', 'ArtifactInStorage', 'Reconciling'], negativePolarity: ['FetchFailed', 'Reconciling'] };
  const o = obj();
  markTrue(o, 'ArtifactInStorage', 'Succeeded', "stored artifact for revision 'main@sha1:abc'");
  setSummary(o, opts);
  assert.deepEqual([getCondition(o, 'Ready')!.status, getCondition(o, 'Ready')!.reason, getCondition(o, 'Ready')!.message], ['True', 'Succeeded', "stored artifact for revision 'main@sha1:abc'"]);
  markReconciling(o, 'ProgressingWithRetry', 'retrying');
  markTrue(o, 'FetchFailed', 'AuthenticationFailed', 'bad credentials');
  setSummary(o, opts);
  assert.deepEqual([getCondition(o, 'Ready')!.status, getCondition(o, 'Ready')!.reason], ['False', 'AuthenticationFailed']);
});

test('merge patches hold only what changed; removed keys become null', () => {
  assert.equal(mergePatchBetween({ a: 1 }, { a: 1 }), undefined);
  assert.deepEqual(mergePatchBetween({ a: 1, b: { c: 1, d: 2 }, l: [1] }, { a: 1, b: { c: 1 }, l: [1, 2], n: 'x' }), { b: { d: null }, l: [1, 2], n: 'x' });
});

test('requestedAt is recorded and its change passes the update predicate', () => {
  const a = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x', generation: 1, annotations: { 'reconcile.fluxcd.io/requestedAt': '1' } }, status: {} as Record<string, unknown> };
  const b = structuredClone(a);
  b.metadata.annotations['reconcile.fluxcd.io/requestedAt'] = '2';
  assert.equal(defaultUpdatePredicate(a, a), false);
  assert.equal(defaultUpdatePredicate(a, b), true);
  recordReconcileRequest(b);
  assert.equal(b.status.lastHandledReconcileAt, '2');
});
