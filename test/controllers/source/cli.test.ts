/** `fluxion controllers` as a user runs it: a process against the current context, stopped by SIGTERM. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { allCrds } from '../../../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../../src/kube/index.js';
import { poll, startCluster, type TestCluster } from '../../apiserver/helpers.js';
import { startGitHttpServer, TestRepo, type GitHttpServer } from '../../git/servers.js';

const root = resolve(import.meta.dirname, '../../..');
let c: TestCluster;
let client: KubeClient;
let git: GitHttpServer;
let gitRoot: string;
let repo: TestRepo;

before(async () => {
  c = await startCluster();
  client = new KubeClient(await loadKubeConfig({ kubeconfig: c.kubeconfig }));
  for (const crd of allCrds()) await client.create(crd as KubeObject);
  gitRoot = mkdtempSync(join(tmpdir(), 'fluxion-cli-git-'));
  repo = TestRepo.create(gitRoot, 'app');
  git = await startGitHttpServer({ root: gitRoot });
});
after(async () => {
  client?.close();
  await git?.close();
  repo?.cleanup();
  await c?.stop();
  rmSync(gitRoot, { recursive: true, force: true });
});

test('fluxion controllers --controllers=source reconciles, serves metrics and stops on SIGTERM', async () => {
  const hash = repo.commit({ 'k.yaml': 'kind: ConfigMap\n' }, 'first');
  const storage = mkdtempSync(join(tmpdir(), 'fluxion-cli-storage-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'controllers', '--controllers=source', '--concurrent=2', `--storage-path=${storage}`, '--storage-addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0'],
    { cwd: root, env: { ...process.env, KUBECONFIG: c.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const started = await poll('the started line', () => stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => String(l.msg).startsWith('controllers started')), 30_000);
    assert.equal(started.level, 'info');
    const metricsAddr = /metrics (\S+?),/.exec(started.msg)![1];
    const healthAddr = /health (\S+?),/.exec(started.msg)![1];
    await client.create({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'app', namespace: 'default' }, spec: { interval: '5m', url: `${git.url}/app.git`, ref: { branch: 'main' } } });
    const obj = await poll('Ready', async () => {
      const o = (await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, 'app')) as KubeObject & { status?: any };
      return o.status?.conditions?.[0]?.status === 'True' ? o : undefined;
    }, 30_000);
    assert.equal(obj.status.artifact.revision, `main@sha1:${hash}`);
    assert.equal((await fetch(obj.status.artifact.url)).status, 200);
    assert.match(await (await fetch(`http://${metricsAddr}/metrics`)).text(), /gotk_reconcile_duration_seconds_count\{kind="GitRepository",name="app",namespace="default"\} [1-9]/);
    assert.equal((await fetch(`http://${healthAddr}/readyz`)).status, 200);
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    rmSync(storage, { recursive: true, force: true });
  }
});

test('unknown controllers and bad flags are refused with a message', async () => {
  // Asynchronous: this process serves the cluster the CLI talks to.
  const run = (...args: string[]) =>
    new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'controllers', ...args], { cwd: root, env: { ...process.env, KUBECONFIG: c.kubeconfig } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => done({ status, stderr }));
    });
  const unknown = await run('--controllers=helm', '--metrics-addr=127.0.0.1:0', '--health-addr=127.0.0.1:0', '--storage-addr=127.0.0.1:0');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /unknown controller 'helm': the controllers are source/);
  const bad = await run('--requeue-dependency=soon');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--requeue-dependency must be a duration such as 30s or 5m, not 'soon'/);
});
