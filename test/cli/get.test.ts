// `fluxion get sources git|all`, `get kustomizations`, `get all` against the in-process cluster.
// Objects are created with the client and given the status a controller would write (a
// status-subresource patch), since no controller runs here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { poll } from '../apiserver/helpers.js';
import { ROOT } from './run.js';
import { parseAllDocuments } from '../../src/yaml/parse.js';
import { appliedStatus, fetchedStatus, GIT, KS, readyCondition, startObjectsEnv, type ObjectsEnv, type Obj } from './objects-env.js';

let env: ObjectsEnv;
const SHA = '696f056df216eea4f9401adbee0ff744d4df390f';

async function put(ref: { apiVersion: string; kind: string }, namespace: string, name: string, spec: Record<string, unknown>, status?: (o: Obj) => Record<string, unknown>) {
  const obj = await env.client.create<Obj>({ ...ref, metadata: { name, namespace, labels: { tier: name.startsWith('infra') ? 'infra' : 'apps' } }, spec });
  if (status) await env.client.patchStatus({ ...ref, namespace }, name, 'merge', { status: status(obj) });
}

const gitSpec = (extra: Record<string, unknown> = {}) => ({ interval: '1m', url: 'https://example.com/repo', ref: { branch: 'main' }, ...extra });
const ksSpec = { interval: '10m', prune: true, path: './', sourceRef: { kind: 'GitRepository', name: 'podinfo' } };

before(async () => {
  env = await startObjectsEnv();
  for (const ns of ['get-a', 'get-b', 'get-empty']) await env.namespace(ns);
  await put(GIT, 'get-a', 'podinfo', gitSpec(), (o) => fetchedStatus(o, `main@sha1:${SHA}`));
  await put(GIT, 'get-a', 'broken', gitSpec({ suspend: true }), (o) => ({ observedGeneration: o.metadata.generation, conditions: [readyCondition(o.metadata.generation!, 'False', 'GitOperationFailed', 'failed to checkout: repository not found')] }));
  await put(GIT, 'get-a', 'infra-fresh', gitSpec());
  await put(GIT, 'get-b', 'other', gitSpec(), (o) => fetchedStatus(o, `v1.2.3@sha1:${SHA}`));
  await put(KS, 'get-a', 'apps', ksSpec, (o) => appliedStatus(o, `main@sha1:${SHA}`));
});
after(async () => {
  await env?.stop();
});

test('get sources git prints flux table: digests shortened, no Ready condition reads False', async () => {
  const r = await env.run('get', 'sources', 'git', '-n', 'get-a');
  assert.equal(r.code, 0, r.stderr);
  // flux's layout (its get golden files): header cells padded and joined by tabs; every data
  // cell padded to its column and followed by a tab, the last one too.
  assert.equal(
    r.stdout,
    'NAME       \tREVISION          \tSUSPENDED\tREADY\tMESSAGE                                          \n' +
      'broken     \t                  \tTrue     \tFalse\tfailed to checkout: repository not found         \t\n' +
      'infra-fresh\t                  \tFalse    \tFalse\twaiting to be reconciled                         \t\n' +
      "podinfo    \tmain@sha1:696f056d\tFalse    \tTrue \tstored artifact for revision 'main@sha1:696f056d'\t\n",
  );
  assert.equal(r.stderr, '');
});

test('-A puts NAMESPACE first; --no-header drops the header; --status-selector and -l filter', async () => {
  const [all, noHeader, notReady, labelled, badSelector] = await Promise.all([
    env.run('get', 'sources', 'git', '-A'),
    env.run('get', 'sources', 'git', '-n', 'get-b', '--no-header'),
    env.run('get', 'sources', 'git', '-n', 'get-a', '--status-selector', 'ready=false'),
    env.run('get', 'sources', 'git', '-n', 'get-a', '-l', 'tier=infra', '--no-header'),
    env.run('get', 'sources', 'git', '--status-selector', 'ready'),
  ]);
  assert.equal(all.code, 0, all.stderr);
  const lines = all.stdout.trimEnd().split('\n').map((l) => l.split('\t').map((c) => c.trim()));
  assert.deepEqual(lines[0], ['NAMESPACE', 'NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE']);
  assert.deepEqual(
    lines.slice(1).map((l) => [l[0], l[1]]),
    [
      ['get-a', 'broken'],
      ['get-a', 'infra-fresh'],
      ['get-a', 'podinfo'],
      ['get-b', 'other'],
    ],
  );
  assert.equal(noHeader.stdout, "other\tv1.2.3@sha1:696f056d\tFalse\tTrue\tstored artifact for revision 'v1.2.3@sha1:696f056d'\t\n");
  assert.deepEqual(
    notReady.stdout.trimEnd().split('\n').map((l) => l.split('\t')[0]!.trim()),
    ['NAME', 'broken'],
  );
  assert.equal(labelled.stdout.split('\t')[0], 'infra-fresh');
  assert.equal(badSelector.code, 1);
  assert.match(badSelector.stderr, /--status-selector: expected status selector in type=status format, but found: ready/);
});

test('-o json and -o yaml print a v1 List that parses', async () => {
  const [json, yaml, emptyJson] = await Promise.all([
    env.run('get', 'sources', 'git', '-n', 'get-a', '-o', 'json', '--status-selector=ready=true'),
    env.run('get', 'kustomizations', '-n', 'get-a', '-o', 'yaml'),
    env.run('get', 'ks', '-n', 'get-empty', '-o', 'json'),
  ]);
  assert.equal(json.code, 0, json.stderr);
  const list = JSON.parse(json.stdout);
  assert.equal(list.apiVersion, 'v1');
  assert.equal(list.kind, 'List');
  assert.deepEqual(
    list.items.map((i: Obj) => [i.kind, i.metadata.name, i.status.artifact.revision]),
    [['GitRepository', 'podinfo', `main@sha1:${SHA}`]],
  );
  assert.equal(list.items[0].metadata.managedFields, undefined, 'managed fields hidden as kubectl does');
  assert.equal(yaml.code, 0, yaml.stderr);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const docs = parseAllDocuments(yaml.stdout) as any[];
  assert.equal(docs.length, 1);
  assert.equal(docs[0].kind, 'List');
  assert.deepEqual(
    docs[0].items.map((i: Obj) => [i.apiVersion, i.kind, i.metadata.name, i.spec.prune]),
    [['kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'apps', true]],
  );
  assert.deepEqual(JSON.parse(emptyJson.stdout).items, []);
  assert.match(emptyJson.stderr, /no Kustomization objects found in "get-empty" namespace/);
  const bad = await env.run('get', 'ks', '-o', 'wide');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--output: unsupported output format 'wide', use yaml or json/);
});

test('an empty result says so on stderr and exits 0; a missing name is named', async () => {
  const [emptyGit, emptyKs, emptyAll, missing] = await Promise.all([
    env.run('get', 'sources', 'git', '-n', 'get-empty'),
    env.run('get', 'ks', '-A', '-l', 'tier=none'),
    env.run('get', 'all', '-n', 'get-empty'),
    env.run('get', 'kustomizations', 'nope', '-n', 'get-a'),
  ]);
  assert.deepEqual([emptyGit.code, emptyGit.stdout, emptyGit.stderr], [0, '', '✗ no GitRepository objects found in "get-empty" namespace\n']);
  assert.deepEqual([emptyKs.code, emptyKs.stderr], [0, '✗ no Kustomization objects found in any namespace\n']);
  assert.deepEqual([emptyAll.code, emptyAll.stdout, emptyAll.stderr], [0, '', '']);
  assert.deepEqual([missing.code, missing.stderr], [0, `✗ Kustomization object 'nope' not found in "get-a" namespace\n`]);
});

test('get kustomizations (ks) and get all: one section per kind, kind/name rows', async () => {
  const [ks, all, sources] = await Promise.all([env.run('get', 'ks', '-n', 'get-a'), env.run('get', 'all', '-n', 'get-a'), env.run('get', 'sources', 'all', '-n', 'get-b')]);
  assert.equal(ks.code, 0, ks.stderr);
  assert.equal(ks.stdout, 'NAME\tREVISION          \tSUSPENDED\tREADY\tMESSAGE                             \napps\tmain@sha1:696f056d\tFalse    \tTrue \tApplied revision: main@sha1:696f056d\t\n');
  assert.equal(all.code, 0, all.stderr);
  const sections = all.stdout.split('\n\n').filter(Boolean);
  assert.equal(sections.length, 2, all.stdout);
  assert.match(sections[0]!, /^NAME\s+\tREVISION/);
  assert.deepEqual(
    sections[0]!.split('\n').slice(1).map((l) => l.split('\t')[0]!.trim()),
    ['gitrepository/broken', 'gitrepository/infra-fresh', 'gitrepository/podinfo'],
  );
  assert.deepEqual(
    sections[1]!.split('\n').slice(1).map((l) => l.split('\t')[0]!.trim()),
    ['kustomization/apps'],
  );
  assert.ok(all.stdout.endsWith('\n\n'), 'a blank line after each section');
  assert.equal(sources.stdout, 'NAME               \tREVISION            \tSUSPENDED\tREADY\tMESSAGE                                            \n' + "gitrepository/other\tv1.2.3@sha1:696f056d\tFalse    \tTrue \tstored artifact for revision 'v1.2.3@sha1:696f056d'\t\n\n");
});

test('--watch prints the table, then a row for each change, until --timeout', async () => {
  await put(KS, 'get-b', 'watched', ksSpec, (o) => appliedStatus(o, `main@sha1:${SHA}`));
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'get', 'ks', 'watched', '-n', 'get-b', '--watch', '--timeout=8s'], { env: { ...process.env, KUBECONFIG: env.cluster.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  await poll('the first table', () => (stdout.includes('watched') ? true : undefined), 20_000);
  // A controller reports a failure: the watch prints the new state.
  const obj = await env.get(KS, 'get-b', 'watched');
  await env.client.patchStatus({ ...KS, namespace: 'get-b' }, 'watched', 'merge', { status: { conditions: [readyCondition(obj.metadata.generation!, 'False', 'BuildFailed', 'kustomization path not found')] } });
  assert.equal(await exited, 0, stderr);
  const lines = stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^NAME\s*\tREVISION/);
  assert.match(lines[1]!, /^watched\tmain@sha1:696f056d\tFalse\s*\tTrue \tApplied revision/);
  assert.match(lines.at(-1)!, /^watched\tmain@sha1:696f056d\tFalse\tFalse\tkustomization path not found$/);
  const all = await env.run('get', 'all', '--watch');
  assert.deepEqual([all.code, all.stderr], [1, '✗ --watch: expected a single resource type, but found all\n']);
});
