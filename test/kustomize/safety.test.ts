// Bad input gets a clear error naming the file or field; paths stay inside the root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, buildYaml } from '../../src/kustomize/index.js';

function tree(files: Record<string, string>): { root: string; done: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-safety-'));
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), c);
  }
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n';

test('refuses a file outside the root unless the load restrictor is none', () => {
  const t = tree({ 'app/kustomization.yaml': 'resources:\n- ../shared/cm.yaml\n', 'shared/cm.yaml': CM });
  try {
    assert.throws(() => build(join(t.root, 'app')), /security; file '.*shared\/cm\.yaml' is not in or below '.*app'/);
    const out = buildYaml(join(t.root, 'app'), { loadRestrictor: 'LoadRestrictionsNone' });
    assert.match(out.yaml, /name: shared/);
  } finally {
    t.done();
  }
});

test('refuses a symlink that escapes the root', () => {
  const t = tree({ 'app/kustomization.yaml': 'resources:\n- link.yaml\n', 'outside/cm.yaml': CM });
  try {
    symlinkSync(join(t.root, 'outside/cm.yaml'), join(t.root, 'app/link.yaml'));
    assert.throws(() => build(join(t.root, 'app')), /security; file .* is not in or below/);
  } finally {
    t.done();
  }
});

test('a base directory outside the root is allowed, as kustomize allows it', () => {
  const t = tree({ 'overlay/kustomization.yaml': 'resources:\n- ../base\n', 'base/kustomization.yaml': 'resources:\n- cm.yaml\n', 'base/cm.yaml': CM });
  try {
    assert.match(buildYaml(join(t.root, 'overlay')).yaml, /name: shared/);
  } finally {
    t.done();
  }
});

test('fails fast on a cycle between kustomizations, naming both roots', () => {
  const t = tree({ 'a/kustomization.yaml': 'resources:\n- ../b\n', 'b/kustomization.yaml': 'resources:\n- ../a\n' });
  try {
    assert.throws(() => build(join(t.root, 'a')), /cycle detected: candidate root '.*\/a' contains visited root/);
  } finally {
    t.done();
  }
});

test('a kustomization including its own parent directory is a cycle', () => {
  const t = tree({ 'kustomization.yaml': 'resources:\n- sub\n', 'sub/kustomization.yaml': 'resources:\n- ..\n' });
  try {
    assert.throws(() => build(t.root), /cycle detected/);
  } finally {
    t.done();
  }
});

test('names an unknown kustomization field', () => {
  const t = tree({ 'kustomization.yaml': 'resources: []\nresourcez:\n- a.yaml\n' });
  try {
    assert.throws(() => build(t.root), /unknown field "resourcez"/);
  } finally {
    t.done();
  }
});

test('refuses helmCharts with an error naming the field', () => {
  const t = tree({ 'kustomization.yaml': 'helmCharts:\n- name: podinfo\n  repo: https://example.com\n' });
  try {
    assert.throws(() => build(t.root), /field 'helmCharts' is not supported/);
  } finally {
    t.done();
  }
});

test('invalid YAML names the file', () => {
  const t = tree({ 'kustomization.yaml': 'resources:\n- bad.yaml\n', 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [unclosed\n' });
  try {
    assert.throws(() => build(t.root), /bad\.yaml/);
  } finally {
    t.done();
  }
});

test('bounds YAML alias expansion (billion laughs)', () => {
  const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    bomb.push(`${cur}: &${cur} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
  }
  const t = tree({
    'kustomization.yaml': 'resources:\n- bomb.yaml\n',
    'bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${bomb.map((l) => `  ${l}`).join('\n')}\n`,
  });
  try {
    assert.throws(() => build(t.root), /alias/i);
  } finally {
    t.done();
  }
});

test('refuses remote resources when no fetcher is given', () => {
  const t = tree({ 'kustomization.yaml': 'resources:\n- https://example.com/cm.yaml\n' });
  try {
    assert.throws(() => build(t.root), /remote resource 'https:\/\/example\.com\/cm\.yaml' refused/);
  } finally {
    t.done();
  }
});
