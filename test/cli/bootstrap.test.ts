/**
 * `fluxion bootstrap git` end to end: a local cluster that runs the controller Deployments
 * (the runner), a git http-backend with basic auth, and the CLI as a user runs it. The
 * repository gets flux's three files, the cluster syncs itself from them, and a second run
 * commits and changes nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControllerRunner } from '../../src/cluster-runner/index.js';
import { KNOWN_CONTROLLERS } from '../../src/controllers/manager.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { generateKey, git, sshdMissing, startGitHttpServer, startSshd, TestRepo, type GitHttpServer } from '../git/servers.js';
import { fluxion } from './run.js';

const USER = 'flux';
const PASSWORD = 'bootstrap-s3cret-passw0rd';

let c: TestCluster;
let runner: ControllerRunner;
let client: KubeClient;
let server: GitHttpServer;
let gitRoot: string;
let repo: TestRepo;
let url: string;

before(async () => {
  runner = new ControllerRunner({ report: () => {} });
  c = await startCluster({ runners: [runner] });
  runner.connect({ server: c.cluster.url, token: c.token, caCert: c.caCert });
  client = new KubeClient(await loadKubeConfig({ kubeconfig: c.kubeconfig }));
  gitRoot = mkdtempSync(join(tmpdir(), 'fluxion-bootstrap-git-'));
  repo = TestRepo.create(gitRoot, 'fleet');
  repo.commit({ 'README.md': '# fleet\n', 'clusters/dev/apps/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  color: blue\n' }, 'initial');
  server = await startGitHttpServer({ root: gitRoot, username: USER, password: PASSWORD });
  url = `${server.url}/fleet.git`;
});

after(async () => {
  client?.close();
  await c?.stop();
  await runner?.stopAll();
  await server?.close();
  repo?.cleanup();
  if (gitRoot) rmSync(gitRoot, { recursive: true, force: true });
});

const bootstrapArgs = () => ['bootstrap', 'git', `--url=${url}`, '--branch=main', '--path=clusters/dev', '--token-auth', `--username=${USER}`, '--allow-insecure-http', '--silent', '--timeout=3m'];
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => fluxion(args, { kubeconfig: c.kubeconfig, timeoutMs: 240_000, env });
const lines = (s: string) => s.trimEnd().split('\n');
const kustomizeRuns = (KNOWN_CONTROLLERS as readonly string[]).includes('kustomize');

/** The bare repository's view: `git` in a fresh clone of main. */
function remote(args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-bootstrap-check-'));
  try {
    git(['clone', '--quiet', '--branch', 'main', repo.bare, dir]);
    return git(args, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('with --token-auth and no password, bootstrap fails naming --password (no terminal to ask)', async () => {
  const r = await run(bootstrapArgs(), { GIT_PASSWORD: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--token-auth needs the Git password or token: pass --password or set GIT_PASSWORD/);
  assert.equal(remote(['rev-list', '--count', 'HEAD']), '1', 'nothing was pushed');
});

test('bootstrap git commits the manifests, installs, and the cluster syncs itself', async () => {
  const r = await run([...bootstrapArgs(), `--password=${PASSWORD}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stderr.includes(PASSWORD), 'the password is never printed');
  const head = remote(['rev-parse', 'HEAD']);
  const componentsCommit = remote(['rev-parse', 'HEAD~1']);
  const out = lines(r.stderr);
  const changes = out.filter((l) => / (created|configured|unchanged)$/.test(l));
  assert.deepEqual(
    out.filter((l) => !changes.includes(l)),
    [
      `► cloning branch "main" from Git repository "${url}"`,
      '✔ cloned repository',
      '► generating component manifests',
      '✔ generated component manifests',
      `✔ committed component manifests to "main" ("${componentsCommit}")`,
      `► pushing component manifests to "${url}"`,
      '► installing components in "flux-system" namespace',
      '✔ installed components',
      '✔ reconciled components',
      '► determining if source secret "flux-system/flux-system" exists',
      '► generating source secret',
      '► applying source secret "flux-system/flux-system"',
      '✔ reconciled source secret',
      '► generating sync manifests',
      '✔ generated sync manifests',
      `✔ committed sync manifests to "main" ("${head}")`,
      `► pushing sync manifests to "${url}"`,
      '► applying sync manifests',
      '✔ reconciled sync configuration',
      '◎ waiting for GitRepository "flux-system/flux-system" to be reconciled',
      '✔ GitRepository reconciled successfully',
      '◎ waiting for Kustomization "flux-system/flux-system" to be reconciled',
      '✔ Kustomization reconciled successfully',
      '► confirming components are healthy',
      '✔ kustomize-controller: deployment ready',
      '✔ source-controller: deployment ready',
      '✔ all components are healthy',
    ],
  );
  assert.ok(changes.includes('Deployment/flux-system/source-controller created'), changes.join('\n'));
  assert.ok(changes.includes('GitRepository/flux-system/flux-system created'), changes.join('\n'));

  // The repository: two commits by Flux, flux's messages, the three files.
  assert.equal(remote(['log', '-2', '--format=%an <%ae>|%s']), 'Flux <>|Add Flux sync manifests\nFlux <>|Add Flux v0.1.0 component manifests');
  assert.equal(remote(['show', '--name-only', '--format=', 'HEAD~1']), 'clusters/dev/flux-system/gotk-components.yaml');
  assert.equal(remote(['show', '--name-only', '--format=', 'HEAD']), 'clusters/dev/flux-system/gotk-sync.yaml\nclusters/dev/flux-system/kustomization.yaml');
  assert.equal(
    remote(['show', 'HEAD:clusters/dev/flux-system/gotk-sync.yaml']),
    [
      '# This manifest was generated by fluxion. DO NOT EDIT.',
      '---',
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: GitRepository',
      'metadata:',
      '  name: flux-system',
      '  namespace: flux-system',
      'spec:',
      '  interval: 1m0s',
      '  ref:',
      '    branch: main',
      '  secretRef:',
      '    name: flux-system',
      `  url: ${url}`,
      '---',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata:',
      '  name: flux-system',
      '  namespace: flux-system',
      'spec:',
      '  interval: 10m0s',
      '  path: ./clusters/dev',
      '  prune: true',
      '  sourceRef:',
      '    kind: GitRepository',
      '    name: flux-system',
    ].join('\n'),
  );
  assert.equal(remote(['show', 'HEAD:clusters/dev/flux-system/kustomization.yaml']), 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- gotk-components.yaml\n- gotk-sync.yaml');
  const exported = await fluxion(['install', '--export']);
  assert.equal(remote(['show', 'HEAD:clusters/dev/flux-system/gotk-components.yaml']), exported.stdout.trimEnd());

  // The cluster: the Secret for the GitRepository, which is Ready at the pushed revision.
  const secret = (await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flux-system' }, 'flux-system')) as KubeObject & { data: Record<string, string> };
  assert.deepEqual(Object.keys(secret.data).sort(), ['password', 'username']);
  assert.equal(Buffer.from(secret.data.password!, 'base64').toString(), PASSWORD);
  const gitRepo = (await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' }, 'flux-system')) as any;
  assert.equal(gitRepo.status.conditions.find((x: any) => x.type === 'Ready').status, 'True');
  assert.equal(gitRepo.status.artifact.revision, `main@sha1:${head}`);
});

test('the Kustomization flux-system applies the path, the controllers included', { skip: kustomizeRuns ? false : "the 'kustomize' controller is not in KNOWN_CONTROLLERS yet" }, async () => {
  const ks = (await client.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', namespace: 'flux-system' }, 'flux-system')) as any;
  assert.equal(ks.status.conditions.find((x: any) => x.type === 'Ready').status, 'True');
  assert.equal(ks.status.lastAppliedRevision, `main@sha1:${remote(['rev-parse', 'HEAD'])}`);
  const cm = await c.kubectl(['get', 'configmap', 'settings', '-n', 'default', '-o', 'jsonpath={.data.color}']);
  assert.equal(cm.stdout, 'blue');
  // The components are now the Kustomization's: check sees the cluster as bootstrapped.
  const check = await run(['check']);
  assert.equal(check.code, 0, check.stderr);
  assert.ok(lines(check.stderr).includes('✔ bootstrapped: true'), check.stderr);
});

test('a second bootstrap commits nothing and changes nothing', async () => {
  const head = remote(['rev-parse', 'HEAD']);
  const rv = async (apiVersion: string, kind: string, name: string) => ((await client.get({ apiVersion, kind, namespace: 'flux-system' }, name)) as KubeObject).metadata.resourceVersion;
  const secretRv = await rv('v1', 'Secret', 'flux-system');
  const gen = ((await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' }, 'flux-system')) as KubeObject).metadata.generation;
  const r = await run([...bootstrapArgs(), `--password=${PASSWORD}`]);
  assert.equal(r.code, 0, r.stderr);
  const out = lines(r.stderr);
  assert.ok(out.includes('✔ component manifests are up to date'), r.stderr);
  assert.ok(out.includes('✔ sync manifests are up to date'), r.stderr);
  assert.ok(!out.some((l) => l.startsWith('► pushing')), r.stderr);
  assert.ok(!out.some((l) => / (created|configured)$/.test(l)), r.stderr);
  if (kustomizeRuns) assert.ok(!out.includes('► installing components in "flux-system" namespace'), 'a cluster that syncs itself is not reinstalled');
  assert.equal(remote(['rev-parse', 'HEAD']), head);
  assert.equal(await rv('v1', 'Secret', 'flux-system'), secretRv);
  assert.equal(((await client.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', namespace: 'flux-system' }, 'flux-system')) as KubeObject).metadata.generation, gen);
});

test('a different --path than the cluster syncs is refused', async () => {
  const r = await run([...bootstrapArgs().filter((a) => !a.startsWith('--path')), '--path=clusters/prod', `--password=${PASSWORD}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /✗ sync path configuration \("clusters\/prod"\) would overwrite path \("\.\/clusters\/dev"\) of existing Kustomization/);
});

test('over SSH: --private-key-file clones and pushes, and becomes the deploy key with scanned known_hosts', { skip: sshdMissing() }, async () => {
  // A second cluster and repository: this one syncs over ssh://.
  const sshRunner = new ControllerRunner({ report: () => {} });
  const sc = await startCluster({ runners: [sshRunner] });
  sshRunner.connect({ server: sc.cluster.url, token: sc.token, caCert: sc.caCert });
  const keys = mkdtempSync(join(tmpdir(), 'fluxion-bootstrap-keys-'));
  const key = generateKey(keys, 'deploy');
  writeFileSync(join(keys, 'deploy'), key.privateKey, { mode: 0o600 });
  const sshd = await startSshd([key.publicKey]);
  const fleet = TestRepo.create(gitRoot, 'ssh-fleet');
  fleet.commit({ 'README.md': '# ssh fleet\n' }, 'initial');
  const sshClient = new KubeClient(await loadKubeConfig({ kubeconfig: sc.kubeconfig }));
  try {
    const sshUrl = sshd.urlFor(fleet.bare);
    const r = await fluxion(['bootstrap', 'git', `--url=${sshUrl}`, `--private-key-file=${join(keys, 'deploy')}`, '--path=clusters/edge', '--silent', '--timeout=3m'], { kubeconfig: sc.kubeconfig, timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lines(r.stderr).includes('✔ GitRepository reconciled successfully'), r.stderr);
    const secret = (await sshClient.get({ apiVersion: 'v1', kind: 'Secret', namespace: 'flux-system' }, 'flux-system')) as KubeObject & { data: Record<string, string> };
    assert.deepEqual(Object.keys(secret.data).sort(), ['identity', 'identity.pub', 'known_hosts']);
    const decode = (k: string) => Buffer.from(secret.data[k]!, 'base64').toString();
    assert.equal(decode('identity'), key.privateKey);
    assert.equal(decode('identity.pub').split(' ').slice(0, 2).join(' '), key.publicKey.split(' ').slice(0, 2).join(' '));
    const [hostType, hostKey] = sshd.knownHosts.split(' ').slice(1);
    assert.ok(decode('known_hosts').split('\n').some((l) => l === `[127.0.0.1]:${sshd.port} ${hostType} ${hostKey}`), decode('known_hosts'));
    const sync = git(['--git-dir', fleet.bare, 'show', 'main:clusters/edge/flux-system/gotk-sync.yaml']);
    assert.match(sync, new RegExp(`\n  url: ${sshUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`));
  } finally {
    sshClient.close();
    await sc.stop();
    await sshRunner.stopAll();
    await sshd.close();
    fleet.cleanup();
    rmSync(keys, { recursive: true, force: true });
  }
});
