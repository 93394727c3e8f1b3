import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateStatus, computeStatus, describeWaitFailure } from '../../src/kube/kstatus.js';

const deployment = (spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'app', generation },
  spec: { replicas: 3, progressDeadlineSeconds: 600, ...spec },
  status: { observedGeneration: generation, ...status },
});
const availableConditions = [
  { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
  { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
];

test('Deployment: Current once every replica is updated, available and ready', () => {
  const full = { replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, conditions: availableConditions };
  assert.deepEqual(computeStatus(deployment({}, full)), { status: 'Current', message: 'Deployment is available. Replicas: 3' });
  assert.deepEqual(computeStatus(deployment({}, { ...full, replicas: 2 })), { status: 'InProgress', message: 'replicas: 2/3', reason: 'LessReplicas' });
  assert.deepEqual(computeStatus(deployment({}, { ...full, updatedReplicas: 1 })), { status: 'InProgress', message: 'Updated: 1/3', reason: 'LessUpdated' });
  assert.deepEqual(computeStatus(deployment({}, { ...full, replicas: 4 })), { status: 'InProgress', message: 'Pending termination: 1', reason: 'ExtraPods' });
  assert.deepEqual(computeStatus(deployment({}, { ...full, availableReplicas: 2 })), { status: 'InProgress', message: 'Available: 2/3', reason: 'LessAvailable' });
  assert.deepEqual(computeStatus(deployment({}, { ...full, readyReplicas: 2, availableReplicas: 3 })), { status: 'InProgress', message: 'Ready: 2/3', reason: 'LessReady' });
  assert.deepEqual(computeStatus(deployment({}, { ...full, conditions: [] })), { status: 'InProgress', message: 'ReplicaSet not Available', reason: 'ReplicaSetNotAvailable' });
});

test('Deployment: an exceeded progress deadline is Failed; an unobserved generation is InProgress', () => {
  const stuck = { replicas: 3, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] };
  assert.deepEqual(computeStatus(deployment({}, stuck)), { status: 'Failed', message: 'Progress deadline exceeded', reason: 'ProgressDeadlineExceeded' });
  const behind = deployment({}, {});
  (behind.status as Record<string, unknown>).observedGeneration = 1;
  assert.deepEqual(computeStatus(behind), {
    status: 'InProgress',
    message: 'Deployment generation is 2, but latest observed generation is 1',
    reason: 'LatestGenerationNotObserved',
  });
});

test('StatefulSet, DaemonSet and ReplicaSet rules', () => {
  const sts = (status: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: { replicas: 2, ...spec },
    status,
  });
  const stsReady = { replicas: 2, readyReplicas: 2, currentReplicas: 2, updatedReplicas: 2, currentRevision: 'r1', updateRevision: 'r1' };
  assert.deepEqual(computeStatus(sts(stsReady)), { status: 'Current', message: 'All replicas scheduled as expected. Replicas: 2' });
  assert.deepEqual(computeStatus(sts({ ...stsReady, updateRevision: 'r2' })), {
    status: 'InProgress',
    message: 'Waiting for updated revision to match current',
    reason: 'RevisionMismatch',
  });
  assert.deepEqual(computeStatus(sts({}, { updateStrategy: { type: 'OnDelete' } })), { status: 'Current', message: 'StatefulSet is using the ondelete update strategy' });

  const ds = (status: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, status });
  assert.deepEqual(computeStatus(ds({})), { status: 'InProgress', message: 'Missing .status.desiredNumberScheduled', reason: 'NoDesiredNumber' });
  assert.deepEqual(computeStatus(ds({ desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 1 })), {
    status: 'InProgress',
    message: 'Ready: 1/2',
    reason: 'LessReady',
  });

  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1' }, spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, fullyLabeledReplicas: 1 } };
  assert.deepEqual(computeStatus(rs), { status: 'Current', message: 'ReplicaSet is available. Replicas: 1' });
});

test('Pods: ready, crash-looping, unschedulable, pending', () => {
  const pod = (status: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status });
  assert.deepEqual(computeStatus(pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] })), { status: 'Current', message: 'Pod is Ready' });
  assert.deepEqual(
    computeStatus(pod({ phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }, { name: 'side', state: { running: {} } }] })),
    { status: 'Failed', message: 'Containers in CrashLoop state: app', reason: 'ContainerCrashLooping' },
  );
  assert.deepEqual(computeStatus(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })), {
    status: 'Failed',
    message: 'Pod could not be scheduled',
    reason: 'PodUnschedulable',
  });
  assert.deepEqual(computeStatus(pod({})), { status: 'InProgress', message: 'Pod phase not available', reason: 'PodNotObserved' });
  assert.deepEqual(computeStatus(pod({ phase: 'Succeeded' })), { status: 'Current', message: 'Pod has completed successfully' });
  assert.deepEqual(computeStatus(pod({ phase: 'Weird' })), { status: 'Unknown', message: 'unknown phase Weird' });
});

test('Jobs are Current only once complete (Flux’s reader), Failed when failed', () => {
  const job = (status: Record<string, unknown>) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { completions: 1 }, status });
  assert.deepEqual(computeStatus(job({ startTime: '2024-01-01T00:00:00Z', active: 1 })), { status: 'InProgress', message: 'Job in progress', reason: 'JobInProgress' });
  assert.deepEqual(computeStatus(job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] })), { status: 'Current', message: 'Job Completed. succeeded: 1/1' });
  assert.deepEqual(computeStatus(job({ failed: 2, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] })), {
    status: 'Failed',
    message: 'Job Failed. failed: 2/1',
    reason: 'JobFailed',
  });
});

test('PVCs, Services, CRDs, Namespaces, ConfigMaps', () => {
  assert.deepEqual(computeStatus({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, status: { phase: 'Pending' } }), {
    status: 'InProgress',
    message: 'PVC is not Bound. phase: Pending',
    reason: 'NotBound',
  });
  assert.deepEqual(computeStatus({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'LoadBalancer' } }), {
    status: 'InProgress',
    message: 'ClusterIP not set. Service type: LoadBalancer',
    reason: 'NoIPAssigned',
  });
  assert.deepEqual(computeStatus({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: '10.0.0.1' } }), { status: 'Current', message: 'Service is ready' });
  const crd = (conditions: unknown[]) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, status: { conditions } });
  assert.deepEqual(computeStatus(crd([])), { status: 'InProgress', message: 'Install in progress', reason: 'Installing' });
  assert.deepEqual(computeStatus(crd([{ type: 'NamesAccepted', status: 'True' }, { type: 'Established', status: 'True' }])), { status: 'Current', message: 'CRD is established' });
  assert.deepEqual(computeStatus(crd([{ type: 'NamesAccepted', status: 'False', reason: 'NameConflict', message: 'taken' }])), { status: 'Failed', message: 'taken', reason: 'NameConflict' });
  assert.deepEqual(computeStatus({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app' }, status: { phase: 'Active' } }), { status: 'Current', message: 'Resource is current' });
  assert.deepEqual(computeStatus({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', deletionTimestamp: '2024-01-01T00:00:00Z' } }), {
    status: 'Terminating',
    message: 'Resource scheduled for deletion',
  });
  assert.deepEqual(computeStatus({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), { status: 'Current', message: 'Resource is always ready' });
  assert.deepEqual(computeStatus(undefined), { status: 'NotFound', message: 'Resource not found' });
});

test('Flux kinds: observedGeneration, Reconciling, Stalled, then Ready', () => {
  const ks = (conditions: unknown[], observedGeneration = 3) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'apps', namespace: 'flux-system', generation: 3 },
    status: { observedGeneration, conditions },
  });
  assert.deepEqual(computeStatus(ks([{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc' }])), {
    status: 'Current',
    message: 'Resource is Ready',
  });
  assert.deepEqual(computeStatus(ks([], -1)), {
    status: 'InProgress',
    message: 'Kustomization generation is 3, but latest observed generation is -1',
    reason: 'LatestGenerationNotObserved',
  });
  assert.deepEqual(
    computeStatus(
      ks([
        { type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomize build failed' },
        { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: 'Detecting drift' },
      ]),
    ),
    { status: 'InProgress', message: 'Detecting drift', reason: 'ProgressingWithRetry' },
  );
  assert.deepEqual(computeStatus(ks([{ type: 'Stalled', status: 'True', reason: 'InvalidCELExpression', message: 'bad expr' }])), {
    status: 'Failed',
    message: 'bad expr',
    reason: 'InvalidCELExpression',
  });
  assert.deepEqual(computeStatus(ks([{ type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: "dependency 'flux-system/infra' is not ready" }])), {
    status: 'InProgress',
    message: "dependency 'flux-system/infra' is not ready",
    reason: 'DependencyNotReady',
  });
  assert.deepEqual(computeStatus({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }), { status: 'Current', message: 'Resource is current' });
  assert.deepEqual(computeStatus({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', generation: 2 }, status: { observedGeneration: 'two' } }), {
    status: 'Unknown',
    message: 'looking up status.observedGeneration from resource: not an integer',
  });
});

test('aggregate status and the wait failure message', () => {
  assert.equal(aggregateStatus([]), 'Current');
  assert.equal(aggregateStatus(['Current', 'Current']), 'Current');
  assert.equal(aggregateStatus(['Current', 'InProgress']), 'InProgress');
  assert.equal(aggregateStatus(['InProgress', 'Failed']), 'Failed');
  const checked = [
    { kind: 'Deployment', namespace: 'app', name: 'web', result: { status: 'InProgress' as const, message: 'Ready: 1/3' } },
    { kind: 'Namespace', name: 'app', result: { status: 'Current' as const, message: 'Resource is current' } },
    { kind: 'Job', namespace: 'app', name: 'migrate', result: { status: 'Failed' as const, message: 'Job Failed. failed: 1/1' } },
    { kind: 'Widget', namespace: 'app', name: 'w', result: undefined },
  ];
  assert.equal(
    describeWaitFailure(checked, true),
    "timeout waiting for: [Deployment/app/web status: 'InProgress', Job/app/migrate status: 'Failed', can't determine status for Widget/app/w]",
  );
  assert.equal(
    describeWaitFailure(checked.slice(0, 3), false),
    "failed early due to stalled resources: [Job/app/migrate status: 'Failed']",
  );
  assert.equal(describeWaitFailure(checked.slice(1, 2), true), undefined);
});
