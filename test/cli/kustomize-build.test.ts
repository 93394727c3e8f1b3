// `fluxion kustomize build` as a user runs it: output on stdout, warnings on stderr, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

function fluxion(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8' });
}

test('builds the shipped example, printing kustomize v5.5 output', () => {
  const r = fluxion('kustomize', 'build', 'examples/podinfo/overlays/production');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^apiVersion: v1\ndata:\n  PODINFO_UI_COLOR: '#e01010'\n/);
  assert.match(r.stdout, /\n  name: prod-podinfo-config-576g6t6b6t\n/);
  assert.match(r.stdout, /\n  replicas: 3\n/);
  const pinned = join(dirOfKubectl() ?? '', 'kubectl.1.32');
  if (existsSync(pinned)) {
    const ref = spawnSync(pinned, ['kustomize', 'examples/podinfo/overlays/production'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.stdout, ref.stdout, 'byte-identical to kubectl.1.32 kustomize');
  }
});

test('prints deprecation warnings on stderr and writes -o files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-cli-'));
  try {
    writeFileSync(join(dir, 'kustomization.yaml'), 'commonLabels:\n  a: b\nresources:\n- cm.yaml\n');
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    const out = join(dir, 'out.yaml');
    const r = fluxion('kustomize', 'build', dir, '-o', out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /# Warning: 'commonLabels' is deprecated/);
    assert.equal(readFileSync(out, 'utf8'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    a: b\n  name: c\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-o DIR writes one file per resource, named as kustomize names them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-cli-out-'));
  try {
    const r = fluxion('kustomize', 'build', 'examples/podinfo/overlays/production', '-o', dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readdirSync(dir).sort(), [
      'apps_v1_deployment_prod-podinfo.yaml',
      'autoscaling_v2_horizontalpodautoscaler_prod-podinfo.yaml',
      'v1_configmap_prod-podinfo-config-576g6t6b6t.yaml',
      'v1_service_prod-podinfo.yaml',
    ]);
    assert.match(readFileSync(join(dir, 'v1_service_prod-podinfo.yaml'), 'utf8'), /^apiVersion: v1\nkind: Service\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fails with exit code 1 and a message naming the problem', () => {
  const missing = fluxion('kustomize', 'build', 'no/such/dir');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no\/such\/dir/);
  const bad = fluxion('kustomize', 'build', '.', '--load-restrictor', 'Sometimes');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone/);
});

function dirOfKubectl(): string | undefined {
  const which = spawnSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"'], { encoding: 'utf8' }).stdout.trim();
  return which ? resolve(which, '..') : undefined;
}
