/**
 * The store's list order (etcd's: "namespace/name" byte order) and the snapshots paged lists
 * read from (the present with later changes undone, while the history reaches back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../src/apiserver/store.js';
import type { ValueMap } from '../../src/yaml/types.js';

const cm = (namespace: string, name: string, v = '1'): ValueMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { v } });
const keys = (objs: ValueMap[] | undefined) => objs?.map((o) => `${(o.metadata as ValueMap).namespace}/${(o.metadata as ValueMap).name}:${(o.data as ValueMap).v}`);

test('lists are in "namespace/name" byte order, as etcd keys sort, and one namespace is a contiguous range', () => {
  const s = new Store();
  for (const [ns, name] of [['a-b', 'x'], ['a', 'z'], ['b', 'a'], ['a', 'b'], ['a0', 'q']]) s.put('/configmaps', cm(ns!, name!));
  assert.deepEqual(keys(s.list('/configmaps')), ['a-b/x:1', 'a/b:1', 'a/z:1', 'a0/q:1', 'b/a:1']);
  assert.deepEqual(keys(s.list('/configmaps', 'a')), ['a/b:1', 'a/z:1']);
  s.remove('/configmaps', 'a', 'b');
  s.put('/configmaps', cm('a', 'm'));
  assert.deepEqual(keys(s.list('/configmaps', 'a')), ['a/m:1', 'a/z:1']);
  assert.deepEqual(keys(s.list('/configmaps', 'c')), []);
});

test('listAt undoes later changes: additions, modifications and deletions; undefined once the history is gone', () => {
  const s = new Store(5);
  s.put('/configmaps', cm('n', 'a'));
  s.put('/configmaps', cm('n', 'b'));
  const rv = s.currentRv();
  s.put('/configmaps', cm('n', 'b', '2'));
  s.remove('/configmaps', 'n', 'a');
  s.put('/configmaps', cm('n', 'c'));
  s.put('/secrets', cm('n', 'other'));
  assert.deepEqual(keys(s.listAt('/configmaps', rv)), ['n/a:1', 'n/b:1']);
  assert.deepEqual(keys(s.listAt('/configmaps', rv, 'm')), []);
  assert.deepEqual(keys(s.listAt('/configmaps', s.currentRv())), ['n/b:2', 'n/c:1']);
  for (let i = 0; i < 5; i++) s.put('/configmaps', cm('n', 'c', String(i)));
  assert.equal(s.listAt('/configmaps', rv), undefined);
});
