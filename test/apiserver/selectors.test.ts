import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from '../../src/apiserver/selectors.js';
import { StatusError } from '../../src/apiserver/errors.js';

test('label selectors parse every operator', () => {
  assert.deepEqual(parseLabelSelector('app=web,tier!=db,env in (a, b),!legacy,has,x notin (y),n>3'), [
    { key: 'app', op: '=', values: ['web'] },
    { key: 'tier', op: '!=', values: ['db'] },
    { key: 'env', op: 'in', values: ['a', 'b'] },
    { key: 'legacy', op: '!', values: [] },
    { key: 'has', op: 'exists', values: [] },
    { key: 'x', op: 'notin', values: ['y'] },
    { key: 'n', op: 'gt', values: ['3'] },
  ]);
  assert.deepEqual(parseLabelSelector(''), []);
});

test('label selectors match as Kubernetes does', () => {
  const sel = parseLabelSelector('app=web,env in (prod,stage),!legacy');
  assert.equal(matchesLabels(sel, { app: 'web', env: 'prod' }), true);
  assert.equal(matchesLabels(sel, { app: 'web', env: 'dev' }), false);
  assert.equal(matchesLabels(sel, { app: 'web', env: 'prod', legacy: '' }), false);
  assert.equal(matchesLabels(parseLabelSelector('tier!=db'), {}), true);
});

test('malformed label selectors are 400 Bad Request', () => {
  assert.throws(
    () => parseLabelSelector('app in web'),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message.startsWith('unable to parse requirement:'),
  );
});

test('field selectors compare dotted fields as strings', () => {
  const reqs = parseFieldSelector('metadata.name=web,status.phase!=Running');
  assert.deepEqual(reqs, [
    { field: 'metadata.name', negate: false, value: 'web' },
    { field: 'status.phase', negate: true, value: 'Running' },
  ]);
  assert.equal(matchesFields(reqs, { metadata: { name: 'web' }, status: { phase: 'Pending' } }), true);
  assert.equal(matchesFields(reqs, { metadata: { name: 'web' }, status: { phase: 'Running' } }), false);
  assert.deepEqual(parseFieldSelector('metadata.name==a\\,b'), [{ field: 'metadata.name', negate: false, value: 'a,b' }]);
});
