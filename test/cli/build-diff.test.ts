// `fluxion build kustomization` and `fluxion diff kustomization` against the in-process
// cluster: the Kustomization and its substituteFrom objects live there; the manifests are a
// directory of the test's own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { allCrds } from '../../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { buildKustomization } from '../../src/cli/build-ks.js';
import { compareValues, formatReport } from '../../src/cli/diff-ks.js';
import { emitYaml } from '../../src/yaml/emit.js';
import type { ValueMap } from '../../src/yaml/types.js';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion } from './run.js';

let cluster: TestCluster;
let client: KubeClient;
let dir: string;
const KS = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system' };

function files(root: string, tree: Record<string, string>): string {
  for (const [p, content] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), content);
  }
  return root;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: podinfo
spec:
  selector:
    app: podinfo
  ports:
  - name: http
    port: 9898
    targetPort: 9898
`;

async function kustomization(name: string, spec: Record<string, unknown>, inventory?: string[]): Promise<void> {
  await client.apply({ apiVersion: KS.apiVersion, kind: KS.kind, metadata: { name, namespace: 'flux-system' }, spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, ...spec } } as KubeObject, { fieldManager: 'test', force: true });
  if (inventory) await client.patchStatus(KS, name, 'merge', { status: { inventory: { entries: inventory.map((id) => ({ id, v: 'v1' })) } } });
}

before(async () => {
  cluster = await startCluster();
  client = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
  for (const crd of allCrds()) await client.create(crd as KubeObject);
  client.discovery.invalidate();
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } });
  await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: 'flux-system' }, data: { GREETING: 'hi' } } as KubeObject);
  await client.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'secret-vars', namespace: 'flux-system' }, data: { WORD: Buffer.from('swordfish').toString('base64') } } as KubeObject);
  dir = mkdtempSync(join(tmpdir(), 'fluxion-build-'));
  files(join(dir, 'app'), {
    'service.yaml': SERVICE,
    'config/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo\ndata:\n  color: ${COLOR}\n  greeting: ${GREETING:=hello}\n  word: ${WORD:=none}\n',
    'config/ignored.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ignored\n',
    'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\nspec:\n  template:\n    spec:\n      containers:\n      - name: podinfod\n        image: ghcr.io/stefanprodan/podinfo:6.0.0\n',
  });
  await kustomization('podinfo', {
    targetNamespace: 'default',
    namePrefix: 'prod-',
    images: [{ name: 'ghcr.io/stefanprodan/podinfo', newTag: '6.5.0' }],
    patches: [{ patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\nspec:\n  replicas: 2\n', target: { kind: 'Deployment' } }],
    commonMetadata: { labels: { team: 'a' } },
    postBuild: { substitute: { COLOR: 'blue' }, substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }, { kind: 'Secret', name: 'secret-vars' }, { kind: 'ConfigMap', name: 'absent', optional: true }] },
  });
});

after(async () => {
  client?.close();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => fluxion(args, { kubeconfig: cluster.kubeconfig });
const OWNER = '    kustomize.toolkit.fluxcd.io/name: podinfo\n    kustomize.toolkit.fluxcd.io/namespace: flux-system\n    team: a\n';

test('build kustomization: the Flux spec, postBuild variables from the cluster, owner labels, every object followed by ---', async () => {
  const r = await run('build', 'kustomization', 'podinfo', '--path', join(dir, 'app'), '--ignore-paths', 'config/ignored.yaml');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'apiVersion: v1\ndata:\n  color: blue\n  greeting: hi\n  word: swordfish\nkind: ConfigMap\nmetadata:\n  labels:\n' +
      OWNER +
      '  name: prod-podinfo\n  namespace: default\n---\n' +
      'apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n' +
      OWNER +
      '  name: prod-podinfo\n  namespace: default\nspec:\n  ports:\n  - name: http\n    port: 9898\n    targetPort: 9898\n  selector:\n    app: podinfo\n---\n' +
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n' +
      OWNER +
      '  name: prod-podinfo\n  namespace: default\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n      - image: ghcr.io/stefanprodan/podinfo:6.5.0\n        name: podinfod\n---\n',
  );
  assert.ok(!r.stdout.includes('ignored'), '--ignore-paths keeps the file out of the generated kustomization');
});

test('build --dry-run reads the Kustomization from the file and never the cluster; substituteFrom is skipped', async () => {
  const file = join(dir, 'flux.yaml');
  writeFileSync(
    file,
    'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: other\nspec:\n  targetNamespace: nope\n---\n' +
      'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  targetNamespace: staging\n  postBuild:\n    substitute:\n      COLOR: red\n    substituteFrom:\n    - kind: ConfigMap\n      name: vars\n',
  );
  const r = await fluxion(['build', 'ks', 'podinfo', '--path', join(dir, 'app'), '--kustomization-file', file, '--dry-run', '--ignore-paths', 'ignored.yaml'], {
    kubeconfig: join(dir, 'no-such-kubeconfig'),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^apiVersion: v1\ndata:\n  color: red\n  greeting: hello\n  word: none\nkind: ConfigMap\n/);
  assert.match(r.stdout, /\n  name: podinfo\n  namespace: staging\n---\n/);
  assert.doesNotMatch(r.stdout, /name: ignored/);
});

test('build masks the values of SOPS-encrypted Secrets and drops the sops metadata', async () => {
  const sops = files(join(dir, 'sops'), {
    'secret.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: RU5DW0FFUzI1Nl9HQ00sZGF0YTp4eXpdIHNvcHM=\nstringData:\n  user: ENC[AES256_GCM,data:abc,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:mac,type:str]\n  version: 3.8.1\n',
  });
  const file = join(dir, 'sops.yaml');
  writeFileSync(file, 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: sops\nspec:\n  prune: true\n');
  const r = await fluxion(['build', 'ks', 'sops', '--path', sops, '--kustomization-file', file, '--dry-run', '-n', 'apps']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    "apiVersion: v1\ndata:\n  password: KipTT1BTKio=\nkind: Secret\nmetadata:\n  labels:\n    kustomize.toolkit.fluxcd.io/name: sops\n    kustomize.toolkit.fluxcd.io/namespace: apps\n  name: db\nstringData:\n  user: '**SOPS**'\n---\n",
  );
  assert.doesNotMatch(r.stdout, /ENC\[|mac:/);
});

test('build errors carry flux\'s messages', async () => {
  const noPath = await run('build', 'ks', 'podinfo');
  assert.equal(noPath.code, 1);
  assert.equal(noPath.stderr, '✗ invalid resource path ""\n');
  const dry = await run('build', 'ks', 'podinfo', '--path', join(dir, 'app'), '--dry-run');
  assert.equal(dry.stderr, '✗ dry-run mode requires a kustomization file\n');
  const missing = await run('build', 'ks', 'nope', '--path', join(dir, 'app'));
  assert.match(missing.stderr, /^✗ failed to get kustomization object: .*"nope" not found\n$/);
  const notInFile = await run('build', 'ks', 'third', '--path', join(dir, 'app'), '--kustomization-file', join(dir, 'flux.yaml'), '--dry-run');
  assert.equal(notInFile.stderr, `✗ failed to get kustomization object: failed find kustomization with name 'third' and namespace 'flux-system' in file '${join(dir, 'flux.yaml')}'\n`);
  await kustomization('strict', { targetNamespace: 'default', postBuild: { substitute: { OTHER: 'x' } } });
  const strict = await run('build', 'ks', 'strict', '--path', join(dir, 'app'), '--strict-substitute', '--ignore-paths', 'ignored.yaml');
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /^✗ var substitution failed for 'podinfo': envsubst error: .*COLOR/);
  await kustomization('needs-vars', { postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'absent' }] } });
  const absent = await run('build', 'ks', 'needs-vars', '--path', join(dir, 'app'));
  assert.equal(absent.stderr, "✗ substitute from 'ConfigMap/absent' error: configmaps \"absent\" not found\n");
});

// ---- diff ---------------------------------------------------------------------------------------

const WEB = {
  'service.yaml': SERVICE,
  'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: ${Buffer.from('s3cret').toString('base64')}\n  user: ${Buffer.from('admin').toString('base64')}\n`,
  'hands-off.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hands-off\n  annotations:\n    kustomize.toolkit.fluxcd.io/reconcile: disabled\ndata:\n  a: b\n',
};

test('diff kustomization: created, then nothing, then drifted fields and what prune would delete (exit 1, 0, 1)', async () => {
  const web = files(join(dir, 'web'), WEB);
  await kustomization('web', { targetNamespace: 'default' });
  const created = await run('diff', 'ks', 'web', '--path', web, '--progress-bar=false');
  assert.equal(created.code, 1, created.stderr);
  assert.equal(created.stdout, '► Secret/default/creds created\n► Service/default/podinfo created\n');
  assert.equal(created.stderr, '⚠️ identified at least one change, exiting with non-zero exit code\n');

  // Apply what the build makes, as kustomize-controller would, and record the inventory.
  const { objects } = await buildKustomization({ name: 'web', namespace: 'flux-system', path: web, client });
  for (const o of objects) await client.apply(o as KubeObject, { fieldManager: 'kustomize-controller', force: true });
  await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'default', labels: { 'kustomize.toolkit.fluxcd.io/name': 'web', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } } as KubeObject);
  await client.patchStatus(KS, 'web', 'merge', { status: { inventory: { entries: [
    { id: 'default_creds__Secret', v: 'v1' }, { id: 'default_podinfo__Service', v: 'v1' }, { id: 'default_old__ConfigMap', v: 'v1' },
  ] } } });
  files(web, { 'old.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n' });
  const same = await run('diff', 'ks', 'web', '--path', web);
  assert.equal(same.code, 0, same.stderr + same.stdout);
  assert.equal(same.stdout, '');
  assert.equal(same.stderr, '');

  // Someone edits the live objects; the repository loses old.yaml.
  await client.patch({ apiVersion: 'v1', kind: 'Service', namespace: 'default' }, 'podinfo', 'merge', { spec: { ports: [{ name: 'http', port: 9898, targetPort: 9899, protocol: 'TCP' }] } });
  await client.patch({ apiVersion: 'v1', kind: 'Secret', namespace: 'default' }, 'creds', 'merge', { data: { password: Buffer.from('changed').toString('base64') } });
  rmSync(join(web, 'old.yaml'));
  const drifted = await run('diff', 'ks', 'web', '--path', web);
  assert.equal(drifted.code, 1, drifted.stderr);
  assert.equal(
    drifted.stdout,
    '► Secret/default/creds drifted\n\ndata.password\n± value change\n- *** (before)\n+ *** (after)\n\n' +
      '► Service/default/podinfo drifted\n\nspec.ports.http.targetPort\n± value change\n- 9899\n+ 9898\n\n' +
      '► ConfigMap/default/old deleted\n',
  );
  assert.doesNotMatch(drifted.stdout, /s3cret|czNjcmV0|changed/, 'no Secret value is printed');
});

test('diff errors exit 2: a bad path, and an object the server refuses', async () => {
  const noPath = await run('diff', 'ks', 'web', '--path', join(dir, 'nope'));
  assert.equal(noPath.code, 2);
  assert.equal(noPath.stderr, `✗ invalid resource path "${join(dir, 'nope')}"\n`);
  const bad = files(join(dir, 'bad'), { 'widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: default\n', 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad-settings\n' });
  await kustomization('bad', { targetNamespace: 'default' });
  const r = await run('diff', 'ks', 'bad', '--path', bad);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, '✗ Widget/default/w dry-run failed: no matches for kind "Widget" in version "example.com/v1"\n');
  assert.equal(r.stdout, '► ConfigMap/default/bad-settings created\n', 'the objects that can be compared still are');
});

test('the report lists changed, added and removed fields by path, named list entries by name', () => {
  const from: ValueMap = { spec: { replicas: 1, containers: [{ name: 'app', image: 'a:1', args: ['x'] }], paused: true }, data: { script: 'one\ntwo\nthree' } };
  const to: ValueMap = { spec: { replicas: '1', containers: [{ name: 'app', image: 'a:2', args: ['x'] }, { name: 'sidecar', image: 's:1' }], strategy: { type: 'Recreate' } }, data: { script: 'one\n2\nthree' } };
  const report = formatReport(compareValues(from, to), (v) => emitYaml(v as never));
  assert.equal(
    report,
    [
      '',
      'spec.replicas',
      '± type change from int to string',
      '- 1',
      '+ 1',
      '',
      'spec.containers.app.image',
      '± value change',
      '- a:1',
      '+ a:2',
      '',
      'spec.containers',
      '+ 1 list entry added:',
      '  - image: s:1',
      '    name: sidecar',
      '',
      'spec',
      '- 1 map entry removed:',
      'paused: true',
      '+ 1 map entry added:',
      '  strategy:',
      '    type: Recreate',
      '',
      'data.script',
      '± value change in multiline text (1 insert, 1 deletion)',
      '- two',
      '+ 2',
      '',
      '',
      '',
    ].join('\n'),
  );
});
