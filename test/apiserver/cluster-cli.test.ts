/**
 * `fluxion cluster start|stop|delete|list` as a user runs them: a detached server, the
 * kubeconfig merge, kubectl against it, kill -9 and a restart on the same --data-dir.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKubectl, uniqueName } from './helpers.js';

const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');

function fluxion(env: NodeJS.ProcessEnv, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

test('cluster start merges a context, serves kubectl, survives kill -9 on its data dir; stop, list and delete', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-cli-'));
  const kubeconfig = join(dir, 'kubeconfig');
  // An existing kubeconfig entry must survive the merge.
  writeFileSync(
    kubeconfig,
    '# my clusters\napiVersion: v1\nkind: Config\nclusters:\n- name: other\n  cluster:\n    server: https://example.invalid\ncontexts:\n- name: other\n  context:\n    cluster: other\n    user: other\nusers:\n- name: other\n  user:\n    token: abc\ncurrent-context: other\n',
  );
  const env = { ...process.env, FLUXION_HOME: join(dir, 'home'), KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  const name = uniqueName('cli');
  const data = join(dir, 'data');
  let pid: number | undefined;
  try {
    const t0 = Date.now();
    const started = await fluxion(env, ['cluster', 'start', name, '--detach', '--data-dir', data]);
    assert.equal(started.code, 0, started.stderr);
    process.stderr.write(`  cluster start --detach returned in ${Date.now() - t0}ms\n`);
    assert.match(started.stderr, new RegExp(`✔ cluster ${name} is ready at https://127\\.0\\.0\\.1:\\d+`));
    const kc = readFileSync(kubeconfig, 'utf8');
    assert.match(kc, /^# my clusters$/m);
    assert.match(kc, /- name: other/);
    assert.match(kc, new RegExp(`^current-context: ${name}$`, 'm'));
    const state = JSON.parse(readFileSync(join(dir, 'home/clusters', name, 'cluster.json'), 'utf8'));
    pid = state.pid;
    const applied = await runKubectl(env, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\ndata:\n  a: "1"\n' });
    assert.equal(applied.code, 0, applied.stderr);
    // 401 without the token.
    const anon = await runKubectl(env, ['get', 'ns', '--token=wrong']);
    assert.equal(anon.code, 1);
    assert.match(anon.stderr, /Unauthorized|must be logged in/);
    const listed = await fluxion(env, ['cluster', 'list']);
    assert.match(listed.stdout, new RegExp(`^${name}\\s+Running\\s+https://127\\.0\\.0\\.1:\\d+\\s+${data}$`, 'm'));
    process.kill(pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const again = await fluxion(env, ['cluster', 'start', name, '--detach']);
    assert.equal(again.code, 0, again.stderr);
    pid = JSON.parse(readFileSync(join(dir, 'home/clusters', name, 'cluster.json'), 'utf8')).pid;
    const got = await runKubectl(env, ['get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}']);
    assert.deepEqual([got.code, got.stdout], [0, '1']);
    const stopped = await fluxion(env, ['cluster', 'stop', name]);
    assert.equal(stopped.code, 0, stopped.stderr);
    pid = undefined;
    assert.match((await fluxion(env, ['cluster', 'list'])).stdout, new RegExp(`^${name}\\s+Stopped`, 'm'));
    const deleted = await fluxion(env, ['cluster', 'delete', name]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const after = readFileSync(kubeconfig, 'utf8');
    assert.doesNotMatch(after, new RegExp(`name: ${name}`));
    assert.match(after, /- name: other/);
  } finally {
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
