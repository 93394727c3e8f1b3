/**
 * src/git against real servers: git http-backend behind basic and bearer auth, sshd on
 * loopback with a key and known_hosts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkout, lsRemote, revisionOf, absoluteRevisionOf, shortMessage, GitError } from '../../src/git/index.js';
import { generateKey, git, sshdMissing, startGitHttpServer, startSshd, TestRepo, type GitHttpServer, type SshServer } from './servers.js';

const PASSWORD = 's3cr3t-pa55word';
let root: string;
let http: GitHttpServer;
let bearer: GitHttpServer;
let repo: TestRepo;
let first: string;
let second: string;
let scratch: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'fluxion-git-'));
  scratch = mkdtempSync(join(tmpdir(), 'fluxion-checkout-'));
  repo = TestRepo.create(join(root, 'repos'), 'app');
  first = repo.commit({ 'README.md': 'hello\n', 'deploy/app.yaml': 'kind: ConfigMap\n' }, 'Initial commit');
  repo.tag('v1.0.0');
  second = repo.commit({ 'deploy/app.yaml': 'kind: Secret\n' }, 'Second commit with a subject line that is longer than fifty characters');
  repo.tag('v1.1.0', true);
  repo.tag('v2.0.0-rc.1');
  repo.commit({ 'feature.txt': 'x\n' }, 'Feature', 'feature');
  git(['push', '--quiet', 'origin', `${second}:refs/pull/7/head`], repo.work);
  http = await startGitHttpServer({ root: join(root, 'repos'), username: 'git', password: PASSWORD });
  bearer = await startGitHttpServer({ root: join(root, 'repos'), bearerToken: 'tok-123456' });
});

after(async () => {
  await http?.close();
  await bearer?.close();
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

let n = 0;
const dir = () => join(scratch, `c${++n}`);
const basic = { kind: 'basic' as const, username: 'git', password: PASSWORD };

test('clones a branch over HTTP with basic auth', async () => {
  const d = dir();
  const r = await checkout(`${http.url}/app.git`, d, { ref: { branch: 'main' }, auth: basic });
  assert.equal(r.concrete, true);
  assert.equal(r.commit.hash, second);
  assert.equal(revisionOf(r.commit), `main@sha1:${second}`);
  assert.equal(shortMessage(r.commit), 'Second commit with a subject line that is longer t...');
  assert.equal(readFileSync(join(d, 'deploy/app.yaml'), 'utf8'), 'kind: Secret\n');
});

test('the default branch is master', async () => {
  await assert.rejects(checkout(`${http.url}/app.git`, dir(), { auth: basic }), (e: Error) => {
    assert.ok(e instanceof GitError);
    assert.match(e.message, /^unable to clone 'http:\/\/127\.0\.0\.1:\d+\/app\.git': Remote branch master not found in upstream origin$/);
    return true;
  });
});

test('wrong credentials fail without showing the password', async () => {
  await assert.rejects(checkout(`${http.url}/app.git`, dir(), { ref: { branch: 'main' }, auth: { kind: 'basic', username: 'git', password: 'wrong-password' } }), (e: Error) => {
    assert.match(e.message, /Authentication failed/);
    assert.doesNotMatch(e.message, /wrong-password/);
    return true;
  });
  await assert.rejects(checkout(`${http.url}/app.git`, dir(), { ref: { branch: 'main' } }), /could not read Username/);
});

test('tags, annotated tags, semver ranges, ref names and commits', async () => {
  const url = `${http.url}/app.git`;
  const tag = await checkout(url, dir(), { ref: { tag: 'v1.0.0' }, auth: basic });
  assert.equal(revisionOf(tag.commit), `v1.0.0@sha1:${first}`);
  const annotated = await checkout(url, dir(), { ref: { tag: 'v1.1.0' }, auth: basic });
  assert.equal(revisionOf(annotated.commit), `v1.1.0@sha1:${second}`);
  const range = await checkout(url, dir(), { ref: { semver: '>=1.0.0 <2.0.0' }, auth: basic });
  assert.equal(revisionOf(range.commit), `v1.1.0@sha1:${second}`);
  const pre = await checkout(url, dir(), { ref: { semver: '>=2.0.0-0' }, auth: basic });
  assert.equal(revisionOf(pre.commit), `v2.0.0-rc.1@sha1:${second}`);
  await assert.rejects(checkout(url, dir(), { ref: { semver: '>=5.0.0' }, auth: basic }), /^Error: no match found for semver: >=5.0.0$|no match found for semver: >=5.0.0/);
  const named = await checkout(url, dir(), { ref: { name: 'refs/pull/7/head' }, auth: basic });
  assert.equal(absoluteRevisionOf(named.commit), `refs/pull/7/head@sha1:${second}`);
  const d = dir();
  const commit = await checkout(url, d, { ref: { commit: first }, auth: basic });
  assert.equal(revisionOf(commit.commit), `sha1:${first}`);
  assert.equal(readFileSync(join(d, 'deploy/app.yaml'), 'utf8'), 'kind: ConfigMap\n');
  const onBranch = await checkout(url, dir(), { ref: { branch: 'main', commit: first }, auth: basic });
  assert.equal(revisionOf(onBranch.commit), `main@sha1:${first}`);
});

test('an unchanged remote is not cloned again', async () => {
  const d = dir();
  const r = await checkout(`${http.url}/app.git`, d, { ref: { branch: 'main' }, auth: basic, lastObservedRevision: `main@sha1:${second}` });
  assert.deepEqual(r, { commit: { hash: second, reference: 'refs/heads/main' }, concrete: false });
  assert.equal(existsSync(d), false);
  const moved = await checkout(`${http.url}/app.git`, dir(), { ref: { branch: 'main' }, auth: basic, lastObservedRevision: `main@sha1:${first}` });
  assert.equal(moved.concrete, true);
});

test('bearer tokens go in a header from a private config file', async () => {
  const r = await checkout(`${bearer.url}/app.git`, dir(), { ref: { branch: 'feature' }, auth: { kind: 'bearer', token: 'tok-123456' } });
  assert.equal(r.commit.reference, 'refs/heads/feature');
  await assert.rejects(checkout(`${bearer.url}/app.git`, dir(), { ref: { branch: 'main' }, auth: { kind: 'bearer', token: 'tok-wrong1' } }), (e: Error) => !e.message.includes('tok-wrong1'));
});

test('ls-remote lists refs with annotated tags peeled', async () => {
  const refs = await lsRemote(`${http.url}/app.git`, [], { auth: basic });
  assert.equal(refs.get('refs/heads/main'), second);
  assert.equal(refs.get('refs/tags/v1.1.0'), second);
  assert.equal(refs.get('refs/tags/v1.0.0'), first);
  assert.equal(refs.get('refs/pull/7/head'), second);
});

test('a server that never answers hits the timeout', async () => {
  const hang: Server = createServer(() => {});
  await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
  const port = (hang.address() as { port: number }).port;
  const t0 = Date.now();
  await assert.rejects(checkout(`http://127.0.0.1:${port}/x.git`, dir(), { ref: { branch: 'main' }, timeoutMs: 500 }), /timed out after 0\.5s/);
  assert.ok(Date.now() - t0 < 5000);
  hang.closeAllConnections();
  hang.close();
});

test('credential files are removed after each operation', async () => {
  const before = readdirSync(tmpdir()).filter((f) => f.startsWith('fluxion-git-cred-'));
  await checkout(`${http.url}/app.git`, dir(), { ref: { branch: 'main' }, auth: basic });
  const afterOp = readdirSync(tmpdir()).filter((f) => f.startsWith('fluxion-git-cred-'));
  assert.deepEqual(afterOp, before);
});

test('ssh with a key and known_hosts', { skip: sshdMissing() }, async () => {
  const keys = mkdtempSync(join(tmpdir(), 'fluxion-keys-'));
  const client = generateKey(keys, 'client');
  const locked = generateKey(keys, 'locked', 'key-passphrase');
  let sshd: SshServer | undefined;
  try {
    sshd = await startSshd([client.publicKey, locked.publicKey]);
    const url = sshd.urlFor(repo.bare);
    const d = dir();
    const r = await checkout(url, d, { ref: { branch: 'main' }, auth: { kind: 'ssh', identity: client.privateKey, knownHosts: sshd.knownHosts } });
    assert.equal(revisionOf(r.commit), `main@sha1:${second}`);
    assert.equal(statSync(join(d, 'README.md')).isFile(), true);
    const withPass = await checkout(url, dir(), { ref: { tag: 'v1.0.0' }, auth: { kind: 'ssh', identity: locked.privateKey, knownHosts: sshd.knownHosts, password: 'key-passphrase' } });
    assert.equal(withPass.commit.hash, first);
    const other = generateKey(keys, 'other-host');
    const wrongHost = `[127.0.0.1]:${sshd.port} ${other.publicKey.split(' ').slice(0, 2).join(' ')}`;
    await assert.rejects(checkout(url, dir(), { ref: { branch: 'main' }, auth: { kind: 'ssh', identity: client.privateKey, knownHosts: wrongHost } }), /Host key verification failed/);
    const stranger = generateKey(keys, 'stranger');
    await assert.rejects(checkout(url, dir(), { ref: { branch: 'main' }, auth: { kind: 'ssh', identity: stranger.privateKey, knownHosts: sshd.knownHosts } }), /Permission denied/);
  } finally {
    await sshd?.close();
    rmSync(keys, { recursive: true, force: true });
  }
});
