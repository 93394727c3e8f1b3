// `fluxion export`, `suspend`, `resume` and `delete` for GitRepositories and Kustomizations,
// run as processes against the in-process cluster. Where resume waits, a stand-in writes the
// status the controller would (objects-env.ts); no controller runs here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appliedStatus, fetchedStatus, GIT, KS, standIn, startObjectsEnv, type ObjectsEnv, type Obj } from './objects-env.js';

let env: ObjectsEnv;

async function put(ref: { apiVersion: string; kind: string }, namespace: string, metadata: Record<string, unknown>, spec: Record<string, unknown>, status?: (o: Obj) => Record<string, unknown>) {
  const obj = await env.client.create<Obj>({ ...ref, metadata: { namespace, ...metadata } as Obj['metadata'], spec });
  if (status) await env.client.patchStatus({ ...ref, namespace }, obj.metadata.name, 'merge', { status: status(obj) });
  return obj;
}

before(async () => {
  env = await startObjectsEnv();
});
after(async () => {
  await env?.stop();
});

test('export prints objects as flux does: no status, Go durations, defaults kept, bookkeeping left out', async () => {
  await env.namespace('exp');
  await put(
    GIT,
    'exp',
    {
      name: 'flux-system',
      labels: { app: 'podinfo', 'kustomize.toolkit.fluxcd.io/name': 'flux-system', 'kustomize.toolkit.fluxcd.io/namespace': 'exp' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'reconcile.fluxcd.io/requestedAt': 'now', owner: 'platform' },
    },
    { interval: '5m', url: 'ssh://git@github.com/example/repo', ref: { branch: 'main' }, secretRef: { name: 'flux-system' } },
    (o) => fetchedStatus(o, 'main@sha1:0123456789012345678901234567890123456789'),
  );
  await put(KS, 'exp', { name: 'flux-system' }, { interval: '5m', path: './infrastructure/', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } }, (o) => appliedStatus(o, 'x'));
  await put(KS, 'exp', { name: 'apps' }, { interval: '1h', retryInterval: '90s', path: './apps', prune: false, sourceRef: { kind: 'GitRepository', name: 'flux-system' }, suspend: false }, undefined);

  const [git, ks, all] = await Promise.all([env.run('export', 'source', 'git', 'flux-system', '-n', 'exp'), env.run('export', 'kustomization', 'flux-system', '-n', 'exp'), env.run('export', 'ks', '--all', '-n', 'exp')]);
  assert.equal(git.code, 0, git.stderr);
  // flux's export fixture (cmd/flux/testdata/export/git-repo.yaml) has the same shape: the
  // API server's default timeout (60s) prints as 1m0s.
  assert.equal(
    git.stdout,
    '---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  annotations:\n    owner: platform\n  labels:\n    app: podinfo\n  name: flux-system\n  namespace: exp\nspec:\n  interval: 5m0s\n  ref:\n    branch: main\n  secretRef:\n    name: flux-system\n  timeout: 1m0s\n  url: ssh://git@github.com/example/repo\n',
  );
  const fluxSystemKs = '---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: exp\nspec:\n  interval: 5m0s\n  path: ./infrastructure/\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';
  assert.equal(ks.stdout, fluxSystemKs, 'flux export fixture cmd/flux/testdata/export/ks.yaml');
  assert.equal(all.code, 0, all.stderr);
  assert.equal(
    all.stdout,
    '---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: exp\nspec:\n  interval: 1h0m0s\n  path: ./apps\n  prune: false\n  retryInterval: 1m30s\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n' + fluxSystemKs,
  );

  await env.namespace('exp-empty');
  const [empty, noName, missing] = await Promise.all([env.run('export', 'source', 'git', '--all', '-n', 'exp-empty'), env.run('export', 'ks', '-n', 'exp'), env.run('export', 'ks', 'nope', '-n', 'exp')]);
  assert.deepEqual([empty.code, empty.stderr], [1, '✗ no objects found in exp-empty namespace\n']);
  assert.deepEqual([noName.code, noName.stderr], [1, '✗ name is required (or --all)\n']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /✗ .*"nope" not found/);
});

test('suspend and resume patch spec.suspend; resume waits for the reconciliation of one object', async () => {
  await env.namespace('life');
  const revision = 'main@sha1:67e2c98a60dc92283531412a9e604dd4bae005a9';
  await put(KS, 'life', { name: 'apps' }, { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } });
  await put(GIT, 'life', { name: 'repo' }, { interval: '1m', url: 'https://example.com/repo', ref: { branch: 'main' } });
  await put(GIT, 'life', { name: 'repo2' }, { interval: '1m', url: 'https://example.com/repo2', ref: { branch: 'main' } });

  const suspended = await env.run('suspend', 'kustomization', 'apps', 'missing', '-n', 'life', '--reason', 'maintenance window');
  assert.equal(suspended.code, 0, suspended.stderr);
  assert.equal(suspended.stderr, '► suspending kustomization apps in life namespace\n✔ kustomization suspended\n✗ Kustomization missing not found in life namespace\n');
  let apps = await env.get(KS, 'life', 'apps');
  assert.equal(apps.spec.suspend, true);
  assert.equal(apps.metadata.annotations?.['suspend.toolkit.fluxcd.io/reason'], 'maintenance window');

  const all = await env.run('suspend', 'source', 'git', '--all', '-n', 'life');
  assert.equal(all.stderr, '► suspending source git repo in life namespace\n✔ source git suspended\n► suspending source git repo2 in life namespace\n✔ source git suspended\n');
  assert.deepEqual([(await env.get(GIT, 'life', 'repo')).spec.suspend, (await env.get(GIT, 'life', 'repo2')).spec.suspend], [true, true]);

  const controller = standIn(env.client, KS, 'life', (o) => (o.spec.suspend ? undefined : appliedStatus(o, revision)));
  try {
    const resumed = await env.run('resume', 'ks', 'apps', '-n', 'life');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(
      resumed.stderr,
      [
        '► resuming kustomization apps in life namespace',
        '✔ kustomization resumed',
        '◎ waiting for Kustomization reconciliation',
        '✔ Kustomization apps reconciliation completed',
        `✔ applied revision ${revision}`,
        '',
      ].join('\n'),
    );
  } finally {
    await controller.stop();
  }
  apps = await env.get(KS, 'life', 'apps');
  assert.equal(apps.spec.suspend, false);
  assert.equal(apps.metadata.annotations?.['suspend.toolkit.fluxcd.io/reason'], undefined, 'the reason goes with the suspension');

  // Several objects without --wait: no waiting, as flux.
  const many = await env.run('resume', 'source', 'git', '--all', '-n', 'life');
  assert.equal(many.code, 0, many.stderr);
  assert.equal(many.stderr, '► resuming source git repo in life namespace\n✔ source git resumed\n► resuming source git repo2 in life namespace\n✔ source git resumed\n');

  // --wait with nothing reconciling: the timeout names the object and the exit code is 1.
  const stuck = await env.run('resume', 'source', 'git', 'repo', '-n', 'life', '--wait', '--timeout=2s');
  assert.equal(stuck.code, 1);
  assert.match(stuck.stderr, /◎ waiting for GitRepository reconciliation\n✗ timeout waiting for GitRepository\/life\/repo to become ready after 2s: waiting to be reconciled\n$/);

  const noName = await env.run('suspend', 'source', 'git', '-n', 'life');
  assert.deepEqual([noName.code, noName.stderr], [1, '✗ source git name is required (or --all)\n']);
});

test('resume of a GitRepository prints the fetched revision', async () => {
  await env.namespace('life-git');
  await put(GIT, 'life-git', { name: 'repo' }, { interval: '1m', url: 'https://example.com/repo', ref: { branch: 'main' }, suspend: true });
  const controller = standIn(env.client, GIT, 'life-git', (o) => (o.spec.suspend ? undefined : fetchedStatus(o, 'main@sha1:abcdefabcdefabcdefabcdefabcdefabcdefabcd')));
  try {
    const r = await env.run('resume', 'source', 'git', 'repo', '-n', 'life-git');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /✔ GitRepository repo reconciliation completed\n✔ fetched revision main@sha1:abcdefabcdefabcdefabcdefabcdefabcdefabcd\n$/);
  } finally {
    await controller.stop();
  }
});

test('delete asks first: without a terminal it fails naming --silent; -s deletes; a pruning Kustomization warns', async () => {
  await env.namespace('del');
  await put(KS, 'del', { name: 'pruning' }, { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'repo' } });
  await put(KS, 'del', { name: 'keeping' }, { interval: '10m', path: './', prune: false, sourceRef: { kind: 'GitRepository', name: 'repo' } });
  await put(GIT, 'del', { name: 'repo' }, { interval: '1m', url: 'https://example.com/repo', ref: { branch: 'main' } });

  const [asked, keeping, noName] = await Promise.all([env.run('delete', 'kustomization', 'pruning', '-n', 'del'), env.run('delete', 'ks', 'keeping', '-n', 'del'), env.run('delete', 'ks', '-n', 'del')]);
  assert.equal(asked.code, 1);
  assert.match(asked.stderr, /^◎ This action will remove the Kubernetes objects previously applied by the pruning kustomization!\n/);
  assert.match(asked.stderr, /✗ Are you sure you want to delete this kustomization: standard input is not a terminal.*pass --silent/);
  assert.equal(keeping.code, 1);
  assert.doesNotMatch(keeping.stderr, /This action will remove/, 'prune: false removes nothing, so no warning');
  assert.deepEqual([noName.code, noName.stderr], [1, '✗ kustomization name is required\n']);
  assert.equal((await env.get(KS, 'del', 'pruning')).metadata.name, 'pruning', 'nothing deleted without an answer');

  const [ks, git] = await Promise.all([env.run('delete', 'ks', 'pruning', '-n', 'del', '-s'), env.run('delete', 'source', 'git', 'repo', '-n', 'del', '--silent')]);
  assert.equal(ks.code, 0, ks.stderr);
  assert.equal(ks.stderr, '► deleting kustomization pruning in del namespace\n✔ kustomization deleted\n');
  assert.equal(git.stderr, '► deleting source git repo in del namespace\n✔ source git deleted\n');
  await assert.rejects(env.get(KS, 'del', 'pruning'), /not found/);
  await assert.rejects(env.get(GIT, 'del', 'repo'), /not found/);

  const missing = await env.run('delete', 'ks', 'pruning', '-n', 'del', '-s');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /✗ .*"pruning" not found/);
});
