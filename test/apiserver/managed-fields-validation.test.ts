/**
 * managedFields carry opaque FieldsV1 sets: a write that sends them back (kubectl annotate
 * sends the whole object's metadata through its patch) must not be warned about unknown
 * fields, for built-in kinds and custom resources alike.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { allCrds } from '../../src/api/install.js';
import { startCluster, type TestCluster } from './helpers.js';

let c: TestCluster;
before(async () => {
  c = await startCluster();
  for (const crd of allCrds()) assert.equal((await c.req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status, 201);
});
after(async () => {
  await c?.stop();
});

it('kubectl annotate on server-side applied objects gives no unknown-field warning', async () => {
  const repo = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: g\n  namespace: default\nspec:\n  interval: 1m\n  url: https://example.com/x\n';
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\ndata:\n  a: b\n';
  for (const doc of [repo, cm]) {
    const r = await c.kubectl(['apply', '--server-side', '-f', '-'], { stdin: doc });
    assert.equal(r.code, 0, r.stderr);
  }
  for (const target of ['gitrepository/g', 'configmap/c']) {
    const r = await c.kubectl(['annotate', target, 'team=platform']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /unknown field/, `${target}: ${r.stderr}`);
  }
  const got = await c.req('GET', '/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories/g');
  assert.equal(got.json.metadata.annotations.team, 'platform');
  assert.ok(got.json.metadata.managedFields.every((m: { fieldsV1?: object }) => m.fieldsV1 && Object.keys(m.fieldsV1).length > 0), 'field sets kept whole');
});
