// `fluxion reconcile` against the in-process cluster: the real source controller fetches from a
// real git server; Kustomizations are answered by a small stand-in for kustomize-controller
// (below), which does what Flux's does with a request — record it in lastHandledReconcileAt
// and report Ready — since no kustomize controller runs in this test.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeClient, KubeObject } from '../../src/kube/index.js';
import { basicAuthSecret, gitRepository, startSourceEnv, type SourceEnv } from '../controllers/source/env.js';
import { fluxion } from './run.js';
import { requestHandled, rfc3339Nano } from '../../src/cli/reconcile.js';

const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'default' };

let env: SourceEnv;
let standIn: { stop(): Promise<void>; handled: string[] };
let head = '';
let repo: ReturnType<SourceEnv['repo']>;

/**
 * Stands in for kustomize-controller: when a Kustomization's requestedAt annotation differs
 * from its lastHandledReconcileAt, it records the request and sets Ready — True with the
 * source's revision, or False with the message `failures` holds for that name.
 */
function startStandIn(client: KubeClient, failures: Record<string, string>) {
  let running = true;
  const handled: string[] = [];
  const loop = (async () => {
    while (running) {
      const list = await client.list<KubeObject & { spec: any; status?: any }>(KS).catch(() => ({ items: [] }));
      for (const ks of list.items) {
        const requested = ks.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'];
        if (!requested || requested === ks.status?.lastHandledReconcileAt) continue;
        const src = await client.get<KubeObject & { status?: any }>({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, ks.spec.sourceRef.name).catch(() => undefined);
        const revision = src?.status?.artifact?.revision ?? '';
        const failure = failures[ks.metadata.name];
        const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        await client.patchStatus(KS, ks.metadata.name, 'merge', {
          status: {
            lastHandledReconcileAt: requested,
            observedGeneration: ks.metadata.generation,
            ...(failure ? {} : { lastAppliedRevision: revision }),
            conditions: [
              failure
                ? { type: 'Ready', status: 'False', reason: 'BuildFailed', message: failure, lastTransitionTime: now, observedGeneration: ks.metadata.generation }
                : { type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}`, lastTransitionTime: now, observedGeneration: ks.metadata.generation },
            ],
          },
        });
        handled.push(ks.metadata.name);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { handled, stop: async () => ((running = false), await loop) };
}

function kustomization(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: KS.apiVersion, kind: KS.kind, metadata: { name, namespace: 'default' }, spec: { interval: '10m', prune: true, path: './', sourceRef: { kind: 'GitRepository', name: 'app' }, ...spec } } as KubeObject;
}

before(async () => {
  env = await startSourceEnv();
  repo = env.repo('app');
  head = repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n' }, 'first');
  await env.apply(basicAuthSecret('git-creds'));
  // A long interval: only our requests make the controller fetch again.
  await env.apply(gitRepository('app', { interval: '1h', url: `${env.git.url}/app.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  await env.waitFor('app', 'first artifact', (o) => Boolean(o.status?.artifact));
  standIn = startStandIn(env.client, { broken: 'kustomize build failed: accumulating resources: missing.yaml not found' });
});

after(async () => {
  await standIn?.stop();
  await env?.stop();
});

const run = (...args: string[]) => fluxion(args, { kubeconfig: env.cluster.kubeconfig });

test('reconcile source git: annotates, waits for the source controller, prints the fetched revision', async () => {
  const second = repo.commit({ 'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app2\n' }, 'second');
  assert.notEqual(second, head);
  const r = await run('reconcile', 'source', 'git', 'app', '-n', 'default');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(
    r.stderr,
    ['► annotating GitRepository app in default namespace', '✔ GitRepository annotated', '◎ waiting for GitRepository reconciliation', `✔ fetched revision main@sha1:${second}`, ''].join('\n'),
  );
  const obj = await env.get('app');
  assert.equal(obj.status?.lastHandledReconcileAt, obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']);
  head = second;
});

test('reconcile kustomization --with-source: the source first, then the Kustomization', async () => {
  await env.apply(kustomization('apps'));
  const r = await run('reconcile', 'ks', 'apps', '--with-source', '-n', 'default');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stderr.trimEnd().split('\n'), [
    '► annotating GitRepository app in default namespace',
    '✔ GitRepository annotated',
    '◎ waiting for GitRepository reconciliation',
    `✔ fetched revision main@sha1:${head}`,
    '► annotating Kustomization apps in default namespace',
    '✔ Kustomization annotated',
    '◎ waiting for Kustomization reconciliation',
    `✔ applied revision main@sha1:${head}`,
  ]);
  assert.ok(standIn.handled.includes('apps'));
});

test('a reconciliation that leaves the object not Ready fails with its Ready message', async () => {
  await env.apply(kustomization('broken'));
  const r = await run('reconcile', 'kustomization', 'broken', '-n', 'default');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /◎ waiting for Kustomization reconciliation\n✗ Kustomization reconciliation failed: 'kustomize build failed: accumulating resources: missing.yaml not found'\n$/);
});

test('a suspended object is refused before anything is annotated', async () => {
  await env.apply(kustomization('paused', { suspend: true }));
  const r = await run('reconcile', 'ks', 'paused', '-n', 'default');
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '✗ resource is suspended\n');
  const obj = await env.client.get(KS, 'paused');
  assert.equal(obj.metadata.annotations?.['reconcile.fluxcd.io/requestedAt'], undefined);
});

test('an object that does not exist is named in the error', async () => {
  const r = await run('reconcile', 'source', 'git', 'nope', '-n', 'default');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ .*"nope" not found/);
});

test('without a controller answering, --timeout ends the wait with an error naming the object', async () => {
  // No stand-in answers OCIRepositories: nothing handles the request.
  await env.client.apply(
    { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'unwatched', namespace: 'default' }, spec: { interval: '1h', url: 'oci://127.0.0.1:1/x', ref: { tag: 'latest' } } } as KubeObject,
    { fieldManager: 'test', force: true },
  );
  const r = await run('reconcile', 'source', 'oci', 'unwatched', '-n', 'default', '--timeout', '1s');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ timed out after 1s waiting for OCIRepository default\/unwatched to be reconciled/);
});

test('a request counts as handled when the controller recorded it or a later one', () => {
  const token = rfc3339Nano(new Date('2025-01-02T03:04:05.120Z'));
  assert.equal(token, '2025-01-02T03:04:05.12Z');
  assert.equal(rfc3339Nano(new Date('2025-01-02T03:04:05.000Z')), '2025-01-02T03:04:05Z');
  assert.equal(requestHandled(undefined, undefined, token), false);
  assert.equal(requestHandled('2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', token), false, 'the value from before our request');
  assert.equal(requestHandled(token, '2025-01-01T00:00:00Z', token), true);
  assert.equal(requestHandled('2025-01-02T03:04:06Z', undefined, token), true, 'a later request covers ours');
  assert.equal(requestHandled('2025-01-02T03:04:04Z', undefined, token), false, 'an earlier request does not');
});
