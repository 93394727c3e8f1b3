// `fluxion events` against the in-process cluster: core/v1 Events written with fixed times
// (so LAST SEEN is known) and by the controllers' own EventRecorder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { allCrds } from '../../src/api/install.js';
import { KubeClient, loadKubeConfig, type KubeObject } from '../../src/kube/index.js';
import { EventRecorder } from '../../src/runtime/events.js';
import { startCluster, type TestCluster } from '../apiserver/helpers.js';
import { fluxion } from './run.js';
import { lastSeen } from '../../src/cli/events.js';

let cluster: TestCluster;
let client: KubeClient;

// Days ago: LAST SEEN in whole days stays the same however long the test takes.
const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
let n = 0;

function event(namespace: string, kind: string, name: string, reason: string, message: string, opts: { type?: string; last: number; first?: number; count?: number }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${++n}`, namespace },
    involvedObject: { kind, name, namespace, apiVersion: 'v1' },
    reason,
    message,
    type: opts.type ?? 'Normal',
    count: opts.count ?? 1,
    firstTimestamp: ago(opts.first ?? opts.last),
    lastTimestamp: ago(opts.last),
    source: { component: 'test' },
  } as KubeObject;
}

before(async () => {
  cluster = await startCluster();
  client = new KubeClient(await loadKubeConfig({ kubeconfig: cluster.kubeconfig }));
  for (const crd of allCrds()) await client.create(crd as KubeObject);
  client.discovery.invalidate();
  for (const ns of ['apps', 'sources', 'empty']) await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await client.create({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'podinfo', namespace: 'apps' },
    spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'podinfo', namespace: 'sources' } },
  } as KubeObject);
  // Written out of time order: the table sorts them.
  await client.create(event('apps', 'Kustomization', 'podinfo', 'ReconciliationSucceeded', 'Reconciliation finished in 1s, next run in 10m0s', { last: 10, first: 16, count: 3 }));
  await client.create(event('apps', 'Kustomization', 'podinfo', 'BuildFailed', 'kustomize build failed: missing.yaml not found', { type: 'Warning', last: 12 }));
  await client.create(event('apps', 'Pod', 'podinfo-abc', 'Scheduled', 'Successfully assigned', { last: 11 }));
  await client.create(event('sources', 'GitRepository', 'podinfo', 'NewArtifact', "stored artifact for commit 'first'", { last: 14 }));
});

after(async () => {
  client?.close();
  await cluster?.stop();
});

const run = (...args: string[]) => fluxion(args, { kubeconfig: cluster.kubeconfig });

test("lists the namespace's Flux events oldest first, leaving out other kinds", async () => {
  const r = await run('events', '-n', 'apps');
  assert.equal(r.code, 0, r.stderr);
  // flux's table: header cells padded and joined by tabs; every data cell padded, then a tab.
  assert.equal(
    r.stdout,
    'LAST SEEN        \tTYPE   \tREASON                 \tOBJECT               \tMESSAGE                                         \n' +
      '12d              \tWarning\tBuildFailed            \tKustomization/podinfo\tkustomize build failed: missing.yaml not found  \t\n' +
      '10d (x3 over 16d)\tNormal \tReconciliationSucceeded\tKustomization/podinfo\tReconciliation finished in 1s, next run in 10m0s\t\n',
  );
});

test('--for Kind/name adds the events of the object it points at, with a NAMESPACE column when it lives elsewhere', async () => {
  const r = await run('events', '-n', 'apps', '--for', 'kustomization/podinfo');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n').map((l) => l.replace(/\t$/, '').split('\t').map((c) => c.trimEnd()));
  assert.deepEqual(rows, [
    ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    ['sources', '14d', 'Normal', 'NewArtifact', 'GitRepository/podinfo', "stored artifact for commit 'first'"],
    ['apps', '12d', 'Warning', 'BuildFailed', 'Kustomization/podinfo', 'kustomize build failed: missing.yaml not found'],
    ['apps', '10d (x3 over 16d)', 'Normal', 'ReconciliationSucceeded', 'Kustomization/podinfo', 'Reconciliation finished in 1s, next run in 10m0s'],
  ]);
});

test('--types and -A filter and widen the listing', async () => {
  const warnings = await run('events', '-A', '--types', 'warning');
  assert.equal(warnings.code, 0, warnings.stderr);
  const rows = warnings.stdout.trimEnd().split('\n').map((l) => l.replace(/\t$/, '').split('\t').map((c) => c.trimEnd()));
  assert.deepEqual(rows.map((r) => [r[0], r[3]]), [
    ['NAMESPACE', 'REASON'],
    ['apps', 'BuildFailed'],
  ]);
  const bad = await run('events', '--types', 'Critical');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, '✗ type \'Critical\' not supported. Supported types are Normal, Warning\n');
});

test('no events is said on stderr, and an unknown --for kind is an error', async () => {
  const none = await run('events', '-n', 'empty');
  assert.equal(none.code, 0);
  assert.equal(none.stdout, '');
  assert.equal(none.stderr, '✗ No events found in empty namespace.\n');
  const bad = await run('events', '-n', 'apps', '--for', 'Deployment/podinfo');
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, "✗ 'Deployment' is not a recognized Flux kind\n");
});

test('-w prints the events there are, then new ones as the controllers record them', async () => {
  const recorder = new EventRecorder({ component: 'source-controller', client });
  let listed: () => void = () => {};
  const seen = new Promise<void>((r) => (listed = r));
  const watching = fluxion(['events', '-n', 'sources', '-w', '--timeout', '6s'], {
    kubeconfig: cluster.kubeconfig,
    onStdout: (out) => out.includes('NewArtifact') && listed(),
  });
  // The existing event is printed first; the new one arrives while the command watches.
  await seen;
  const repo = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'podinfo', namespace: 'sources', uid: 'u-1' } };
  await recorder.record(repo, 'error', 'GitOperationFailed', 'failed to checkout and determine revision');
  const r = await watching;
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => l.replace(/\s*\t?$/, ''));
  assert.match(lines[0]!, /^LAST SEEN\s*\tTYPE\s*\tREASON\s*\tOBJECT\s*\tMESSAGE$/);
  assert.match(lines[1]!, /^14d\s*\tNormal\s*\tNewArtifact\s*\tGitRepository\/podinfo\s*\tstored artifact for commit 'first'$/);
  assert.match(lines[2]!, /^\d+s\s*\tWarning\s*\tGitOperationFailed\s*\tGitRepository\/podinfo\s*\tfailed to checkout and determine revision$/);
  assert.equal(lines.length, 3);
});

test('LAST SEEN follows kubectl: the series, then repeated counts, then the first time', async () => {
  const now = new Date('2025-01-01T12:00:00Z');
  const base = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: {} };
  assert.equal(await lastSeen({ ...base, firstTimestamp: '2025-01-01T11:00:00Z', lastTimestamp: '2025-01-01T11:00:00Z', count: 1 }, now), '60m');
  assert.equal(await lastSeen({ ...base, firstTimestamp: '2025-01-01T09:00:00Z', lastTimestamp: '2025-01-01T11:59:30Z', count: 7 }, now), '30s (x7 over 3h)');
  assert.equal(await lastSeen({ ...base, eventTime: '2025-01-01T11:58:00.000000Z', series: { count: 2, lastObservedTime: '2025-01-01T11:59:00.000000Z' } }, now), '60s (x2 over 2m)');
  assert.equal(await lastSeen({ ...base }, now), '<unknown>');
});
