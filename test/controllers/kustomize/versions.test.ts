/**
 * Kustomizations written against the older APIs (v1beta1 with its `validation` field, v1beta2
 * with inline strategic-merge and JSON 6902 patches) reconcile as Flux reconciles them, and
 * `spec.serviceAccountName` reaches the API server as impersonation.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { impersonating } from '../../../src/controllers/kustomize/index.js';
import { KubeClient, type KubeObject } from '../../../src/kube/index.js';
import { poll } from '../../apiserver/helpers.js';
import { basicAuthSecret, gitRepository, ready, startSourceEnv, type SourceEnv } from '../source/env.js';

type Obj = KubeObject & { status?: Record<string, any>; spec?: Record<string, any>; data?: Record<string, string> };

describe('older Kustomization versions', { timeout: 120_000 }, () => {
  let env: SourceEnv;
  before(async () => {
    env = await startSourceEnv({ controllers: ['source', 'kustomize'] });
    const repo = env.repo('legacy');
    repo.commit(
      {
        'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy\ndata:\n  a: "1"\n  b: "2"\n',
        'app/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: legacy\nspec:\n  ports:\n    - port: 80\n',
      },
      'legacy app',
    );
    await env.apply(basicAuthSecret('git-auth'));
    await env.apply(gitRepository('legacy', { url: `${env.git.url}/legacy.git`, ref: { branch: 'main' }, secretRef: { name: 'git-auth' } }));
    await env.waitFor('legacy', 'Ready', (o) => ready(o)?.status === 'True');
  });
  after(async () => {
    await env?.stop();
  });

  const waitReady = (apiVersion: string, name: string) =>
    poll(`${name} Ready`, async () => {
      const o = await env.client.get<Obj>({ apiVersion, kind: 'Kustomization', namespace: 'default' }, name);
      return ready(o)?.status === 'True' ? o : undefined;
    }, 30_000);
  const cm = (name: string) => env.client.get<Obj>({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' }, name);

  it('v1beta1 with `validation: client` applies (the field is ignored)', async () => {
    await env.client.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta1',
      kind: 'Kustomization',
      metadata: { name: 'old', namespace: 'default' },
      spec: { interval: '5m', path: './app', prune: true, validation: 'client', sourceRef: { kind: 'GitRepository', name: 'legacy' }, nameSuffix: '-v1beta1' },
    } as KubeObject);
    const o = await waitReady('kustomize.toolkit.fluxcd.io/v1beta1', 'old');
    assert.match(ready(o).message, /^Applied revision: main@sha1:/);
    assert.equal((await cm('legacy-v1beta1')).data?.a, '1');
  });

  it('v1beta2 inline patchesStrategicMerge and patchesJson6902 are applied', async () => {
    await env.client.create({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
      kind: 'Kustomization',
      metadata: { name: 'mid', namespace: 'default' },
      spec: {
        interval: '5m',
        path: './app',
        prune: true,
        nameSuffix: '-v1beta2',
        sourceRef: { kind: 'GitRepository', name: 'legacy' },
        patchesStrategicMerge: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'legacy' }, data: { a: 'patched' } }],
        patchesJson6902: [{ target: { version: 'v1', kind: 'ConfigMap', name: 'legacy' }, patch: [{ op: 'remove', path: '/data/b' }] }],
      },
    } as KubeObject);
    await waitReady('kustomize.toolkit.fluxcd.io/v1beta2', 'mid');
    assert.deepEqual((await cm('legacy-v1beta2')).data, { a: 'patched' });
  });
});

describe('serviceAccountName', () => {
  it('a connection for a service account sends the impersonation header with its credentials', async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    // Stands in for an API server: records the headers of what it receives.
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const base = { server: `http://127.0.0.1:${port}`, namespace: 'default', contextName: 'test', invalidate() {}, auth: async () => ({ headers: { Authorization: 'Bearer t0ken' }, tls: {} }) };
    const client = new KubeClient(impersonating(base, 'system:serviceaccount:apps:deployer'));
    await assert.rejects(client.http.request('GET', '/api/v1/namespaces/apps/configmaps/x'));
    client.close();
    server.close();
    assert.equal(seen[0]!['impersonate-user'], 'system:serviceaccount:apps:deployer');
    assert.equal(seen[0]!.authorization, 'Bearer t0ken');
  });
});
