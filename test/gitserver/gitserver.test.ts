/**
 * src/gitserver with the real git client: clone, push, auth, repositories created on push; and
 * `fluxion git-server` as a user runs it (detached process, state under $FLUXION_HOME).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { listRepositories, repositoryPath, startGitHttpServer, type GitRequestLog } from '../../src/gitserver/index.js';
import { GIT_ENV, TestRepo } from '../git/servers.js';

const root = resolve(import.meta.dirname, '../..');
const temp: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temp.push(d);
  return d;
};
after(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

/** git as a user runs it, asynchronously: this process serves the requests. */
function gitAsync(args: string[], cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('git', args, { cwd, env: GIT_ENV });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

async function commitAndPush(work: string, url: string, file: string, content: string): Promise<string> {
  writeFileSync(join(work, file), content);
  for (const args of [['add', '-A'], ['commit', '--quiet', '-m', `write ${file}`]]) assert.equal((await gitAsync(args, work)).code, 0);
  const push = await gitAsync(['push', '--quiet', url, 'HEAD:refs/heads/main'], work);
  assert.equal(push.code, 0, push.stderr);
  return (await gitAsync(['rev-parse', 'HEAD'], work)).stdout.trim();
}

test('repository names: plain segments ending in .git, nothing outside the root', () => {
  const r = '/srv/git';
  assert.equal(repositoryPath(r, 'app.git'), '/srv/git/app.git');
  assert.equal(repositoryPath(r, 'team/app.git'), '/srv/git/team/app.git');
  for (const bad of ['app', '../app.git', 'team/../../app.git', '.hidden.git', 'team/.git', '.git', 'a b.git', 'team//app.git']) {
    assert.equal(repositoryPath(r, bad), undefined, bad);
  }
});

test('basic auth: refused without the right credentials, clone and push with them', async () => {
  const dir = tempDir('fluxion-gitserver-');
  const repo = TestRepo.create(dir, 'app');
  const first = repo.commit({ 'a.txt': 'one\n' }, 'first');
  const log: GitRequestLog[] = [];
  const server = await startGitHttpServer({ root: dir, username: 'alice', password: 's3cret:with-colon', onRequest: (r) => log.push(r) });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const host = server.url.slice('http://'.length);
    const anonymous = await gitAsync(['ls-remote', `${server.url}/app.git`]);
    assert.notEqual(anonymous.code, 0);
    const wrong = await gitAsync(['ls-remote', `http://alice:nope@${host}/app.git`]);
    assert.notEqual(wrong.code, 0);
    assert.ok(server.stats.unauthorized >= 2);
    const work = join(dir, 'clone');
    const url = `http://alice:${encodeURIComponent('s3cret:with-colon')}@${host}/app.git`;
    const clone = await gitAsync(['clone', '--quiet', url, work]);
    assert.equal(clone.code, 0, clone.stderr);
    assert.equal((await gitAsync(['rev-parse', 'HEAD'], work)).stdout.trim(), first);
    const second = await commitAndPush(work, url, 'b.txt', 'two\n');
    assert.equal(spawnSync('git', ['rev-parse', 'main'], { cwd: repo.bare, env: GIT_ENV, encoding: 'utf8' }).stdout.trim(), second);
    assert.ok(log.some((r) => r.method === 'POST' && r.path === '/app.git/git-receive-pack' && r.status === 200 && r.user === 'alice'));
    assert.ok(log.some((r) => r.status === 401 && r.user === '-'));
    assert.ok(!JSON.stringify(log).includes('s3cret'), 'no credentials in the request log');
  } finally {
    await server.close();
    repo.cleanup();
  }
});

test('bearer token auth', async () => {
  const dir = tempDir('fluxion-gitserver-');
  const repo = TestRepo.create(dir, 'app');
  const hash = repo.commit({ 'a.txt': 'one\n' }, 'first');
  const server = await startGitHttpServer({ root: dir, bearerToken: 'tok-123' });
  try {
    assert.notEqual((await gitAsync(['ls-remote', `${server.url}/app.git`])).code, 0);
    const ok = await gitAsync(['-c', 'http.extraHeader=Authorization: Bearer tok-123', 'ls-remote', `${server.url}/app.git`, 'main']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.split('\t')[0], hash);
  } finally {
    await server.close();
    repo.cleanup();
  }
});

test('a push to a missing repository creates it only when asked; fetching by commit works', async () => {
  const dir = tempDir('fluxion-gitserver-');
  const work = join(dir, 'work');
  assert.equal((await gitAsync(['init', '--quiet', '-b', 'main', work])).code, 0);
  const plain = await startGitHttpServer({ root: join(dir, 'plain') });
  try {
    writeFileSync(join(work, 'x'), 'x\n');
    await gitAsync(['add', '-A'], work);
    await gitAsync(['commit', '--quiet', '-m', 'x'], work);
    const refused = await gitAsync(['push', '--quiet', `${plain.url}/new.git`, 'HEAD:refs/heads/main'], work);
    assert.notEqual(refused.code, 0);
  } finally {
    await plain.close();
  }
  const reposRoot = join(dir, 'repos');
  const server = await startGitHttpServer({ root: reposRoot, createOnPush: true });
  try {
    const hash = await commitAndPush(work, `${server.url}/team/new.git`, 'y', 'y\n');
    assert.deepEqual(listRepositories(reposRoot), ['team/new.git']);
    assert.equal(readFileSync(join(reposRoot, 'team/new.git/HEAD'), 'utf8').trim(), 'ref: refs/heads/main');
    const escape = await gitAsync(['push', '--quiet', `${server.url}/..%2Fescape.git`, 'HEAD:refs/heads/main'], work);
    assert.notEqual(escape.code, 0);
    assert.equal(existsSync(join(dir, 'escape.git')), false);
    // Fetch by hash, as a GitRepository with ref.commit does (protocol v0 needs the server's consent).
    const other = join(dir, 'other');
    await gitAsync(['init', '--quiet', other]);
    const fetch = await gitAsync(['-c', 'protocol.version=0', 'fetch', '--quiet', '--depth=1', `${server.url}/team/new.git`, hash], other);
    assert.equal(fetch.code, 0, fetch.stderr);
    const missing = await gitAsync(['ls-remote', `${server.url}/absent.git`]);
    assert.notEqual(missing.code, 0);
    assert.deepEqual(listRepositories(reposRoot), ['team/new.git'], 'reading a missing repository creates nothing');
  } finally {
    await server.close();
  }
});

test('the listen address is refused with a clear error when the port is taken', async () => {
  const dir = tempDir('fluxion-gitserver-');
  const a = await startGitHttpServer({ root: dir });
  try {
    await assert.rejects(startGitHttpServer({ root: dir, port: a.port }), /EADDRINUSE/);
  } finally {
    await a.close();
  }
});

// ---- the CLI verb --------------------------------------------------------------------------

function fluxion(home: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, env: { ...process.env, FLUXION_HOME: home, ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** Exited (a zombie counts: nothing may reap orphans in a container). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] === 'Z';
  } catch {
    return true;
  }
}

test('fluxion git-server start --detach, reuse, list, stop, restart on the same port, delete', async () => {
  const home = tempDir('fluxion-home-');
  const started = await fluxion(home, ['git-server', 'start', '--detach']);
  assert.equal(started.code, 0, started.stderr);
  const url = started.stdout.trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(started.stderr, /✔ git server default is ready at http:\/\/127\.0\.0\.1:\d+ \(pid \d+/);
  const state = JSON.parse(readFileSync(join(home, 'git-servers/default/server.json'), 'utf8'));
  try {
    const again = await fluxion(home, ['git-server', 'start', '--detach']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), url);
    assert.match(again.stderr, /already running/);
    const conflict = await fluxion(home, ['git-server', 'start', '--username', 'bob', '--password', 'pw']);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /✗ git server default is already running at .* and it asks no credentials; stop it first: fluxion git-server stop default/);

    // A push creates the repository; list shows it.
    const work = tempDir('fluxion-work-');
    await gitAsync(['init', '--quiet', '-b', 'main', work]);
    const hash = await commitAndPush(work, `${url}/tutorial.git`, 'README', 'hello\n');
    const listed = await fluxion(home, ['git-server', 'list']);
    assert.equal(listed.code, 0, listed.stderr);
    const [header, row] = listed.stdout.trimEnd().split('\n').map((l) => l.replace(/\t\s*$/, '').split('\t').map((c) => c.trim()));
    assert.deepEqual(header, ['NAME', 'STATUS', 'URL', 'AUTH', 'DIRECTORY', 'REPOSITORIES']);
    assert.deepEqual(row, ['default', 'Running', url, 'none', join(home, 'git-servers/default/repositories'), 'tutorial.git']);

    const stopped = await fluxion(home, ['git-server', 'stop']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /✔ git server default stopped/);
    assert.ok(gone(state.pid), `pid ${state.pid} still runs`);
    assert.equal(JSON.parse(readFileSync(join(home, 'git-servers/default/server.json'), 'utf8')).pid, undefined);
    assert.notEqual((await gitAsync(['ls-remote', `${url}/tutorial.git`])).code, 0);

    // Restarted, it comes back on the same port with the same repositories.
    const restarted = await fluxion(home, ['git-server', 'start', '--detach']);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.equal(restarted.stdout.trim(), url);
    const remote = await gitAsync(['ls-remote', `${url}/tutorial.git`, 'main']);
    assert.equal(remote.stdout.split('\t')[0], hash);
  } finally {
    const deleted = await fluxion(home, ['git-server', 'delete']);
    assert.equal(deleted.code, 0, deleted.stderr);
  }
  assert.equal(existsSync(join(home, 'git-servers/default')), false);
  assert.notEqual((await gitAsync(['ls-remote', `${url}/tutorial.git`])).code, 0);
});

test('fluxion git-server with basic auth: the password reaches the detached server, not its command line', async () => {
  const home = tempDir('fluxion-home-');
  const dir = tempDir('fluxion-repos-');
  const started = await fluxion(home, ['git-server', 'start', 'private', '--detach', '--dir', dir, '--username', 'carol'], { FLUXION_GIT_SERVER_PASSWORD: 'pa55word' });
  assert.equal(started.code, 0, started.stderr);
  const url = started.stdout.trim();
  try {
    const pid = JSON.parse(readFileSync(join(home, 'git-servers/private/server.json'), 'utf8')).pid as number;
    assert.ok(!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pa55word'));
    assert.ok(!readFileSync(join(home, 'git-servers/private/server.json'), 'utf8').includes('pa55word'));
    const work = tempDir('fluxion-work-');
    await gitAsync(['init', '--quiet', '-b', 'main', work]);
    writeFileSync(join(work, 'f'), 'f\n');
    await gitAsync(['add', '-A'], work);
    await gitAsync(['commit', '--quiet', '-m', 'f'], work);
    assert.notEqual((await gitAsync(['push', '--quiet', `${url}/r.git`, 'HEAD:refs/heads/main'], work)).code, 0);
    const host = url.slice('http://'.length);
    const pushed = await gitAsync(['push', '--quiet', `http://carol:pa55word@${host}/r.git`, 'HEAD:refs/heads/main'], work);
    assert.equal(pushed.code, 0, pushed.stderr);
    const listed = await fluxion(home, ['git-server', 'list']);
    assert.match(listed.stdout, /private\s*\tRunning\s*\thttp:\/\/127\.0\.0\.1:\d+\s*\tbasic \(carol\)\s*\t.*\tr\.git\s*\n/);
  } finally {
    const deleted = await fluxion(home, ['git-server', 'delete', 'private']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /its repositories in .* are kept/);
  }
  assert.deepEqual(listRepositories(dir), ['r.git'], 'a --dir outside $FLUXION_HOME survives delete');
});

test('fluxion git-server refuses bad input with the flag named', async () => {
  const home = tempDir('fluxion-home-');
  const cases: [string[], RegExp][] = [
    [['git-server', 'start', '--port', 'http'], /✗ --port must be a port number, not 'http'/],
    [['git-server', 'start', '--username', 'x'], /✗ --username needs --password/],
    [['git-server', 'start', 'Bad_Name'], /✗ invalid git server name 'Bad_Name'/],
    [['git-server', 'stop', 'absent'], /✗ git server absent not found in /],
  ];
  for (const [args, message] of cases) {
    const r = await fluxion(home, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, message);
  }
});
