// `fluxion service add|remove` on a copy of the seed tutorial's monorepo (config/ and
// applications/), as the tutorial's environments are edited.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED, sharedAvailable } from '../apiserver/helpers.js';
import { fluxion } from './run.js';

let repo: string;
const skip = sharedAvailable();

/** The fixture is read-only: the copy must be writable. */
function makeWritable(p: string): void {
  const st = statSync(p);
  chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const n of readdirSync(p)) makeWritable(join(p, n));
}

before(() => {
  if (skip) return;
  repo = mkdtempSync(join(tmpdir(), 'fluxion-service-'));
  for (const d of ['config', 'applications']) cpSync(join(SEED, d), join(repo, d), { recursive: true });
  makeWritable(repo);
});

after(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const run = (...args: string[]) => fluxion([...args, '--repo-root', repo]);
const config = (env: string) => readFileSync(join(repo, 'config', env, 'kustomization.yaml'), 'utf8');

test('add lists the service overlay in the environment, keeping comments and layout', { skip }, async () => {
  const file = join(repo, 'config/development/kustomization.yaml');
  writeFileSync(file, config('development').replace('resources:\n', 'resources:\n  # tools every environment gets\n'));
  const r = await run('service', 'add', 'benjamintoll', '--env', 'development');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, '✔ service web/benjamintoll added to config/development/kustomization.yaml (../../applications/web/benjamintoll/overlays/development)\n');
  assert.equal(
    config('development'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'resources:',
      '  # tools every environment gets',
      '  - ../../applications/devops/debug/overlays/development',
      '  - ../../applications/devops/dnsutils/overlays/development',
      '  - ../../applications/web/benjamintoll/overlays/development',
      '',
    ].join('\n'),
  );
});

test('adding a service that is there already changes nothing', { skip }, async () => {
  const before = config('beta');
  const r = await run('service', 'add', 'devops/debug', '--env', 'beta');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '✔ service devops/debug is already in config/beta/kustomization.yaml; nothing to do\n');
  assert.equal(config('beta'), before);
});

test('remove takes the entry out; removing one that is not listed changes nothing', { skip }, async () => {
  const r = await run('service', 'remove', 'debug', '--env', 'beta');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '✔ service devops/debug removed from config/beta/kustomization.yaml\n');
  assert.equal(
    config('beta'),
    'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../applications/devops/dnsutils/overlays/beta\n  - ../../applications/web/benjamintoll/overlays/beta\n',
  );
  const again = await run('service', 'remove', 'debug', '--env', 'beta');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stderr, '✔ service devops/debug is not in config/beta/kustomization.yaml; nothing to do\n');
});

test('a listed service whose overlay was deleted can still be removed', { skip }, async () => {
  rmSync(join(repo, 'applications/devops/dnsutils/overlays/production'), { recursive: true });
  const r = await run('service', 'remove', 'dnsutils', '--env', 'production');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(config('production'), /dnsutils/);
});

test('unknown services, ambiguous names and missing environments are errors naming what is wrong', { skip }, async () => {
  // g00gle/frontend has a base but no overlays: it is not a service of any environment.
  const frontend = await run('service', 'add', 'frontend', '--env', 'beta');
  assert.equal(frontend.code, 1);
  assert.match(frontend.stderr, /^✗ unknown service 'frontend': there is no applications\/\*\/frontend\/overlays\/beta in .*; services with a beta overlay: devops\/debug, devops\/dnsutils, web\/benjamintoll\n$/);
  mkdirSync(join(repo, 'applications/tools/debug/overlays/beta'), { recursive: true });
  const ambiguous = await run('service', 'add', 'debug', '--env', 'beta');
  assert.equal(ambiguous.code, 1);
  assert.equal(ambiguous.stderr, "✗ service 'debug' is ambiguous: devops/debug, tools/debug; give it as GROUP/NAME\n");
  const env = await run('service', 'add', 'debug', '--env', 'staging');
  assert.equal(env.code, 1);
  assert.match(env.stderr, /^✗ config\/staging\/kustomization.yaml not found in .* \(environments: beta, development, production\)\n$/);
  const noEnv = await fluxion(['service', 'add', 'debug', '--repo-root', repo]);
  assert.equal(noEnv.code, 1);
  assert.match(noEnv.stderr, /required option '--env <env>' not specified/);
});
