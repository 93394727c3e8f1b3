import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSelector, matchesSelector, parseLabelSelector } from '../../src/kustomize/selector.js';
import { Resource } from '../../src/kustomize/resource.js';

test('parses every label selector operator', () => {
  const reqs = parseLabelSelector('app=web, tier!=db,env in (prod, staging),zone notin (a),canary,!legacy');
  assert.equal(matchesSelector(reqs, { app: 'web', env: 'prod', canary: '' }), true);
  assert.equal(matchesSelector(reqs, { app: 'web', env: 'prod', canary: '', legacy: 'y' }), false);
  assert.equal(matchesSelector(reqs, { app: 'web', env: 'dev', canary: '' }), false);
  assert.equal(matchesSelector(reqs, { app: 'web', tier: 'db', env: 'prod', canary: '' }), false);
  assert.equal(matchesSelector(reqs, { app: 'web', env: 'prod' }), false);
});

test('names are anchored regular expressions matched against the original or current name', () => {
  const r = new Resource({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } });
  r.rememberId();
  r.setName('prod-web');
  assert.equal(compileSelector({ name: 'web' })(r), true);
  assert.equal(compileSelector({ name: 'prod-web' })(r), true);
  assert.equal(compileSelector({ name: 'we' })(r), false);
  assert.equal(compileSelector({ name: 'w.*' })(r), true);
  assert.equal(compileSelector({ kind: 'Deployment', group: 'apps' })(r), true);
  assert.equal(compileSelector({ kind: 'Deploy' })(r), false);
});

test('an invalid regular expression is a clear error', () => {
  assert.throws(() => compileSelector({ name: '(' }), /invalid regular expression in selector/);
});
