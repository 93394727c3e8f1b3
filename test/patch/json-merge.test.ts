import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonMergePatch } from '../../src/patch/json-merge.js';
import type { Value } from '../../src/yaml/types.js';

test('RFC 7386 appendix A cases', () => {
  const cases: [Value, Value, Value][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) assert.deepEqual(jsonMergePatch(target, patch), want, JSON.stringify([target, patch]));
});

test('lists in the patch are taken whole, nulls inside them kept', () => {
  assert.deepEqual(jsonMergePatch({ a: [1, 2] }, { a: [null, { b: null }] }), { a: [null, { b: null }] });
});

test('inputs are not modified and the patch is copied', () => {
  const target = { a: { b: 1 }, keep: { x: 1 } };
  const patch = { a: { c: [1] } };
  const out = jsonMergePatch(target, patch) as { a: { c: number[] }; keep: unknown };
  assert.deepEqual(target, { a: { b: 1 }, keep: { x: 1 } });
  assert.deepEqual(out, { a: { b: 1, c: [1] }, keep: { x: 1 } });
  assert.notEqual(out.a.c, patch.a.c);
  assert.equal(out.keep, target.keep);
});
