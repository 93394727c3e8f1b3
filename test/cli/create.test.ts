// `fluxion create source git | kustomization | secret git`, run as a process. --export output
// is compared byte for byte with flux's: the expected texts are flux's own test fixtures
// (cmd/flux/testdata/create_source_git/*.yaml, create_secret/git/*.yaml) and the Kustomization
// of flux's getting-started guide. Applying is tested against the in-process cluster, where a
// stand-in writes the status the controllers would (see objects-env.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from '../../src/yaml/parse.js';
import { sshdMissing, startSshd } from '../git/servers.js';
import { fluxion } from './run.js';
import { appliedStatus, fetchedStatus, GIT, KS, stalledStatus, standIn, startObjectsEnv, type ObjectsEnv } from './objects-env.js';

const PODINFO = 'https://github.com/stefanprodan/podinfo';
const gitRepo = (ref: string) => `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n${ref}  url: https://github.com/stefanprodan/podinfo\n`;

let env: ObjectsEnv;
let dir: string;

before(async () => {
  env = await startObjectsEnv();
  dir = mkdtempSync(join(tmpdir(), 'fluxion-create-'));
});
after(async () => {
  await env?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('--export prints a GitRepository byte for byte as flux does', async () => {
  const base = ['create', 'source', 'git', 'podinfo', '--namespace=flux-system', `--url=${PODINFO}`, '--interval=1m0s', '--export'];
  const cases: [string[], string][] = [
    [['--commit=c88a2f41'], gitRepo('    commit: c88a2f41\n')],
    [['--ref-name=refs/heads/main'], gitRepo('    name: refs/heads/main\n')],
    [['--branch=main', '--commit=c88a2f41'], gitRepo('    branch: main\n    commit: c88a2f41\n')],
    [['--tag-semver=v1.01'], gitRepo('    semver: v1.01\n')],
    [['--tag=test'], gitRepo('    tag: test\n')],
    [['--branch=test'], gitRepo('    branch: test\n')],
  ];
  const runs = await Promise.all(cases.map(([flags]) => fluxion([...base, ...flags])));
  runs.forEach((r, i) => {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, cases[i]![1], cases[i]![0].join(' '));
    assert.equal(r.stderr, '');
  });
  // flux's export.golden: --ignore-paths joins the paths with newlines; `1m` prints as Go's 1m0s.
  const ignore = await fluxion(['create', 'source', 'git', 'podinfo', `--url=${PODINFO}`, '--branch=master', '--ignore-paths', '.cosign,non-existent-dir/', '-n', 'default', '--interval', '1m', '--export']);
  assert.equal(
    ignore.stdout,
    '---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: default\nspec:\n  ignore: |-\n    .cosign\n    non-existent-dir/\n  interval: 1m0s\n  ref:\n    branch: master\n  url: https://github.com/stefanprodan/podinfo\n',
  );
});

test('--export prints the Kustomization of flux getting-started guide', async () => {
  const r = await fluxion(['create', 'kustomization', 'podinfo', '--target-namespace=default', '--source=podinfo', '--path=./kustomize', '--prune=true', '--wait=true', '--interval=30m', '--retry-interval=2m', '--health-check-timeout=3m', '--export']);
  assert.equal(r.code, 0, r.stderr);
  // The guide shows the document without the leading "---" flux prints before it.
  assert.equal(
    r.stdout,
    '---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  interval: 30m0s\n  path: ./kustomize\n  prune: true\n  retryInterval: 2m0s\n  sourceRef:\n    kind: GitRepository\n    name: podinfo\n  targetNamespace: default\n  timeout: 3m0s\n  wait: true\n',
  );
});

test('--export of a Kustomization: source kinds and namespaces, health checks, dependencies, labels, paths kept inside the source', async () => {
  const r = await fluxion(['create', 'ks', 'apps', '--source=OCIRepository/manifests.infra', '--path=../../apps/./prod', '--health-check=Deployment/web.apps,HelmRelease/db.data', '--depends-on=infra', '--depends-on=ops/monitoring', '--label=team=web', '--export']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      '---',
      'apiVersion: kustomize.toolkit.fluxcd.io/v1',
      'kind: Kustomization',
      'metadata:',
      '  labels:',
      '    team: web',
      '  name: apps',
      '  namespace: flux-system',
      'spec:',
      '  dependsOn:',
      '  - name: infra',
      '  - name: monitoring',
      '    namespace: ops',
      '  healthChecks:',
      '  - kind: Deployment',
      '    name: web',
      '    namespace: apps',
      '  - apiVersion: helm.toolkit.fluxcd.io/v2',
      '    kind: HelmRelease',
      '    name: db',
      '    namespace: data',
      '  interval: 1m0s',
      '  path: ./apps/prod',
      '  prune: false',
      '  sourceRef:',
      '    kind: OCIRepository',
      '    name: manifests',
      '    namespace: infra',
      '  timeout: 2m0s',
      '',
    ].join('\n'),
  );
});

test('create secret git --export prints flux basic-auth and CA secrets byte for byte', async () => {
  const ca = join(dir, 'ca.crt');
  writeFileSync(ca, 'ca-data');
  const [basic, withCa] = await Promise.all([
    fluxion(['create', 'secret', 'git', 'podinfo-auth', `--url=${PODINFO}`, '--username=my-username', '--password=my-password', '--namespace=my-namespace', '--export']),
    fluxion(['create', 'secret', 'git', 'ca-crt', `--url=${PODINFO}`, '--username=my-username', '--password=my-password', `--ca-crt-file=${ca}`, '--namespace=my-namespace', '--export']),
  ]);
  assert.equal(basic.code, 0, basic.stderr);
  assert.equal(basic.stdout, '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: podinfo-auth\n  namespace: my-namespace\nstringData:\n  password: my-password\n  username: my-username\n\n');
  assert.equal(withCa.stdout, '---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ca-crt\n  namespace: my-namespace\nstringData:\n  ca.crt: ca-data\n  password: my-password\n  username: my-username\n\n');
});

test('flag errors name the flag and exit 1', async () => {
  const cases: [string[], RegExp][] = [
    [['create', 'source', 'git', 'podinfo', '--branch=main', '--export'], /✗ --url is required/],
    [['create', 'source', 'git', 'podinfo', '--url=ftp://example.com/repo', '--branch=main', '--export'], /✗ --url: git URL scheme 'ftp' not supported, can be: ssh, http and https/],
    [['create', 'source', 'git', 'podinfo', `--url=${PODINFO}`, '--export'], /a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver/],
    [['create', 'source', 'git', 'podinfo', '--url=ssh://git@example.com/repo', '--branch=main', '--ca-file=x', '--export'], /--ca-file: specifying a CA file is not supported for Git over SSH/],
    [['create', 'source', 'git', 'Pod_Info', `--url=${PODINFO}`, '--branch=main', '--export'], /name 'Pod_Info' is invalid, it should adhere to standard defined in RFC 1123/],
    [['create', 'source', 'git', `--url=${PODINFO}`, '--branch=main', '--export'], /✗ name is required/],
    [['create', 'source', 'git', 'podinfo', `--url=${PODINFO}`, '--branch=main', '--interval=often', '--export'], /option '--interval <duration>' argument 'often' is invalid/],
    [['create', 'ks', 'podinfo', '--export'], /✗ --source is required/],
    [['create', 'ks', 'podinfo', '--source=HelmRepository/charts', '--export'], /--source: source kind 'HelmRepository' is not supported, must be one of: OCIRepository, GitRepository, Bucket/],
    [['create', 'ks', 'podinfo', '--source=podinfo', '--decryption-provider=sops', '--export'], /--decryption-provider\/--decryption-secret: SOPS decryption is not supported by fluxion yet/],
    [['create', 'ks', 'podinfo', '--source=podinfo', '--health-check=Deployment/web', '--export'], /--health-check: invalid health check 'Deployment\/web' must be in the format 'kind\/name.namespace'/],
    [['create', 'ks', 'podinfo', '--prune', 'yes', '--source=podinfo', '--export'], /option '--prune \[bool\]' argument 'yes' is invalid/],
    [['create', 'secret', 'git', 'auth', `--url=${PODINFO}`, '--username=u', '--export'], /for Git over HTTP\/S the username and password \(--username, --password\), or a bearer token \(--bearer-token\) is required/],
  ];
  const runs = await Promise.all(cases.map(([args]) => fluxion(args)));
  runs.forEach((r, i) => {
    assert.equal(r.code, 1, `${cases[i]![0].join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, cases[i]![1]);
    assert.equal(r.stdout, '');
  });
});

test('create source git applies the source, waits for the fetched revision, and updates it on a second run', async () => {
  await env.namespace('create-git');
  const revision = 'main@sha1:696f056df216eea4f9401adbee0ff744d4df390f';
  const controller = standIn(env.client, GIT, 'create-git', (o) => fetchedStatus(o, o.spec.ref.branch === 'main' ? revision : `dev@sha1:${'1'.repeat(40)}`));
  try {
    const first = await env.run('create', 'source', 'git', 'podinfo', '-n', 'create-git', `--url=${PODINFO}`, '--branch=main', '--interval=5m');
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stderr,
      [
        '✚ generating GitRepository source',
        '► applying GitRepository source',
        '✔ GitRepository source created',
        '◎ waiting for GitRepository source reconciliation',
        '✔ GitRepository source reconciliation completed',
        `✔ fetched revision: ${revision}`,
        '',
      ].join('\n'),
    );
    const created = await env.get(GIT, 'create-git', 'podinfo');
    assert.deepEqual(created.spec.ref, { branch: 'main' });
    assert.equal(created.spec.interval, '5m0s');
    assert.equal(created.spec.secretRef, undefined, 'no credentials, no secret');

    const second = await env.run('create', 'source', 'git', 'podinfo', '-n', 'create-git', `--url=${PODINFO}`, '--branch=dev');
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /✔ GitRepository source updated\n/);
    // The wait is for the new generation: the revision printed is the one fetched for dev.
    assert.match(second.stderr, /✔ fetched revision: dev@sha1:1{40}\n$/);
    const updated = await env.get(GIT, 'create-git', 'podinfo');
    assert.deepEqual(updated.spec.ref, { branch: 'dev' });
    assert.equal(updated.metadata.generation, 2);
  } finally {
    await controller.stop();
  }
});

test('create source git stores --username/--password in a Secret named after the source', async () => {
  await env.namespace('create-auth');
  const controller = standIn(env.client, GIT, 'create-auth', (o) => fetchedStatus(o, `main@sha1:${'a'.repeat(40)}`));
  try {
    const r = await env.run('create', 'source', 'git', 'private', '-n', 'create-auth', '--url=https://git.example.com/org/private', '--branch=main', '-u', 'flux', '-p', 's3cret');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /► applying secret with repository credentials\n✔ authentication configured\n► applying GitRepository source\n/);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cret/, 'the password is never printed');
    const secret = await env.client.get<{ data: Record<string, string> } & import('../../src/kube/index.js').KubeObject>({ apiVersion: 'v1', kind: 'Secret', namespace: 'create-auth' }, 'private');
    assert.equal(Buffer.from(secret.data.username!, 'base64').toString(), 'flux');
    assert.equal(Buffer.from(secret.data.password!, 'base64').toString(), 's3cret');
    assert.deepEqual((await env.get(GIT, 'create-auth', 'private')).spec.secretRef, { name: 'private' });
  } finally {
    await controller.stop();
  }
});

test('create source git fails with the controller message when the source stalls', async () => {
  await env.namespace('create-stall');
  const controller = standIn(env.client, GIT, 'create-stall', (o) => stalledStatus(o, 'invalid url: repository not found'));
  try {
    const r = await env.run('create', 'source', 'git', 'broken', '-n', 'create-stall', '--url=https://git.example.com/missing', '--branch=main');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /◎ waiting for GitRepository source reconciliation\n✗ invalid url: repository not found\n$/);
  } finally {
    await controller.stop();
  }
});

test('create kustomization applies, waits for the applied revision; with nothing reconciling it times out naming the object', async () => {
  await env.namespace('create-ks');
  const revision = 'main@sha1:4e9c917f4e9c917f4e9c917f4e9c917f4e9c917f';
  const controller = standIn(env.client, KS, 'create-ks', (o) => (o.metadata.name === 'podinfo' ? appliedStatus(o, revision) : undefined));
  try {
    const r = await env.run('create', 'kustomization', 'podinfo', '-n', 'create-ks', '--source=GitRepository/podinfo.flux-system', '--path=./kustomize', '--prune=true');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      ['✚ generating Kustomization', '► applying Kustomization', '✔ Kustomization created', '◎ waiting for Kustomization reconciliation', '✔ Kustomization podinfo is ready', `✔ applied revision ${revision}`, ''].join('\n'),
    );
    const ks = await env.get(KS, 'create-ks', 'podinfo');
    assert.deepEqual(ks.spec.sourceRef, { kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' });
    assert.equal(ks.spec.prune, true);

    const slow = await env.run('create', 'ks', 'unattended', '-n', 'create-ks', '--source=podinfo', '--timeout=2s');
    assert.equal(slow.code, 1);
    assert.match(slow.stderr, /✗ timeout waiting for Kustomization\/create-ks\/unattended to become ready after 2s: waiting to be reconciled\n$/);
  } finally {
    await controller.stop();
  }
});

test('SSH: keys from --private-key-file or ssh-keygen, host keys from the server, deploy key confirmed or --silent', { skip: sshdMissing() }, async () => {
  const sshd = await startSshd([]);
  try {
    const url = `ssh://git@127.0.0.1:${sshd.port}/org/repo`;
    const keyFile = join(dir, 'id_ed25519');
    const gen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'someone@example', '-f', keyFile], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    const [fromFile, generated] = await Promise.all([
      fluxion(['create', 'secret', 'git', 'auth', `--url=${url}`, `--private-key-file=${keyFile}`, '--export']),
      fluxion(['create', 'secret', 'git', 'auth', `--url=${url}`, '--ssh-key-algorithm=ed25519', '--export']),
    ]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const a = parseAllDocuments(fromFile.stdout)[0] as any;
    assert.equal(a.stringData.identity, readFileSync(keyFile, 'utf8'));
    const pub = readFileSync(`${keyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    assert.equal(a.stringData['identity.pub'], `${pub}\n`);
    assert.equal(a.stringData.known_hosts, sshd.knownHosts);

    assert.equal(generated.code, 0, generated.stderr);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const b = parseAllDocuments(generated.stdout)[0] as any;
    assert.match(b.stringData['identity.pub'], /^ssh-ed25519 \S+\n$/);
    const genKey = join(dir, 'generated');
    writeFileSync(genKey, b.stringData.identity, { mode: 0o600 });
    const derived = spawnSync('ssh-keygen', ['-y', '-P', '', '-f', genKey], { encoding: 'utf8' });
    assert.equal(derived.stdout, b.stringData['identity.pub'], 'the private key belongs to the public one');

    await env.namespace('create-ssh');
    const asked = await env.run('create', 'source', 'git', 'app', '-n', 'create-ssh', `--url=${url}`, '--branch=main', `--private-key-file=${keyFile}`);
    assert.equal(asked.code, 1);
    assert.match(asked.stderr, /✔ collected public key from SSH server:\n\[127\.0\.0\.1\]:\d+ ssh-ed25519 \S+\n✚ deploy key: ssh-ed25519 \S+\n/);
    assert.match(asked.stderr, /standard input is not a terminal.*--silent/);
    await assert.rejects(env.get(GIT, 'create-ssh', 'app'), /not found/, 'nothing applied before the deploy key is confirmed');

    const controller = standIn(env.client, GIT, 'create-ssh', (o) => fetchedStatus(o, `main@sha1:${'b'.repeat(40)}`));
    try {
      const silent = await env.run('create', 'source', 'git', 'app', '-n', 'create-ssh', `--url=${url}`, '--branch=main', `--private-key-file=${keyFile}`, '--silent');
      assert.equal(silent.code, 0, silent.stderr);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const secret = await env.client.get<any>({ apiVersion: 'v1', kind: 'Secret', namespace: 'create-ssh' }, 'app');
      assert.equal(Buffer.from(secret.data.known_hosts, 'base64').toString(), sshd.knownHosts);
      assert.equal(Buffer.from(secret.data.identity, 'base64').toString(), readFileSync(keyFile, 'utf8'));
    } finally {
      await controller.stop();
    }

    const applied = await env.run('create', 'secret', 'git', 'standalone', '-n', 'create-ssh', `--url=${url}`, `--private-key-file=${keyFile}`);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stderr, /✚ deploy key: ssh-ed25519 \S+\n► git secret 'standalone' created in 'create-ssh' namespace\n$/);
  } finally {
    await sshd.close();
  }
});
