/**
 * Watch streams cut under the controller (a TCP proxy in front of `fluxion cluster` drops
 * every connection) are survived: changes made while the streams were down still arrive.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuthSecret, gitRepository, ready, startSourceEnv, type DroppingProxy, type SourceEnv } from './env.js';

let env: SourceEnv & { proxy?: DroppingProxy };
before(async () => {
  env = await startSourceEnv({ proxy: true, stallTimeoutMs: 3000 });
});
after(async () => {
  await env?.stop();
});

test('dropped streams are resumed without missed updates', async () => {
  const repo = env.repo('dropped');
  repo.commit({ 'a.txt': '0\n' }, 'zero');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('dropped', { interval: '1h', url: `${env.git.url}/dropped.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  await env.waitFor('dropped', 'Ready=True', (o) => ready(o)?.status === 'True');
  const informer = env.controllers.source!.informer;
  const watchesBefore = informer.stats.watches;
  for (let i = 1; i <= 3; i++) {
    env.proxy!.dropAll();
    const hash = repo.commit({ 'a.txt': `${i}\n` }, `change ${i}`);
    const stamp = `drop-${i}-${Date.now()}`;
    // Written straight to the API server while the controller's streams are down.
    await env.client.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, 'dropped', 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } });
    const obj = await env.waitFor('dropped', `update ${i} after the drop`, (o) => o.status?.lastHandledReconcileAt === stamp && o.status?.artifact?.revision === `main@sha1:${hash}`, 60_000);
    assert.equal(ready(obj).status, 'True');
  }
  assert.ok(informer.stats.watches >= watchesBefore + 3, `watches reopened: ${informer.stats.watches - watchesBefore}`);
  // Objects created while the streams are down are seen too.
  env.proxy!.dropAll();
  repo.commit({ 'b.txt': 'x\n' }, 'late');
  await env.apply(gitRepository('late', { url: `${env.git.url}/dropped.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  await env.waitFor('late', 'Ready=True', (o) => ready(o)?.status === 'True', 60_000);
});
