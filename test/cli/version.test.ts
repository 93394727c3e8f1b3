/** `fluxion version`: the CLI's version, then each controller Deployment's (its image tag), as flux prints them. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { installManifests } from '../../src/api/install.js';
import { VERSION } from '../../src/cli/version.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion } from './run.js';

let c: TestCluster;
before(async () => {
  c = await startCluster({ simulate: false });
  const client = new KubeClient(await loadKubeConfig({ kubeconfig: c.kubeconfig }));
  // No controller runs here: only the Deployments' images are read.
  for (const m of installManifests({ version: '1.2.3', namespace: 'flux-system' }) as KubeObject[]) {
    if (m.kind === 'CustomResourceDefinition' || m.kind === 'Namespace' || m.kind === 'Deployment') await client.apply(m, { fieldManager: 'test', force: true });
  }
  client.close();
});
after(async () => {
  await c?.stop();
});

test('version --client prints the CLI version only', async () => {
  const r = await fluxion(['version', '--client'], { kubeconfig: c.kubeconfig });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `fluxion: v${VERSION}\n`);
});

test('version lists the controllers with the tag of their image', async () => {
  const r = await fluxion(['version'], { kubeconfig: c.kubeconfig });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `fluxion: v${VERSION}\nkustomize-controller: v1.2.3\nsource-controller: v1.2.3\n`);
});
