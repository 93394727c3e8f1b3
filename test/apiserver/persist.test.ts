import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster } from './helpers.js';

test('a restart on the same data dir keeps every object, custom resources included', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fluxion-data-'));
  try {
    const a = await startCluster({ dataDir, name: 'persist' });
    await a.req('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'p' } });
    await a.req('POST', '/api/v1/namespaces/p/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    await a.req('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'things.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'things', kind: 'Thing' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    });
    const thing = await a.req('POST', '/apis/example.com/v1/namespaces/p/things', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, spec: { x: 1 } });
    assert.equal(thing.status, 201, thing.text);
    const deleted = await a.req('POST', '/api/v1/namespaces/p/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gone' } });
    await a.req('DELETE', '/api/v1/namespaces/p/configmaps/gone');
    const lastRv = Number((await a.req('GET', '/api/v1/namespaces/p/configmaps')).json.metadata.resourceVersion);
    assert.ok(lastRv > Number(deleted.json.metadata.resourceVersion));
    // Stop without the orderly path's help: the log is all there is, plus a torn last line.
    await a.stop();
    appendFileSync(join(dataDir, 'changes.jsonl'), '{"rv":99999,"s":"/configmaps","ns":"p","n":"torn","o":{"metad');
    const b = await startCluster({ dataDir, name: 'persist' });
    try {
      const cm = await b.req('GET', '/api/v1/namespaces/p/configmaps/c');
      assert.deepEqual([cm.status, cm.json.data], [200, { a: '1' }]);
      assert.equal((await b.req('GET', '/api/v1/namespaces/p/configmaps/gone')).status, 404);
      assert.equal((await b.req('GET', '/api/v1/namespaces/p/configmaps/torn')).status, 404);
      const t = await b.req('GET', '/apis/example.com/v1/namespaces/p/things/t');
      assert.deepEqual([t.status, t.json.spec], [200, { x: 1 }]);
      const next = await b.req('POST', '/api/v1/namespaces/p/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } });
      assert.ok(Number(next.json.metadata.resourceVersion) > lastRv, 'resourceVersions keep growing across restarts');
      assert.match(readFileSync(join(dataDir, 'snapshot.json'), 'utf8'), /things\.example\.com/);
    } finally {
      await b.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
