// Remote resources: an http(s) file served by a local server (in a child process, because the
// build fetches synchronously) and a git base cloned with the git CLI from a local repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { build } from '../../src/kustomize/index.js';
import { parseRepoUrl, remoteFetcher } from '../../src/kustomize/remote-fetch.js';

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/cm.yaml') { res.end('apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: remote\\ndata:\\n  from: http\\n'); return; }
  if (req.url === '/big.yaml') { res.end('# ' + 'x'.repeat(4096) + '\\n'); return; }
  if (req.url === '/slow.yaml') { return; }
  res.statusCode = 404; res.end('not found');
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

async function startServer(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [data] = (await once(child.stdout!, 'data')) as [Buffer];
  return { port: Number(data.toString().trim()), child };
}

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-remote-test-'));
  for (const [p, c] of Object.entries(files)) writeFileSync(join(root, p), c);
  return root;
}

test('fetches an http resource, and refuses one past the size limit or the timeout', async () => {
  const { port, child } = await startServer();
  const root = dir({ 'kustomization.yaml': `resources:\n- http://127.0.0.1:${port}/cm.yaml\n` });
  const big = dir({ 'kustomization.yaml': `resources:\n- http://127.0.0.1:${port}/big.yaml\n` });
  const slow = dir({ 'kustomization.yaml': `resources:\n- http://127.0.0.1:${port}/slow.yaml\n` });
  const missing = dir({ 'kustomization.yaml': `resources:\n- http://127.0.0.1:${port}/missing.yaml\n` });
  try {
    const fetcher = remoteFetcher({ timeoutMs: 1500, maxBytes: 1024 });
    const objs = build(root, { remote: fetcher }).objects;
    assert.deepEqual(objs, [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'remote' }, data: { from: 'http' } }]);
    assert.throws(() => build(big, { remote: fetcher }), /larger than 1024 bytes/);
    assert.throws(() => build(slow, { remote: fetcher }), /big|slow|abort|timed? ?out|ETIMEDOUT/i);
    assert.throws(() => build(missing, { remote: fetcher }), /HTTP Error: status code 404/);
  } finally {
    child.kill();
    for (const d of [root, big, slow, missing]) rmSync(d, { recursive: true, force: true });
  }
});

test('clones a git base at a ref and builds the path inside it', () => {
  const work = mkdtempSync(join(tmpdir(), 'fluxion-remote-git-'));
  try {
    const src = join(work, 'src');
    mkdirSync(join(src, 'app'), { recursive: true });
    writeFileSync(join(src, 'app/kustomization.yaml'), 'resources:\n- cm.yaml\nnamePrefix: git-\n');
    writeFileSync(join(src, 'app/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: src, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'base');
    git('tag', 'v1');
    execFileSync('git', ['clone', '-q', '--bare', src, join(work, 'repo.git')]);
    const overlay = join(work, 'overlay');
    mkdirSync(overlay);
    writeFileSync(join(overlay, 'kustomization.yaml'), `resources:\n- file://${join(work, 'repo.git')}//app?ref=v1\n`);
    const fetcher = remoteFetcher({ timeoutMs: 30_000 });
    try {
      const objs = build(overlay, { remote: fetcher }).objects;
      assert.deepEqual(objs.map((o) => (o.metadata as { name: string }).name), ['git-base']);
    } finally {
      fetcher.cleanup();
    }
    assert.throws(() => build(overlay), /remote resource .* refused/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('splits kustomize remote base URLs', () => {
  assert.deepEqual(parseRepoUrl('https://github.com/org/repo//deploy/base?ref=v1.2.0'), { cloneUrl: 'https://github.com/org/repo', subPath: 'deploy/base', ref: 'v1.2.0' });
  assert.deepEqual(parseRepoUrl('github.com/org/repo/deploy?ref=main'), { cloneUrl: 'https://github.com/org/repo', subPath: 'deploy', ref: 'main' });
  assert.deepEqual(parseRepoUrl('ssh://git@example.com/org/repo.git/sub'), { cloneUrl: 'ssh://git@example.com/org/repo.git', subPath: 'sub', ref: undefined });
});
