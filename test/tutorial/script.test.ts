/**
 * `npm run tutorial` (scripts/tutorial.mjs), the README's first command: from nothing to a
 * bootstrapped cluster `beta` fed by a local git server; run again, it reuses both; stopped,
 * it starts them again; torn down with the commands it prints.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleFile, FLUXION_ARGV, kubectlRows, ROOT, run, Sandbox, tableRows } from './env.js';

const sb = new Sandbox();
const env = { ...sb.env, FLUXION_TUTORIAL_CLI: JSON.stringify(FLUXION_ARGV) };
const tutorial = () => run(process.execPath, [join(ROOT, 'scripts/tutorial.mjs')], { env, timeoutMs: 10 * 60_000 });

after(async () => {
  await sb.fluxion(['cluster', 'delete', 'beta']);
  await sb.fluxion(['git-server', 'delete']);
  sb.cleanup();
});

test('npm run tutorial: cluster, git server, bootstrap, everything Ready; a rerun reuses them', { timeout: 20 * 60_000 }, async () => {
  const first = await tutorial();
  assert.equal(first.code, 0, `${first.stderr}\n${first.stdout}`);
  const lines = first.stderr.split('\n');
  for (const expected of [
    /^► starting the local cluster beta$/,
    /^✔ cluster beta is ready at https:\/\/127\.0\.0\.1:\d+/,
    /^► starting the local git server$/,
    /^✔ git server default is ready at http:\/\/127\.0\.0\.1:\d+/,
    /^✔ pushed main@sha1:[0-9a-f]{8}$/,
    /^✔ prerequisites checks passed$/,
    /^◎ waiting for the Kustomizations flux-system, infrastructure, applications$/,
    /^✔ Kustomization infrastructure is ready: Applied revision: main@sha1:[0-9a-f]{40}$/,
    /^✔ Kustomization applications is ready: Applied revision: main@sha1:[0-9a-f]{40}$/,
    /^ {2}npx fluxion cluster delete beta$/,
  ]) {
    assert.ok(lines.some((l) => expected.test(l)), `no line ${expected} in:\n${first.stderr}`);
  }
  // stdout: `fluxion get all -A` (a table per kind), then `kubectl get deploy -A`.
  const fluxTables = tableRows(first.stdout.slice(0, first.stdout.lastIndexOf('NAMESPACE')));
  assert.deepEqual(fluxTables[0], ['NAMESPACE', 'NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE']);
  const byName = new Map(fluxTables.filter((r) => r[0] === 'flux-system').map((r) => [r[1], r]));
  for (const name of ['gitrepository/flux-system', 'gitrepository/tutorial', 'kustomization/flux-system', 'kustomization/infrastructure', 'kustomization/applications']) {
    assert.equal(byName.get(name)?.[4], 'True', `${name} Ready in:\n${first.stdout}`);
  }
  assert.match(byName.get('kustomization/applications')![5]!, /^Applied revision: main@sha1:[0-9a-f]{8}$/);
  const deploy = kubectlRows(first.stdout.slice(first.stdout.lastIndexOf('NAMESPACE')));
  assert.deepEqual(deploy[0], ['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  const apps = deploy.filter((r) => r[0] === 'apps').map((r) => `${r[1]} ${r[2]}`);
  assert.deepEqual(apps, ['catalog 1/1', 'storefront 2/2', 'toolbox 1/1']);

  // The repository holds the example, the source pointing at the server, and the bootstrap's files.
  const serverUrl = /✔ git server default is ready at (\S+)/.exec(first.stderr)![1]!;
  sb.gitCredentials = { username: 'tutorial', password: 'gitops-tutorial' };
  const clone = join(sb.dir, 'clone');
  await sb.git(['clone', '--quiet', `${serverUrl}/tutorial.git`, clone], sb.dir);
  for (const path of ['clusters/beta/source.yaml', 'clusters/beta/infrastructure.yaml', 'config/beta/kustomization.yaml', 'infrastructure/limits.yaml']) {
    assert.equal(readFileSync(join(clone, path), 'utf8'), exampleFile(path, `${serverUrl}/tutorial.git`), path);
  }
  assert.ok(existsSync(join(clone, 'clusters/beta/flux-system/gotk-sync.yaml')));

  const second = await tutorial();
  assert.equal(second.code, 0, `${second.stderr}\n${second.stdout}`);
  assert.match(second.stderr, /✔ cluster beta is already running/);
  assert.match(second.stderr, /✔ git server default is already running/);
  assert.match(second.stderr, /already holds the example \(main@sha1:[0-9a-f]{8}\)/);
  assert.match(second.stderr, /✔ Kustomization applications is ready/);

  // Stopped (a reboot, say), both start again: the cluster empty, bootstrapped anew from the kept repository.
  assert.equal((await sb.fluxion(['cluster', 'stop', 'beta'])).code, 0);
  assert.equal((await sb.fluxion(['git-server', 'stop'])).code, 0);
  const third = await tutorial();
  assert.equal(third.code, 0, `${third.stderr}\n${third.stdout}`);
  assert.match(third.stderr, /✔ cluster beta is ready at/);
  assert.ok(third.stderr.includes(`✔ git server default is ready at ${serverUrl} `), `the git server keeps its address:\n${third.stderr}`);
  assert.match(third.stderr, /already holds the example/);
  assert.match(third.stderr, /✔ Kustomization applications is ready/);
  assert.deepEqual(
    kubectlRows(third.stdout.slice(third.stdout.lastIndexOf('NAMESPACE')))
      .filter((r) => r[0] === 'apps')
      .map((r) => `${r[1]} ${r[2]}`),
    ['catalog 1/1', 'storefront 2/2', 'toolbox 1/1'],
  );

  const deleted = await sb.fluxion(['cluster', 'delete', 'beta']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const stopped = await sb.fluxion(['git-server', 'stop']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /✔ git server default stopped/);
});
