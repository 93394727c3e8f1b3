/** src/kube against `fluxion cluster` (in process, free port, temporary kubeconfig). */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { KubeClient, loadKubeConfig, isNotFound, isConflict, ApiError, KubeConfigError } from '../../src/kube/index.js';
import { Informer } from '../../src/runtime/informer.js';

let c: TestCluster;
let client: KubeClient;

before(async () => {
  c = await startCluster();
  client = new KubeClient(await loadKubeConfig({ kubeconfig: c.kubeconfig }));
});
after(async () => {
  client?.close();
  await c?.stop();
});

const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

test('kubeconfig: server, namespace and token from the current context', async () => {
  const conn = await loadKubeConfig({ kubeconfig: c.kubeconfig });
  assert.equal(conn.server, c.cluster.url);
  assert.equal(conn.namespace, 'default');
  assert.equal((await conn.auth()).headers.Authorization, `Bearer ${c.token}`);
  await assert.rejects(loadKubeConfig({ kubeconfig: c.kubeconfig, context: 'nope' }), KubeConfigError);
});

test('exec credential plugins run only when allowed', async () => {
  const path = join(c.dir, 'exec-kubeconfig');
  writeFileSync(
    path,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: x\n  context:\n    cluster: x\n    user: x\ncurrent-context: x\nusers:\n- name: x\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/echo\n`,
  );
  await assert.rejects(loadKubeConfig({ kubeconfig: path }), /exec plugin \(\/bin\/echo\); pass --allow-exec-plugins/);
  const conn = await loadKubeConfig({ kubeconfig: path, allowExecPlugins: true });
  assert.equal(conn.server, 'https://127.0.0.1:1');
});

test('CRUD, merge patch and typed errors through discovery', async () => {
  const created = await client.create(cm('crud', { a: '1' }));
  assert.equal(created.metadata.name, 'crud');
  const got = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'crud');
  assert.deepEqual(got.data, { a: '1' });
  const patched = await client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'crud', 'merge', { data: { b: '2' } });
  assert.deepEqual(patched.data, { a: '1', b: '2' });
  const stale = { ...got, data: { c: '3' } };
  await assert.rejects(client.update(stale), (e: unknown) => isConflict(e));
  await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'crud');
  await assert.rejects(client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'crud'), (e: unknown) => isNotFound(e));
  await assert.rejects(client.get({ apiVersion: 'example.com/v1', kind: 'Nothing', namespace: 'default' }, 'x'), (e: unknown) => e instanceof ApiError && e.code === 404);
});

test('server-side apply with a field manager', async () => {
  const applied = await client.apply(cm('ssa', { k: 'v' }), { fieldManager: 'fluxion-test' });
  assert.deepEqual(applied.data, { k: 'v' });
  const managers = (applied.metadata.managedFields as { manager: string; operation: string }[]).map((m) => `${m.manager}/${m.operation}`);
  assert.deepEqual(managers, ['fluxion-test/Apply']);
});

test('an informer over the real cluster sees changes made through the client', async () => {
  const inf = new Informer(client, { resource: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' } });
  const seen: string[] = [];
  inf.addHandlers({ add: (o) => o.metadata.name.startsWith('inf-') && seen.push(`add ${o.metadata.name}`), update: (_, o) => o.metadata.name.startsWith('inf-') && seen.push(`update ${o.metadata.name}`) });
  inf.start();
  await inf.waitForSync();
  await client.create(cm('inf-1', {}));
  await client.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, 'inf-1', 'merge', { data: { x: 'y' } });
  const deadline = Date.now() + 10_000;
  while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, ['add inf-1', 'update inf-1']);
  assert.equal(inf.get('default/inf-1')?.data && (inf.get('default/inf-1')!.data as Record<string, string>).x, 'y');
  await inf.stop();
});
