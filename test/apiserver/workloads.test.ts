import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { poll, startCluster, type TestCluster } from './helpers.js';
import type { RunningWorkload, WorkloadRunner } from '../../src/apiserver/index.js';
import type { ValueMap } from '../../src/yaml/types.js';

const calls: string[] = [];
const runner: WorkloadRunner = {
  recognizes: (d) => ((d.metadata as ValueMap).labels as ValueMap | undefined)?.['app.kubernetes.io/part-of'] === 'fluxion',
  start: (d): RunningWorkload => {
    const name = String((d.metadata as ValueMap).name);
    calls.push(`start ${name}`);
    if (name === 'broken') throw new Error('cannot run');
    return { update: (nd) => void calls.push(`update ${String((nd.metadata as ValueMap).name)}`), stop: () => void calls.push(`stop ${name}`) };
  },
};

let c: TestCluster;
before(async () => {
  c = await startCluster({ runners: [runner] });
});
after(async () => {
  await c?.stop();
});

const deployment = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'ghcr.io/example/fluxion:1' }] } } },
});

test('a runner is handed the Deployments it recognises: start, update on spec change, stop on delete', async () => {
  const part = { 'app.kubernetes.io/part-of': 'fluxion' };
  await c.req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('controller', part));
  await c.req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('plain'));
  await poll('started', () => calls.includes('start controller'));
  await c.req('PATCH', '/apis/apps/v1/namespaces/default/deployments/controller', { spec: { template: { metadata: { annotations: { restart: '1' } } } } }, { 'Content-Type': 'application/merge-patch+json' });
  await poll('updated', () => calls.includes('update controller'));
  await poll('available', async () => (await c.req('GET', '/apis/apps/v1/namespaces/default/deployments/controller')).json.status?.availableReplicas === 1);
  await c.req('DELETE', '/apis/apps/v1/namespaces/default/deployments/controller');
  await poll('stopped', () => calls.includes('stop controller'));
  assert.equal(calls.some((x) => x.endsWith(' plain')), false);
});

test('a runner that fails makes the Deployment stall', async () => {
  await c.req('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('broken', { 'app.kubernetes.io/part-of': 'fluxion' }));
  const d = await poll('stalled', async () => {
    const r = await c.req('GET', '/apis/apps/v1/namespaces/default/deployments/broken');
    return r.json.status?.conditions?.some((x: { reason: string }) => x.reason === 'ProgressDeadlineExceeded') ? r.json : undefined;
  });
  assert.equal(d.status.conditions.find((x: { type: string }) => x.type === 'Progressing').status, 'False');
});

test('StatefulSets get ordinal pods and bound claims; DaemonSets one pod per node', async () => {
  await c.req('POST', '/apis/apps/v1/namespaces/default/statefulsets', {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas: 2,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'postgres:16' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  });
  const sts = await poll('sts ready', async () => {
    const r = await c.req('GET', '/apis/apps/v1/namespaces/default/statefulsets/db');
    return r.json.status?.readyReplicas === 2 ? r.json : undefined;
  });
  assert.equal(sts.status.currentRevision, sts.status.updateRevision);
  const pods = await c.req('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Ddb');
  assert.deepEqual(pods.json.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['db-0', 'db-1']);
  await poll('claims bound', async () => {
    const r = await c.req('GET', '/api/v1/namespaces/default/persistentvolumeclaims');
    const names = r.json.items.filter((p: { status: { phase: string } }) => p.status.phase === 'Bound').map((p: { metadata: { name: string } }) => p.metadata.name);
    return names.includes('data-db-0') && names.includes('data-db-1');
  });
  await c.req('POST', '/apis/apps/v1/namespaces/default/daemonsets', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'agent:1' }] } } },
  });
  const ds = await poll('ds ready', async () => {
    const r = await c.req('GET', '/apis/apps/v1/namespaces/default/daemonsets/agent');
    return r.json.status?.numberReady === 1 ? r.json : undefined;
  });
  assert.deepEqual([ds.status.desiredNumberScheduled, ds.status.updatedNumberScheduled, ds.status.numberAvailable], [1, 1, 1]);
});

test('core/v1 and events.k8s.io/v1 Events are one resource in two shapes', async () => {
  await c.req('POST', '/api/v1/namespaces/default/events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'e1' },
    involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' },
    reason: 'Started',
    message: 'hello',
    source: { component: 'kubelet' },
    type: 'Normal',
  });
  const viaNew = await c.req('GET', '/apis/events.k8s.io/v1/namespaces/default/events/e1');
  assert.deepEqual([viaNew.json.apiVersion, viaNew.json.regarding, viaNew.json.note, viaNew.json.reportingController], ['events.k8s.io/v1', { kind: 'Pod', name: 'p', namespace: 'default' }, 'hello', 'kubelet']);
  const filtered = await c.req('GET', `/api/v1/namespaces/default/events?fieldSelector=${encodeURIComponent('involvedObject.name=p,reason=Started')}`);
  assert.deepEqual(filtered.json.items.map((e: { metadata: { name: string } }) => e.metadata.name), ['e1']);
});

test('a Job marked to fail reports Failed after the simulated back-off', async () => {
  await c.req('POST', '/apis/batch/v1/namespaces/default/jobs', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'doomed', annotations: { 'fluxion.dev/simulate': 'fail' } },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
  });
  const job = await poll('job failed', async () => {
    const r = await c.req('GET', '/apis/batch/v1/namespaces/default/jobs/doomed');
    return r.json.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Failed' && x.status === 'True') ? r.json : undefined;
  });
  assert.equal(job.status.conditions.find((x: { type: string }) => x.type === 'Failed').reason, 'BackoffLimitExceeded');
  assert.equal(job.status.succeeded, undefined);
});
