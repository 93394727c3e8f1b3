import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '../../../src/controllers/source/storage.js';
import { artifactHandler } from '../../../src/controllers/source/artifact-server.js';
import { gitAuthFromSecret } from '../../../src/controllers/source/git-auth.js';
import { ArchiveCache, archiveKey } from '../../../src/controllers/source/artifact-cache.js';
import { untarFile } from '../../../src/controllers/source/untar.js';
import { listen } from '../../../src/runtime/server.js';
import { gzipSync } from 'node:zlib';

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('artifact paths and URLs are laid out as Flux lays them out', () => {
  const s = new Storage({ basePath: '/data', hostname: 'source-controller.flux-system.svc.cluster.local.' });
  const path = s.artifactPath('GitRepository', 'flux-system', 'podinfo', 'abc.tar.gz');
  assert.equal(path, 'gitrepository/flux-system/podinfo/abc.tar.gz');
  assert.equal(s.urlFor(path), 'http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/podinfo/abc.tar.gz');
  assert.equal(s.localPath(path), '/data/gitrepository/flux-system/podinfo/abc.tar.gz');
  assert.throws(() => s.localPath('../etc/passwd'), /outside the storage root/);
});

test('garbage collection keeps the current artifact and the newest others up to the record limit', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fluxion-gc-'));
  try {
    const s = new Storage({ basePath: base, hostname: 'h', retentionRecords: 2, retentionTtlMs: 60_000 });
    const dir = join(base, 'gitrepository/ns/n');
    mkdirSync(dir, { recursive: true });
    const now = Date.now();
    ['a', 'b', 'c', 'd'].forEach((n, i) => {
      writeFileSync(join(dir, `${n}.tar.gz`), n);
      utimesSync(join(dir, `${n}.tar.gz`), (now - 30_000 + i * 1000) / 1000, (now - 30_000 + i * 1000) / 1000);
    });
    const current = { path: 'gitrepository/ns/n/b.tar.gz', url: '', revision: 'r', lastUpdateTime: '' };
    await s.garbageCollect(current, now);
    assert.deepEqual(readdirSync(dir).sort(), ['b.tar.gz', 'd.tar.gz']);
    // Past the TTL everything but the current one goes.
    await s.garbageCollect(current, now + 120_000);
    assert.deepEqual(readdirSync(dir), ['b.tar.gz']);
  } finally {
    rmSync(base, { recursive: true });
  }
});

test('the artifact server serves stored files and nothing else', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fluxion-srv-'));
  mkdirSync(join(base, 'gitrepository/ns/n'), { recursive: true });
  writeFileSync(join(base, 'gitrepository/ns/n/x.tar.gz'), 'archive');
  writeFileSync(join(base, '..', 'secret-outside'), 'no');
  const srv = await listen('127.0.0.1:0', artifactHandler(new Storage({ basePath: base, hostname: 'h' })));
  try {
    const ok = await fetch(`http://${srv.address}/gitrepository/ns/n/x.tar.gz`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'application/gzip');
    assert.equal(await ok.text(), 'archive');
    assert.equal((await fetch(`http://${srv.address}/gitrepository/ns/n/missing.tar.gz`)).status, 404);
    assert.equal((await fetch(`http://${srv.address}/gitrepository/ns/n`)).status, 404);
    assert.equal((await fetch(`http://${srv.address}/..%2Fsecret-outside`)).status, 404);
    assert.equal((await fetch(`http://${srv.address}/gitrepository/ns/n/x.tar.gz`, { method: 'POST' })).status, 405);
  } finally {
    await srv.close();
    rmSync(base, { recursive: true });
    rmSync(join(base, '..', 'secret-outside'), { force: true });
  }
});

test("secrets become git credentials with Flux's keys and checks", () => {
  const https = new URL('https://example.com/org/repo.git');
  assert.deepEqual(gitAuthFromSecret(https, { username: b64('git'), password: b64('pw-1234') }).auth, { kind: 'basic', username: 'git', password: 'pw-1234' });
  assert.deepEqual(gitAuthFromSecret(https, { bearerToken: b64('tok-1234') }).auth, { kind: 'bearer', token: 'tok-1234' });
  assert.deepEqual(gitAuthFromSecret(https, { 'ca.crt': b64('PEM') }).tls, { caCert: 'PEM' });
  assert.deepEqual(gitAuthFromSecret(https, undefined).auth, { kind: 'none' });
  assert.throws(() => gitAuthFromSecret(https, { password: b64('x') }), /invalid 'https' auth option: 'password' requires 'username' to be set/);
  assert.throws(() => gitAuthFromSecret(https, { username: b64('u'), bearerToken: b64('t') }), /'username' and 'bearerToken' cannot be set both/);
  const ssh = new URL('ssh://git@example.com/org/repo.git');
  assert.deepEqual(gitAuthFromSecret(ssh, { identity: b64('KEY'), known_hosts: b64('example.com ssh-ed25519 AAA') }).auth, { kind: 'ssh', identity: 'KEY', knownHosts: 'example.com ssh-ed25519 AAA' });
  assert.throws(() => gitAuthFromSecret(ssh, { identity: b64('KEY') }), /invalid 'ssh' auth option: 'known_hosts' is required/);
  assert.throws(() => gitAuthFromSecret(ssh, undefined), /invalid 'ssh' auth option: 'identity' is required/);
  assert.deepEqual(gitAuthFromSecret(https, { username: b64('git'), password: b64('pw-1234') }).secrets, ['pw-1234']);
});

test('shared archives are hard links that survive the original being collected', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fluxion-cache-'));
  try {
    writeFileSync(join(base, 'a.tar.gz'), 'bytes');
    const cache = new ArchiveCache(2);
    const key = archiveKey('https://x/r.git', 'abc', undefined);
    cache.set(key, { file: join(base, 'a.tar.gz'), digest: 'sha256:1', size: 5 });
    assert.equal(await cache.materialize(key, join(base, 'b.tar.gz')), true);
    rmSync(join(base, 'a.tar.gz'));
    assert.equal(existsSync(join(base, 'b.tar.gz')), true);
    assert.equal(await cache.materialize(key, join(base, 'c.tar.gz')), false, 'a vanished source is a miss');
    assert.equal(cache.get(key), undefined);
    assert.notEqual(archiveKey('u', 'h', ''), archiveKey('u', 'h', undefined));
  } finally {
    rmSync(base, { recursive: true });
  }
});

test('untar refuses paths that leave the target', async () => {
  const base = mkdtempSync(join(tmpdir(), 'fluxion-untar-'));
  try {
    const header = Buffer.alloc(512);
    header.write('../evil.txt', 0);
    header.write('0000600\0', 100);
    header.write('00000000004\0', 124);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const body = Buffer.alloc(512);
    body.write('evil');
    writeFileSync(join(base, 'bad.tar.gz'), gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)])));
    await assert.rejects(untarFile(join(base, 'bad.tar.gz'), join(base, 'out')), /illegal path in archive: '\.\.\/evil\.txt'/);
    assert.equal(existsSync(join(base, 'evil.txt')), false);
  } finally {
    rmSync(base, { recursive: true });
  }
});
