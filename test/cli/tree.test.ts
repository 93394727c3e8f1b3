// `fluxion tree kustomization` against the in-process cluster: Kustomizations whose
// status.inventory is written as kustomize-controller writes it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { allCrds } from '../../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion } from './run.js';

let cluster: TestCluster;
let client: KubeClient;
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system' };

async function kustomization(name: string, ids: string[], spec: Record<string, unknown> = {}): Promise<void> {
  await client.create({
    apiVersion: KS.apiVersion,
    kind: KS.kind,
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec },
  } as KubeObject);
  await client.patchStatus(KS, name, 'merge', { status: { inventory: { entries: ids.map((id) => ({ id, v: 'v1' })) } } });
}

before(async () => {
  cluster = await startCluster();
  client = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
  for (const crd of allCrds()) await client.create(crd as KubeObject);
  client.discovery.invalidate();
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  await kustomization('flux-system', [
    '_flux-system__Namespace',
    'flux-system_source-controller_apps_Deployment',
    'flux-system_flux-system_kustomize.toolkit.fluxcd.io_Kustomization',
    'flux-system_infrastructure_kustomize.toolkit.fluxcd.io_Kustomization',
    'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization',
    'flux-system_flux-system_source.toolkit.fluxcd.io_GitRepository',
  ]);
  await kustomization('infrastructure', [
    '_cert-manager__Namespace',
    'cert-manager_cert-manager_source.toolkit.fluxcd.io_HelmRepository',
    '_system__controller__manager_rbac.authorization.k8s.io_ClusterRole',
  ]);
  await kustomization('apps', ['default_podinfo__Service', 'default_podinfo_apps_Deployment']);
  await kustomization('cycle-a', ['flux-system_cycle-b_kustomize.toolkit.fluxcd.io_Kustomization']);
  await kustomization('cycle-b', ['flux-system_cycle-a_kustomize.toolkit.fluxcd.io_Kustomization']);
  await kustomization('empty', []);
  await kustomization('dangling', ['flux-system_gone_kustomize.toolkit.fluxcd.io_Kustomization']);
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

const run = (...args: string[]) => fluxion(args, { kubeconfig: cluster.kubeconfig });

test('prints the inventory as a tree, descending into nested Kustomizations', async () => {
  const r = await run('tree', 'kustomization', 'flux-system');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'Kustomization/flux-system/flux-system',
      '├── Namespace/flux-system',
      '├── Deployment/flux-system/source-controller',
      '├── Kustomization/flux-system/infrastructure',
      '│   ├── Namespace/cert-manager',
      '│   ├── HelmRepository/cert-manager/cert-manager',
      '│   └── ClusterRole/system:controller:manager',
      '├── Kustomization/flux-system/apps',
      '│   ├── Service/default/podinfo',
      '│   └── Deployment/default/podinfo',
      '└── GitRepository/flux-system/flux-system',
      '',
      '',
    ].join('\n'),
  );
});

test('--compact keeps only Flux kinds', async () => {
  const r = await run('tree', 'ks', 'flux-system', '--compact');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'Kustomization/flux-system/flux-system',
      '├── Kustomization/flux-system/infrastructure',
      '│   └── HelmRepository/cert-manager/cert-manager',
      '├── Kustomization/flux-system/apps',
      '└── GitRepository/flux-system/flux-system',
      '',
      '',
    ].join('\n'),
  );
});

test('a cycle is followed once; an empty inventory is the root alone', async () => {
  const cycle = await run('tree', 'ks', 'cycle-a');
  assert.equal(cycle.code, 0, cycle.stderr);
  assert.equal(cycle.stdout, 'Kustomization/flux-system/cycle-a\n└── Kustomization/flux-system/cycle-b\n\n');
  const empty = await run('tree', 'ks', 'empty');
  assert.equal(empty.stdout, 'Kustomization/flux-system/empty\n\n');
});

test('-o json and -o yaml give the tree as flux marshals it', async () => {
  const json = await run('tree', 'ks', 'apps', '-o', 'json');
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), {
    resource: { Namespace: 'flux-system', Name: 'apps', GroupKind: { Group: 'kustomize.toolkit.fluxcd.io', Kind: 'Kustomization' } },
    resources: [
      { resource: { Namespace: 'default', Name: 'podinfo', GroupKind: { Group: '', Kind: 'Service' } } },
      { resource: { Namespace: 'default', Name: 'podinfo', GroupKind: { Group: 'apps', Kind: 'Deployment' } } },
    ],
  });
  assert.match(json.stdout, /^\{\n  "resource": \{\n    "Namespace": "flux-system",/);
  const yaml = await run('tree', 'ks', 'apps', '-o', 'yaml');
  assert.equal(
    yaml.stdout,
    [
      'resource:',
      '  GroupKind:',
      '    Group: kustomize.toolkit.fluxcd.io',
      '    Kind: Kustomization',
      '  Name: apps',
      '  Namespace: flux-system',
      'resources:',
      '- resource:',
      '    GroupKind:',
      '      Group: ""',
      '      Kind: Service',
      '    Name: podinfo',
      '    Namespace: default',
      '- resource:',
      '    GroupKind:',
      '      Group: apps',
      '      Kind: Deployment',
      '    Name: podinfo',
      '    Namespace: default',
      '',
      '',
    ].join('\n'),
  );
});

test('errors name what is missing', async () => {
  const missing = await run('tree', 'ks', 'nope');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /✗ .*"nope" not found/);
  const dangling = await run('tree', 'ks', 'dangling');
  assert.equal(dangling.code, 1);
  assert.match(dangling.stderr, /✗ failed to find object: .*"gone" not found/);
  const format = await run('tree', 'ks', 'apps', '-o', 'table');
  assert.equal(format.code, 1);
  assert.equal(format.stderr, "✗ --output must be 'json' or 'yaml', not 'table'\n");
});
