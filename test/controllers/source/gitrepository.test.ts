/**
 * GitRepository, tried as a new user would: `fluxion cluster`, a bare repository served by
 * git http-backend with basic auth (and by sshd with a key and known_hosts), the source
 * controller running. Deadlines are generous; each wait polls the API.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync as writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, sshdMissing, startSshd } from '../../git/servers.js';
import { poll } from '../../apiserver/helpers.js';
import { basicAuthSecret, gitRepository, PASSWORD, ready, startSourceEnv, USER, type SourceEnv } from './env.js';

let env: SourceEnv;
before(async () => {
  env = await startSourceEnv();
});
after(async () => {
  await env?.stop();
});

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  return Buffer.from(await res.arrayBuffer());
}

function listTar(buf: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-dl-'));
  try {
    const file = join(dir, 'a.tar.gz');
    writeFileSync(file, buf);
    const r = spawnSync('tar', ['-tzf', file], { encoding: 'utf8' });
    return r.stdout.trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readFromTar(buf: Buffer, path: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-dl-'));
  try {
    const file = join(dir, 'a.tar.gz');
    writeFileSync(file, buf);
    return spawnSync('tar', ['-xzOf', file, path], { encoding: 'utf8' }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


test('an HTTP repository with basic auth becomes an artifact matching the commit', async () => {
  const repo = env.repo('podinfo');
  const hash = repo.commit({ 'deploy/app.yaml': 'kind: ConfigMap\n', 'README.md': '# podinfo\n', 'logo.png': 'png', '.github/workflows/ci.yaml': 'on: push\n' }, 'Initial commit');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('podinfo', { url: `${env.git.url}/podinfo.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  const obj = await env.waitFor('podinfo', 'Ready=True', (o) => ready(o)?.status === 'True');
  const artifact = obj.status!.artifact;
  assert.equal(artifact.revision, `main@sha1:${hash}`);
  assert.equal(artifact.path, `gitrepository/default/podinfo/${hash}.tar.gz`);
  assert.equal(artifact.url, `http://${env.controllers.storageAddress}/gitrepository/default/podinfo/${hash}.tar.gz`);
  const body = await download(artifact.url);
  assert.equal(artifact.digest, `sha256:${createHash('sha256').update(body).digest('hex')}`);
  assert.equal(artifact.size, body.length);
  assert.deepEqual(listTar(body), ['.', 'README.md', 'deploy', 'deploy/app.yaml']);
  assert.equal(readFromTar(body, 'deploy/app.yaml'), 'kind: ConfigMap\n');
  assert.deepEqual(ready(obj), { type: 'Ready', status: 'True', observedGeneration: 1, lastTransitionTime: ready(obj).lastTransitionTime, reason: 'Succeeded', message: `stored artifact for revision 'main@sha1:${hash}'` });
  assert.deepEqual(obj.status!.conditions.map((c: { type: string }) => c.type), ['Ready', 'ArtifactInStorage']);
  assert.equal(obj.status!.observedGeneration, 1);
  assert.deepEqual(obj.metadata.finalizers, ['finalizers.fluxcd.io']);
  const events = await env.events('podinfo');
  const newArtifact = events.find((e) => e.reason === 'NewArtifact');
  assert.equal(newArtifact?.message, "stored artifact for commit 'Initial commit'");
  assert.equal(newArtifact?.type, 'Normal');
  assert.equal(newArtifact?.metadata.annotations?.['source.toolkit.fluxcd.io/revision'], `main@sha1:${hash}`);
});

test('a pushed commit shows up within the interval', async () => {
  const repo = env.repo('interval');
  repo.commit({ 'a.txt': '1\n' }, 'one');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('interval', { interval: '2s', url: `${env.git.url}/interval.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  await env.waitFor('interval', 'Ready=True', (o) => ready(o)?.status === 'True');
  const second = repo.commit({ 'a.txt': '2\n' }, 'two');
  const obj = await env.waitFor('interval', 'the new commit', (o) => o.status?.artifact?.revision === `main@sha1:${second}`);
  assert.equal(readFromTar(await download(obj.status!.artifact.url), 'a.txt'), '2\n');
  // Further commits: artifacts of older revisions are collected, the last two kept.
  const third = repo.commit({ 'a.txt': '3\n' }, 'three');
  await env.waitFor('interval', 'third commit', (o) => o.status?.artifact?.revision === `main@sha1:${third}`);
  const fourth = repo.commit({ 'a.txt': '4\n' }, 'four');
  await env.waitFor('interval', 'fourth commit', (o) => o.status?.artifact?.revision === `main@sha1:${fourth}`);
  const dir = join(env.storage, 'gitrepository/default/interval');
  await env.waitFor('interval', 'garbage collection', () => readdirSync(dir).length <= 2, 20_000);
  assert.ok(readdirSync(dir).includes(`${fourth}.tar.gz`));
});

test('reconcile.fluxcd.io/requestedAt triggers a reconcile at once and is recorded', async () => {
  const repo = env.repo('requested');
  repo.commit({ 'a.txt': '1\n' }, 'one');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('requested', { interval: '1h', url: `${env.git.url}/requested.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  await env.waitFor('requested', 'Ready=True', (o) => ready(o)?.status === 'True');
  const second = repo.commit({ 'a.txt': '2\n' }, 'two');
  const stamp = new Date().toISOString();
  await env.client.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, 'requested', 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } });
  const obj = await env.waitFor('requested', 'the requested reconcile', (o) => o.status?.lastHandledReconcileAt === stamp);
  assert.equal(obj.status!.artifact.revision, `main@sha1:${second}`);
});

test('a semver range picks the highest matching tag', async () => {
  const repo = env.repo('semver');
  repo.commit({ 'v.txt': '1.0.0\n' }, 'release 1.0.0');
  repo.tag('v1.0.0');
  const wanted = repo.commit({ 'v.txt': '1.4.2\n' }, 'release 1.4.2');
  repo.tag('v1.4.2', true);
  repo.commit({ 'v.txt': '1.10.0-rc.1\n' }, 'rc');
  repo.tag('v1.10.0-rc.1');
  repo.commit({ 'v.txt': '2.0.0\n' }, 'release 2.0.0');
  repo.tag('v2.0.0');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('semver', { url: `${env.git.url}/semver.git`, ref: { semver: '>=1.0.0 <2.0.0' }, secretRef: { name: 'git-creds' } }));
  const obj = await env.waitFor('semver', 'Ready=True', (o) => ready(o)?.status === 'True');
  assert.equal(obj.status!.artifact.revision, `v1.4.2@sha1:${wanted}`);
  assert.equal(readFromTar(await download(obj.status!.artifact.url), 'v.txt'), '1.4.2\n');
});

test('wrong credentials give Ready=False with a clear reason and the secret appears nowhere', async () => {
  const repo = env.repo('locked');
  repo.commit({ 'a.txt': '1\n' }, 'one');
  const wrong = 'WrongPassword-0xDEADBEEF';
  await env.apply(basicAuthSecret('bad-creds', USER, wrong));
  await env.apply(gitRepository('locked', { url: `${env.git.url}/locked.git`, ref: { branch: 'main' }, secretRef: { name: 'bad-creds' } }));
  const obj = await env.waitFor('locked', 'Ready=False', (o) => ready(o)?.status === 'False');
  assert.equal(ready(obj).reason, 'AuthenticationFailed');
  assert.match(ready(obj).message, /^failed to checkout and determine revision: unable to clone 'http:\/\/127\.0\.0\.1:\d+\/locked\.git': (remote: authentication required )?Authentication failed for 'http:\/\/127\.0\.0\.1:\d+\/locked\.git\/'$/);
  const fetchFailed = obj.status!.conditions.find((c: { type: string }) => c.type === 'FetchFailed');
  assert.equal(fetchFailed.reason, 'AuthenticationFailed');
  const reconciling = obj.status!.conditions.find((c: { type: string }) => c.type === 'Reconciling');
  assert.equal(reconciling.reason, 'ProgressingWithRetry');
  const warning = await env.waitFor('locked', 'a warning event', () => true).then(() => env.events('locked'));
  assert.ok(warning.some((e) => e.type === 'Warning' && e.reason === 'AuthenticationFailed'), JSON.stringify(warning));
  // Retried with backoff: the object is attempted more than once.
  await new Promise((r) => setTimeout(r, 1500));
  const everything = JSON.stringify(await env.get('locked')) + JSON.stringify(await env.events('locked')) + env.logs.join('');
  assert.ok(!everything.includes(wrong), 'the wrong password leaked');
  assert.ok(!everything.includes(PASSWORD), 'the password leaked');
  assert.ok(!everything.includes(Buffer.from(wrong).toString('base64')), 'the base64 password leaked');
  // Fixing the secret recovers.
  await env.apply(basicAuthSecret('bad-creds'));
  const stamp = `fix-${Date.now()}`;
  await env.client.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, 'locked', 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': stamp } } });
  const fixed = await env.waitFor('locked', 'recovery', (o) => ready(o)?.status === 'True');
  assert.deepEqual(fixed.status!.conditions.map((c: { type: string }) => c.type), ['Ready', 'ArtifactInStorage']);
});

test('a missing secret and an unsupported URL scheme are reported', async () => {
  await env.apply(gitRepository('nosecret', { url: `${env.git.url}/none.git`, secretRef: { name: 'does-not-exist' } }));
  const a = await env.waitFor('nosecret', 'Ready=False', (o) => ready(o)?.status === 'False');
  assert.equal(ready(a).reason, 'AuthenticationFailed');
  assert.equal(ready(a).message, "failed to get secret 'default/does-not-exist': secrets \"does-not-exist\" not found");
});

test('ssh with a deploy key and known_hosts', { skip: sshdMissing() }, async () => {
  const keys = mkdtempSync(join(tmpdir(), 'fluxion-keys-'));
  const key = generateKey(keys, 'deploy');
  const sshd = await startSshd([key.publicKey]);
  try {
    const repo = env.repo('over-ssh');
    const hash = repo.commit({ 'ssh.txt': 'hello over ssh\n' }, 'ssh commit');
    await env.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ssh-creds', namespace: 'default' }, stringData: { identity: key.privateKey, known_hosts: sshd.knownHosts } });
    await env.apply(gitRepository('over-ssh', { url: sshd.urlFor(repo.bare), ref: { branch: 'main' }, secretRef: { name: 'ssh-creds' } }));
    const obj = await env.waitFor('over-ssh', 'Ready=True', (o) => ready(o)?.status === 'True');
    assert.equal(obj.status!.artifact.revision, `main@sha1:${hash}`);
    assert.equal(readFromTar(await download(obj.status!.artifact.url), 'ssh.txt'), 'hello over ssh\n');
    // A known_hosts entry for another key is refused.
    const other = generateKey(keys, 'other');
    await env.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ssh-wrong-host', namespace: 'default' }, stringData: { identity: key.privateKey, known_hosts: `[127.0.0.1]:${sshd.port} ${other.publicKey.split(' ').slice(0, 2).join(' ')}` } });
    await env.apply(gitRepository('ssh-wrong-host', { url: sshd.urlFor(repo.bare), ref: { branch: 'main' }, secretRef: { name: 'ssh-wrong-host' } }));
    const bad = await env.waitFor('ssh-wrong-host', 'Ready=False', (o) => ready(o)?.status === 'False');
    assert.equal(ready(bad).reason, 'AuthenticationFailed');
    assert.match(ready(bad).message, /Host key verification failed/);
    assert.ok(!env.logs.join('').includes(key.privateKey.split('\n')[1]!), 'the private key leaked into logs');
  } finally {
    await sshd.close();
    rmSync(keys, { recursive: true, force: true });
  }
});

test('suspended objects are left alone; deleted ones lose their artifacts', async () => {
  const repo = env.repo('lifecycle');
  repo.commit({ 'a.txt': '1\n' }, 'one');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('lifecycle', { interval: '1s', url: `${env.git.url}/lifecycle.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  const first = await env.waitFor('lifecycle', 'Ready=True', (o) => ready(o)?.status === 'True');
  await env.apply(gitRepository('lifecycle', { interval: '1s', suspend: true, url: `${env.git.url}/lifecycle.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  repo.commit({ 'a.txt': '2\n' }, 'two');
  await new Promise((r) => setTimeout(r, 2500));
  const still = await env.get('lifecycle');
  assert.equal(still.status!.artifact.revision, first.status!.artifact.revision);
  const dir = join(env.storage, 'gitrepository/default/lifecycle');
  assert.ok(existsSync(dir));
  await env.client.delete({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, 'lifecycle');
  await poll('the finalizer to be removed', () => env.get('lifecycle').then(() => false, (e) => (e as { code?: number }).code === 404), 15_000);
  assert.ok(!existsSync(dir), 'the artifacts were removed');
});

test('metrics, health and readiness endpoints answer', async () => {
  const metrics = await (await fetch(`http://${env.controllers.metricsServer!.address}/metrics`)).text();
  assert.match(metrics, /gotk_reconcile_duration_seconds_bucket\{le="0\.01",kind="GitRepository",name="podinfo",namespace="default"\}/);
  assert.match(metrics, /controller_runtime_reconcile_total\{controller="gitrepository",result="requeue_after"\} \d+/);
  assert.equal((await fetch(`http://${env.controllers.healthServer!.address}/healthz`)).status, 200);
  assert.equal((await fetch(`http://${env.controllers.healthServer!.address}/readyz`)).status, 200);
  const line = env.logs.map((l) => JSON.parse(l)).find((l) => l.msg?.startsWith('Reconciliation finished') && l.name === 'podinfo');
  assert.ok(line, 'a reconcile log line');
  assert.deepEqual(Object.keys(line).sort(), ['GitRepository', 'controller', 'controllerGroup', 'controllerKind', 'level', 'msg', 'name', 'namespace', 'reconcileID', 'ts']);
  assert.deepEqual(line.GitRepository, { name: 'podinfo', namespace: 'default' });
  assert.equal(line.controllerGroup, 'source.toolkit.fluxcd.io');
});

test('includes copy another repository’s artifact in; .sourceignore and spec.ignore shape the archive', async () => {
  const lib = env.repo('lib');
  lib.commit({ 'lib/base.yaml': 'kind: Base\n', 'docs/x.md': 'x\n' }, 'lib');
  const app = env.repo('app');
  const appHash = app.commit({ 'app.yaml': 'kind: App\n', 'notes.txt': 'n\n', 'drafts/wip.yaml': 'w\n', '.sourceignore': 'drafts/\n' }, 'app');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('lib', { url: `${env.git.url}/lib.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' } }));
  await env.apply(gitRepository('app', { url: `${env.git.url}/app.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' }, include: [{ repository: { name: 'lib' }, fromPath: 'lib', toPath: 'vendor/lib' }] }));
  const obj = await env.waitFor('app', 'Ready=True', (o) => ready(o)?.status === 'True');
  assert.equal(obj.status!.artifact.revision, `main@sha1:${appHash}`);
  assert.deepEqual(listTar(await download(obj.status!.artifact.url)), ['.', '.sourceignore', 'app.yaml', 'notes.txt', 'vendor', 'vendor/lib', 'vendor/lib/base.yaml']);
  assert.equal(obj.status!.includedArtifacts.length, 1);
  assert.deepEqual(obj.status!.observedInclude, [{ repository: { name: 'lib' }, fromPath: 'lib', toPath: 'vendor/lib' }]);
  // spec.ignore changes the content of the same commit: a new archive, same revision.
  await env.apply(gitRepository('app', { url: `${env.git.url}/app.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' }, ignore: '*.txt\n', include: [{ repository: { name: 'lib' }, fromPath: 'lib', toPath: 'vendor/lib' }] }));
  const ignored = await env.waitFor('app', 'the ignore rule', (o) => o.status?.observedIgnore === '*.txt\n' && ready(o)?.status === 'True');
  // .sourceignore still applies: spec.ignore adds to it.
  assert.deepEqual(listTar(await download(ignored.status!.artifact.url)), ['.', '.sourceignore', 'app.yaml', 'vendor', 'vendor/lib', 'vendor/lib/base.yaml']);
  // A new commit in the included repository rebuilds the including one.
  lib.commit({ 'lib/extra.yaml': 'kind: Extra\n' }, 'more lib');
  await env.client.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'default' }, 'lib', 'merge', { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } } });
  const rebuilt = await env.waitFor('app', 'rebuilt with the new include', (o) => storedEntries(o).includes('vendor/lib/extra.yaml'));
  assert.equal(rebuilt.status!.artifact.revision, `main@sha1:${appHash}`);
});

/** The entries of an object's stored artifact, read from the storage directory. */
function storedEntries(o: { status?: Record<string, any> }): string[] {
  const path = o.status?.artifact?.path;
  if (!path) return [];
  const r = spawnSync('tar', ['-tzf', join(env.storage, path)], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split('\n') : [];
}

test('a sparse checkout archives only the listed directories', async () => {
  const repo = env.repo('mono');
  const hash = repo.commit({ 'apps/a/app.yaml': 'a\n', 'apps/b/app.yaml': 'b\n', 'infra/x.yaml': 'x\n', 'top.yaml': 't\n' }, 'mono');
  await env.apply(basicAuthSecret('git-creds'));
  await env.apply(gitRepository('mono', { url: `${env.git.url}/mono.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' }, sparseCheckout: ['./apps/a', 'infra/'] }));
  const obj = await env.waitFor('mono', 'Ready=True', (o) => ready(o)?.status === 'True');
  assert.equal(obj.status!.artifact.revision, `main@sha1:${hash}`);
  assert.deepEqual(storedEntries(obj), ['.', 'apps', 'apps/a', 'apps/a/app.yaml', 'infra', 'infra/x.yaml']);
  assert.deepEqual(obj.status!.observedSparseCheckout, ['./apps/a', 'infra/']);
  await env.apply(gitRepository('mono-missing', { url: `${env.git.url}/mono.git`, ref: { branch: 'main' }, secretRef: { name: 'git-creds' }, sparseCheckout: ['nope'] }));
  const bad = await env.waitFor('mono-missing', 'Ready=False', (o) => ready(o)?.status === 'False');
  assert.equal(ready(bad).message, "failed to sparse checkout directories : sparse checkout dir 'nope' does not exist in repository");
});
