import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { archiveDirectory, fileDigest } from '../../../src/controllers/source/archive.js';
import { sourceIgnoreMatcher } from '../../../src/controllers/source/sourceignore.js';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-archive-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

const FILES = { 'b.yaml': 'kind: B\n', 'a/run.sh': '#!/bin/sh\n', 'a/z.txt': 'z', '.git/HEAD': 'ref\n', 'logo.png': 'png' };

test('archives regular files and directories with Flux modes, zero owners and times', async () => {
  const root = tree(FILES);
  chmodSync(join(root, 'a/run.sh'), 0o755);
  symlinkSync('b.yaml', join(root, 'link.yaml'));
  symlinkSync('/etc/hostname', join(root, 'outside'));
  const out = mkdtempSync(join(tmpdir(), 'fluxion-out-'));
  try {
    const file = join(out, 'x.tar.gz');
    const r = await archiveDirectory(root, file, sourceIgnoreMatcher(root));
    assert.equal(r.digest, await fileDigest(file));
    const list = spawnSync('tar', ['--numeric-owner', '--full-time', '-tvzf', file], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const lines = list.stdout.trim().split('\n').map((l) => l.replace(/\s+/g, ' '));
    assert.deepEqual(lines, [
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 .',
      'drwxr-x--- 0/0 0 1970-01-01 00:00:00 a',
      '-rwx------ 0/0 10 1970-01-01 00:00:00 a/run.sh',
      '-rw------- 0/0 1 1970-01-01 00:00:00 a/z.txt',
      '-rw------- 0/0 8 1970-01-01 00:00:00 b.yaml',
      '-rw------- 0/0 8 1970-01-01 00:00:00 link.yaml',
    ]);
    const cat = spawnSync('tar', ['-xzOf', file, 'link.yaml'], { encoding: 'utf8' });
    assert.equal(cat.stdout, 'kind: B\n');
  } finally {
    rmSync(root, { recursive: true });
    rmSync(out, { recursive: true });
  }
});

test('the digest depends only on content', async () => {
  const one = tree(FILES);
  const two = tree(Object.fromEntries(Object.entries(FILES).reverse()));
  utimesSync(join(two, 'b.yaml'), 1000, 1000);
  chmodSync(join(two, 'a/z.txt'), 0o644);
  const out = mkdtempSync(join(tmpdir(), 'fluxion-out-'));
  try {
    const a = await archiveDirectory(one, join(out, 'a.tar.gz'), sourceIgnoreMatcher(one));
    const b = await archiveDirectory(two, join(out, 'b.tar.gz'), sourceIgnoreMatcher(two));
    assert.equal(a.digest, b.digest);
    writeFileSync(join(two, 'b.yaml'), 'kind: C\n');
    const c = await archiveDirectory(two, join(out, 'c.tar.gz'), sourceIgnoreMatcher(two));
    assert.notEqual(c.digest, a.digest);
  } finally {
    for (const d of [one, two, out]) rmSync(d, { recursive: true });
  }
});

test('long paths survive the round trip through tar', async () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}/${'g'.repeat(90)}.yaml`;
  const longer = `${'h'.repeat(200)}/${'i'.repeat(120)}.yaml`;
  const root = tree({ [long]: 'x', [longer]: 'y' });
  const out = mkdtempSync(join(tmpdir(), 'fluxion-out-'));
  try {
    await archiveDirectory(root, join(out, 'l.tar.gz'));
    const list = spawnSync('tar', ['-tzf', join(out, 'l.tar.gz')], { encoding: 'utf8' });
    assert.ok(list.stdout.split('\n').includes(long), list.stdout);
    assert.ok(list.stdout.split('\n').includes(longer), list.stdout);
  } finally {
    rmSync(root, { recursive: true });
    rmSync(out, { recursive: true });
  }
});
