import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IgnoreMatcher, readPatterns, sourceIgnoreMatcher, matchSegment } from '../../../src/controllers/source/sourceignore.js';

const m = (text: string) => new IgnoreMatcher(readPatterns(text));
const ex = (matcher: IgnoreMatcher, path: string, dir = false) => matcher.excludes(path.split('/'), dir);

test('a name without a slash matches any path component', () => {
  const i = m('node_modules\n*.log\n');
  assert.equal(ex(i, 'node_modules', true), true);
  assert.equal(ex(i, 'a/node_modules/x.js'), true);
  assert.equal(ex(i, 'a/b/debug.log'), true);
  assert.equal(ex(i, 'a/b/debug.txt'), false);
});

test('a pattern with a slash is anchored; ** spans directories', () => {
  const i = m('/deploy/*.yaml\ndocs/**/draft.md\n');
  assert.equal(ex(i, 'deploy/a.yaml'), true);
  assert.equal(ex(i, 'x/deploy/a.yaml'), false);
  assert.equal(ex(i, 'deploy/sub/a.yaml'), false);
  assert.equal(ex(i, 'docs/draft.md'), true);
  assert.equal(ex(i, 'docs/a/b/draft.md'), true);
});

test('the last matching pattern wins, so ! re-includes', () => {
  const i = m('*.yaml\n!keep.yaml\n');
  assert.equal(ex(i, 'drop.yaml'), true);
  assert.equal(ex(i, 'sub/keep.yaml'), false);
});

test('a trailing slash matches directories only', () => {
  const i = m('build/\n');
  assert.equal(ex(i, 'build', true), true);
  assert.equal(ex(i, 'build'), false);
  assert.equal(ex(i, 'build/out.txt'), true);
});

test('comments, blank lines and character classes', () => {
  const i = m('# a comment\n\nfile[0-9].txt\nx[^a].md\n');
  assert.equal(ex(i, 'file3.txt'), true);
  assert.equal(ex(i, 'filea.txt'), false);
  assert.equal(ex(i, 'xb.md'), true);
  assert.equal(ex(i, 'xa.md'), false);
  assert.equal(matchSegment('a?c', 'abc'), true);
  assert.equal(matchSegment('[', '['), false);
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-ignore-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return root;
}

test("Flux's default exclusions apply when no pattern is given", () => {
  const root = tree({ 'a.yaml': '' });
  try {
    const i = sourceIgnoreMatcher(root);
    for (const p of ['.git', '.github', 'logo.png', 'x/chart.tar.gz', '.gitignore', 'cloudbuild.yaml', 'sub/.sops.yaml', '.goreleaser.yml']) {
      assert.equal(i.excludes(p.split('/'), p === '.git' || p === '.github'), true, p);
    }
    assert.equal(i.excludes(['a.yaml'], false), false);
  } finally {
    rmSync(root, { recursive: true });
  }
});

test('.sourceignore files (root and nested) replace the defaults but keep VCS exclusions', () => {
  const root = tree({ '.sourceignore': '*.md\n', 'apps/.sourceignore': 'secret.yaml\n', 'apps/secret.yaml': '', 'secret.yaml': '' });
  try {
    const i = sourceIgnoreMatcher(root);
    assert.equal(i.excludes(['README.md'], false), true);
    assert.equal(i.excludes(['apps', 'secret.yaml'], false), true);
    assert.equal(i.excludes(['secret.yaml'], false), false, 'nested patterns are scoped to their directory');
    assert.equal(i.excludes(['logo.png'], false), false, 'defaults no longer apply');
    assert.equal(i.excludes(['.git'], true), true);
    const withSpec = sourceIgnoreMatcher(root, '!README.md\n');
    assert.equal(withSpec.excludes(['README.md'], false), false, 'spec.ignore comes last and wins');
  } finally {
    rmSync(root, { recursive: true });
  }
});
