/**
 * `npm run tutorial` (scripts/tutorial.mjs), the README's first command: from nothing to a
 * bootstrapped cluster `beta` fed by a local git server; run again, it reuses both; torn down
 * with the commands it prints.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FLUXION_ARGV, kubectlRows, ROOT, run, Sandbox } from './env.js';

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
  // stdout: `fluxion get all -A`, then `kubectl get deploy -A`.
  assert.match(first.stdout, /^NAMESPACE\s+\tNAME\s+\tREVISION\s+\tSUSPENDED\s+\tREADY\s+\tMESSAGE/m);
  assert.match(first.stdout, /^flux-system\s+\tkustomization\/applications\s+\tmain@sha1:[0-9a-f]{8}\s+\tFalse\s+\tTrue\s+\tApplied revision: main@sha1:[0-9a-f]{8}$/m);
  const deploy = kubectlRows(first.stdout.slice(first.stdout.lastIndexOf('NAMESPACE')));
  assert.deepEqual(deploy[0], ['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
  const apps = deploy.filter((r) => r[0] === 'apps').map((r) => `${r[1]} ${r[2]}`);
  assert.deepEqual(apps, ['catalog 1/1', 'storefront 2/2', 'toolbox 1/1']);

  const second = await tutorial();
  assert.equal(second.code, 0, `${second.stderr}\n${second.stdout}`);
  assert.match(second.stderr, /✔ cluster beta is already running/);
  assert.match(second.stderr, /✔ git server default is already running/);
  assert.match(second.stderr, /already holds the example \(main@sha1:[0-9a-f]{8}\)/);
  assert.match(second.stderr, /✔ Kustomization applications is ready/);

  const deleted = await sb.fluxion(['cluster', 'delete', 'beta']);
  assert.equal(deleted.code, 0, deleted.stderr);
  const stopped = await sb.fluxion(['git-server', 'stop']);
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /✔ git server default stopped/);
});
