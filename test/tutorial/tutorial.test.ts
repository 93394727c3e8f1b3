/**
 * The tutorial's sequence, as the README walks through it, with `fluxion` as a process: a
 * local git server holding the example monorepo (examples/tutorial) without its cluster
 * configuration, `cluster start beta`, `check --pre`, `bootstrap git`, the cluster
 * configuration written with `create … --export`, commit and push, `reconcile kustomization
 * flux-system --with-source`, `get kustomizations`, `kubectl get deploy`, `uninstall`.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { poll } from '../apiserver/helpers.js';
import { exampleFile, kubectlRows, Sandbox, tableRows, type Result } from './env.js';

const sb = new Sandbox();
let clusterStarted = false;
let serverStarted = false;

after(async () => {
  // Torn down as the README says, whatever happened.
  if (clusterStarted) await sb.fluxion(['cluster', 'delete', 'beta']);
  if (serverStarted) await sb.fluxion(['git-server', 'delete']);
  sb.cleanup();
});

function ok(r: Result, what: string): Result {
  assert.equal(r.code, 0, `${what} exited with ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r;
}

const CLUSTER_CONFIG = ['clusters/beta/source.yaml', 'clusters/beta/infrastructure.yaml', 'clusters/beta/applications.yaml'];

test('the tutorial with fluxion, from an empty cluster to uninstall', { timeout: 15 * 60_000 }, async () => {
  // As the README: the git server asks for credentials, the bootstrap syncs with them (token auth).
  const credentials = { username: 'tutorial', password: 'gitops-tutorial' };
  sb.gitCredentials = credentials;
  const served = ok(await sb.fluxion(['git-server', 'start', '--detach', `--username=${credentials.username}`, `--password=${credentials.password}`]), 'git-server start');
  serverStarted = true;
  const url = `${served.stdout.trim()}/tutorial.git`;
  const seeded = await sb.seed(url, CLUSTER_CONFIG);

  // fluxion cluster start beta
  const started = ok(await sb.fluxion(['cluster', 'start', 'beta', '--detach']), 'cluster start beta');
  clusterStarted = true;
  assert.match(started.stderr, /✔ cluster beta is ready at https:\/\/127\.0\.0\.1:\d+/);
  assert.equal(ok(await sb.kubectl(['config', 'current-context']), 'kubectl config current-context').stdout.trim(), 'beta');

  // fluxion check --pre
  const pre = ok(await sb.fluxion(['check', '--pre']), 'check --pre');
  assert.match(pre.stderr, /► checking prerequisites/);
  assert.match(pre.stderr, /✔ Kubernetes 1\.\d+\.\d+\S* >=1\.\d+\.0-0/);
  assert.match(pre.stderr, /✔ prerequisites checks passed/);

  // fluxion bootstrap git
  ok(
    await sb.fluxion(['bootstrap', 'git', `--url=${url}`, '--branch=main', '--path=clusters/beta', '--allow-insecure-http', '--token-auth', `--username=${credentials.username}`, `--password=${credentials.password}`, '--silent'], { timeoutMs: 10 * 60_000 }),
    'bootstrap git',
  );
  const work = join(sb.dir, 'tutorial');
  await sb.git(['clone', '--quiet', url, work], sb.dir);
  for (const f of ['gotk-components.yaml', 'gotk-sync.yaml', 'kustomization.yaml']) {
    assert.ok(existsSync(join(work, 'clusters/beta/flux-system', f)), `bootstrap pushed clusters/beta/flux-system/${f}`);
  }
  assert.equal(await sb.git(['merge-base', '--is-ancestor', seeded, 'HEAD'], work), '', 'bootstrap committed on top of the seed');
  assert.notEqual(await sb.git(['rev-parse', 'HEAD'], work), seeded);
  assert.match(readFileSync(join(work, 'clusters/beta/flux-system/gotk-sync.yaml'), 'utf8'), /path: \.\/clusters\/beta/);

  // fluxion create source git … --export > clusters/beta/source.yaml; create kustomization … --export
  const exports: [string, string[]][] = [
    ['clusters/beta/source.yaml', ['create', 'source', 'git', 'tutorial', `--url=${url}`, '--branch=main', '--secret-ref=flux-system', '--interval=1m', '--export']],
    ['clusters/beta/infrastructure.yaml', ['create', 'kustomization', 'infrastructure', '--source=GitRepository/tutorial', '--path=./infrastructure', '--prune=true', '--wait=true', '--interval=1m', '--retry-interval=1m', '--health-check-timeout=1m', '--export']],
    [
      'clusters/beta/applications.yaml',
      ['create', 'kustomization', 'applications', '--depends-on=infrastructure', '--source=GitRepository/tutorial', '--path=./config/beta', '--prune=true', '--wait=true', '--interval=1m', '--retry-interval=1m', '--health-check-timeout=2m', '--target-namespace=apps', '--export'],
    ],
  ];
  for (const [path, args] of exports) {
    const r = ok(await sb.fluxion(args), args.slice(0, 3).join(' '));
    // The files the example ships are what these commands print.
    assert.equal(r.stdout, exampleFile(path, url), `${path} as exported`);
    writeFileSync(join(work, path), r.stdout);
  }

  // commit and push
  await sb.git(['add', '--all'], work);
  await sb.git(['commit', '--quiet', '-m', 'Add the tutorial source and Kustomizations'], work);
  await sb.git(['push', '--quiet', 'origin', 'main'], work);
  const head = await sb.git(['rev-parse', 'HEAD'], work);

  // fluxion reconcile kustomization flux-system --with-source
  const reconciled = ok(await sb.fluxion(['reconcile', 'kustomization', 'flux-system', '--with-source']), 'reconcile kustomization flux-system --with-source');
  assert.match(reconciled.stderr, /► annotating GitRepository flux-system in flux-system namespace/);
  assert.ok(reconciled.stderr.includes(`✔ fetched revision main@sha1:${head}`), reconciled.stderr);
  assert.ok(reconciled.stderr.includes(`✔ applied revision main@sha1:${head}`), reconciled.stderr);

  // fluxion get kustomizations: the three Ready at the pushed revision
  const names = ['applications', 'flux-system', 'infrastructure'];
  const rows = await poll(
    'the Kustomizations to be Ready at the pushed revision',
    async () => {
      const r = await sb.fluxion(['get', 'kustomizations']);
      if (r.code !== 0) throw new Error(r.stderr);
      const t = tableRows(r.stdout);
      const body = t.slice(1).filter((row) => names.includes(row[0]!));
      const done = body.length === 3 && body.every((row) => row[3] === 'True' && row[1] === `main@sha1:${head.slice(0, 8)}`);
      if (!done) throw new Error(`not yet:\n${r.stdout}`);
      return t;
    },
    4 * 60_000,
    1000,
  );
  assert.deepEqual(rows[0], ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE']);
  assert.deepEqual(
    rows.slice(1).map((r) => r[0]),
    names,
  );
  for (const row of rows.slice(1)) assert.deepEqual(row.slice(1), [`main@sha1:${head.slice(0, 8)}`, 'False', 'True', `Applied revision: main@sha1:${head.slice(0, 8)}`]);

  // kubectl get deploy: the beta overlays' workloads, healthy (the Kustomization waited for them)
  const deploy = kubectlRows(ok(await sb.kubectl(['get', 'deploy', '-n', 'apps']), 'kubectl get deploy').stdout);
  assert.deepEqual(deploy[0], ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  assert.deepEqual(
    deploy.slice(1).map((r) => r.slice(0, 4)),
    [
      ['catalog', '1/1', '1', '1'],
      ['storefront', '2/2', '2', '2'],
      ['toolbox', '1/1', '1', '1'],
    ],
  );
  // What the cluster holds is what kustomize builds: the generated ConfigMaps' hashed names.
  const built = ok(await sb.fluxion(['kustomize', 'build', 'examples/tutorial/config/beta']), 'kustomize build');
  const builtConfigMaps = [...built.stdout.matchAll(/^kind: ConfigMap\nmetadata:\n(?: {2}.*\n)*? {2}name: (\S+)$/gm)].map((m) => m[1]).sort();
  assert.equal(builtConfigMaps.length, 3);
  const configMaps = ok(await sb.kubectl(['get', 'configmaps', '-n', 'apps', '-l', 'app.kubernetes.io/part-of=tutorial', '-o', 'name']), 'kubectl get configmaps').stdout.trim().split('\n').map((n) => n.replace('configmap/', ''));
  assert.deepEqual(configMaps.sort(), builtConfigMaps);
  const image = ok(await sb.kubectl(['get', 'deploy', 'catalog', '-n', 'apps', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'kubectl get deploy catalog').stdout;
  assert.equal(image, 'ghcr.io/stefanprodan/podinfo:6.8.0', 'the beta overlay sets the image tag');
  for (const obj of ['clusterrole/apps-reader', 'rolebinding/developers-read-apps', 'limitrange/container-defaults', 'resourcequota/apps-quota']) {
    ok(await sb.kubectl(['get', obj, '-n', 'apps']), `kubectl get ${obj} (infrastructure)`);
  }

  // The README's change: a new image tag for the catalog in beta, the toolbox out of beta.
  ok(await sb.fluxion(['kustomize', 'edit', 'set', 'image', 'ghcr.io/stefanprodan/podinfo:6.9.0'], { cwd: join(work, 'applications/web/catalog/overlays/beta') }), 'kustomize edit set image');
  ok(await sb.fluxion(['service', 'remove', 'toolbox', '--env', 'beta'], { cwd: work }), 'service remove toolbox --env beta');
  await sb.git(['commit', '--quiet', '-am', 'beta: catalog 6.9.0, no toolbox'], work);
  await sb.git(['push', '--quiet', 'origin', 'main'], work);
  const changed = await sb.git(['rev-parse', 'HEAD'], work);
  // applications depends on infrastructure: reconciled alone, it would wait for the dependency to reach the new revision.
  ok(await sb.fluxion(['reconcile', 'kustomization', 'infrastructure', '--with-source']), 'reconcile kustomization infrastructure --with-source');
  const applied = ok(await sb.fluxion(['reconcile', 'kustomization', 'applications']), 'reconcile kustomization applications');
  assert.ok(applied.stderr.includes(`✔ applied revision main@sha1:${changed}`), applied.stderr);
  const after = kubectlRows(ok(await sb.kubectl(['get', 'deploy', '-n', 'apps', '-o', 'wide']), 'kubectl get deploy -o wide').stdout);
  assert.deepEqual(
    after.slice(1).map((r) => [r[0], r[6]]),
    [
      ['catalog', 'ghcr.io/stefanprodan/podinfo:6.9.0'],
      ['storefront', 'nginxinc/nginx-unprivileged:1.27-alpine'],
    ],
    'the toolbox is pruned, the catalog runs the new tag',
  );
  const cms = ok(await sb.kubectl(['get', 'configmaps', '-n', 'apps', '-l', 'app.kubernetes.io/part-of=tutorial', '-o', 'name']), 'kubectl get configmaps').stdout;
  assert.match(cms, /configmap\/catalog-env-/);
  assert.doesNotMatch(cms, /toolbox-env/, 'the toolbox ConfigMap is pruned too');

  // fluxion uninstall: Flux goes, what it applied stays
  ok(await sb.fluxion(['uninstall', '--silent']), 'uninstall');
  await poll(
    'namespace flux-system and the Flux CRDs to be gone',
    async () => {
      const ns = await sb.kubectl(['get', 'namespace', 'flux-system']);
      const crd = await sb.kubectl(['get', 'crd', 'kustomizations.kustomize.toolkit.fluxcd.io']);
      return /NotFound/.test(ns.stderr) && /NotFound/.test(crd.stderr);
    },
    60_000,
    1000,
  );
  const left = kubectlRows(ok(await sb.kubectl(['get', 'deploy', '-n', 'apps']), 'kubectl get deploy after uninstall').stdout);
  assert.deepEqual(
    left.slice(1).map((r) => r[0]),
    ['catalog', 'storefront'],
  );
});
