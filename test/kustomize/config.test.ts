import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  type TransformerConfig,
  defaultTransformerConfig,
  emptyTransformerConfig,
  goSort,
  mergeTransformerConfig,
} from '../../src/kustomize/config/index.js';
import { gvkString } from '../../src/kustomize/config/types.js';
import type { FieldSpec } from '../../src/kustomize/fieldspec.js';

/** The form kustomize prints field specs in (FieldSpec.String()): Kind.version.group:create:path */
const show = (f: FieldSpec) => `${gvkString(f)}:${Boolean(f.create)}:${f.path}`;

test('the default lists have kustomize v5.5 sizes and every list is a fresh copy', () => {
  const tc = defaultTransformerConfig();
  const sizes = Object.fromEntries(Object.entries(tc).map(([k, v]) => [k, (v as unknown[]).length]));
  assert.deepEqual(sizes, {
    namePrefix: 1,
    nameSuffix: 1,
    namespace: 3,
    commonLabels: 32,
    labels: 0,
    templateLabels: 10,
    commonAnnotations: 9,
    nameReference: 16,
    varReference: 72,
    images: 4,
    replicas: 4,
  });
  const refs = Object.fromEntries(tc.nameReference.map((b) => [gvkString(b), b.fieldSpecs.length]));
  assert.equal(refs['ConfigMap.v1.[noGrp]'], 52);
  assert.equal(refs['Secret.v1.[noGrp]'], 70);
  tc.namePrefix.push({ path: 'x' });
  tc.nameReference[0]!.fieldSpecs.length = 0;
  const again = defaultTransformerConfig();
  assert.deepEqual(again.namePrefix, [{ path: 'metadata/name' }]);
  assert.equal(again.nameReference[0]!.fieldSpecs.length, 3);
});

// The expected orders below are what kubectl 1.32 (kustomize v5.5) prints for its loaded
// default configuration: Go's unstable sort by gvk, ties in the order that sort leaves them.
test('default lists are sorted as kustomize sorts them when it loads them', () => {
  const tc = defaultTransformerConfig();
  assert.deepEqual(tc.namespace.map(show), [
    'Namespace.[noVer].[noGrp]:true:metadata/name',
    'CustomResourceDefinition.[noVer].apiextensions.k8s.io:false:spec/conversion/webhook/clientConfig/service/namespace',
    'APIService.[noVer].apiregistration.k8s.io:true:spec/service/namespace',
  ]);
  assert.deepEqual(tc.commonLabels.map(show), [
    'Service.v1.[noGrp]:true:spec/selector',
    'Deployment.[noVer].apps:false:spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
    'Deployment.[noVer].apps:false:spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    'Deployment.[noVer].apps:false:spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
    'Deployment.[noVer].apps:false:spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    'Deployment.[noVer].apps:false:spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
    'Deployment.[noVer].[noGrp]:true:spec/template/metadata/labels',
    'Deployment.[noVer].[noGrp]:true:spec/selector/matchLabels',
    'StatefulSet.[noVer].apps:true:spec/selector/matchLabels',
    'StatefulSet.[noVer].apps:true:spec/volumeClaimTemplates[]/metadata/labels',
    'StatefulSet.[noVer].apps:false:spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
    'StatefulSet.[noVer].apps:false:spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    'StatefulSet.[noVer].apps:false:spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
    'StatefulSet.[noVer].apps:false:spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
    'StatefulSet.[noVer].apps:false:spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
    'StatefulSet.[noVer].apps:true:spec/template/metadata/labels',
    'CronJob.[noVer].batch:true:spec/jobTemplate/metadata/labels',
    'CronJob.[noVer].batch:true:spec/jobTemplate/spec/template/metadata/labels',
    'CronJob.[noVer].batch:false:spec/jobTemplate/spec/selector/matchLabels',
    'PodDisruptionBudget.[noVer].policy:false:spec/selector/matchLabels',
    'Job.[noVer].batch:false:spec/selector/matchLabels',
    'Job.[noVer].batch:true:spec/template/metadata/labels',
    'NetworkPolicy.[noVer].networking.k8s.io:false:spec/egress/to/podSelector/matchLabels',
    'NetworkPolicy.[noVer].networking.k8s.io:false:spec/ingress/from/podSelector/matchLabels',
    'NetworkPolicy.[noVer].networking.k8s.io:false:spec/podSelector/matchLabels',
    'ReplicationController.v1.[noGrp]:true:spec/template/metadata/labels',
    'ReplicationController.v1.[noGrp]:true:spec/selector',
    'DaemonSet.[noVer].[noGrp]:true:spec/template/metadata/labels',
    'DaemonSet.[noVer].[noGrp]:true:spec/selector/matchLabels',
    'ReplicaSet.[noVer].[noGrp]:true:spec/template/metadata/labels',
    'ReplicaSet.[noVer].[noGrp]:true:spec/selector/matchLabels',
    '[noKind].[noVer].[noGrp]:true:metadata/labels',
  ]);
  assert.deepEqual(tc.varReference.slice(0, 14).map(show), [
    'Service.[noVer].[noGrp]:false:spec/ports/port',
    'Service.[noVer].[noGrp]:false:spec/ports/targetPort',
    'PersistentVolume.[noVer].[noGrp]:false:spec/nfs/server',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/initContainers/volumeMounts/mountPath',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/initContainers/env/value',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/initContainers/command',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/initContainers/args',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/containers/volumeMounts/mountPath',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/containers/env/value',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/volumes/nfs/server',
    'Deployment.[noVer].[noGrp]:false:spec/template/metadata/annotations',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/containers/command',
    'Deployment.[noVer].[noGrp]:false:spec/template/spec/containers/args',
    'StatefulSet.[noVer].[noGrp]:false:spec/template/spec/containers/volumeMounts/mountPath',
  ]);
  assert.deepEqual(tc.varReference.slice(-6).map(show), [
    'ReplicaSet.[noVer].[noGrp]:false:spec/template/spec/initContainers/args',
    'ReplicaSet.[noVer].[noGrp]:false:spec/template/spec/initContainers/volumeMounts/mountPath',
    'ReplicaSet.[noVer].[noGrp]:false:spec/template/spec/initContainers/env/value',
    'ReplicaSet.[noVer].[noGrp]:false:spec/template/spec/initContainers/command',
    '[noKind].[noVer].[noGrp]:false:metadata/labels',
    '[noKind].[noVer].[noGrp]:false:metadata/annotations',
  ]);
  assert.deepEqual(
    tc.nameReference.map((b) => gvkString(b)),
    [
      'StorageClass.v1.storage.k8s.io',
      'ServiceAccount.v1.[noGrp]',
      'Role.[noVer].rbac.authorization.k8s.io',
      'ClusterRole.[noVer].rbac.authorization.k8s.io',
      'ConfigMap.v1.[noGrp]',
      'Secret.v1.[noGrp]',
      'Service.v1.[noGrp]',
      'PriorityClass.v1.scheduling.k8s.io',
      'PersistentVolume.v1.[noGrp]',
      'PersistentVolumeClaim.v1.[noGrp]',
      'Deployment.[noVer].[noGrp]',
      'StatefulSet.[noVer].[noGrp]',
      'ValidatingAdmissionPolicy.[noVer].admissionregistration.k8s.io',
      'IngressClass.v1.networking.k8s.io/v1',
      'ReplicaSet.[noVer].[noGrp]',
      'ReplicationController.[noVer].[noGrp]',
    ],
  );
  // Referrers inside a back reference keep their declared order.
  assert.deepEqual(tc.nameReference.find((b) => b.kind === 'Service')!.fieldSpecs.map(show), [
    'StatefulSet.[noVer].apps:false:spec/serviceName',
    'Ingress.[noVer].[noGrp]:false:spec/rules/http/paths/backend/serviceName',
    'Ingress.[noVer].[noGrp]:false:spec/backend/serviceName',
    'Ingress.[noVer].[noGrp]:false:spec/rules/http/paths/backend/service/name',
    'Ingress.[noVer].[noGrp]:false:spec/defaultBackend/service/name',
    'APIService.[noVer].apiregistration.k8s.io:false:spec/service/name',
    'ValidatingWebhookConfiguration.[noVer].admissionregistration.k8s.io:false:webhooks/clientConfig/service',
    'MutatingWebhookConfiguration.[noVer].admissionregistration.k8s.io:false:webhooks/clientConfig/service',
  ]);
});

test('goSort is Go sort.Sort: short runs by insertion (stable), longer ones by pdqsort (not stable)', () => {
  const short = [3, 1, 2, 1, 3, 2].map((k, i) => ({ k, i }));
  goSort(short, (a, b) => a.k < b.k);
  assert.deepEqual(
    short.map((x) => x.i),
    [1, 3, 2, 5, 0, 4],
  );
  // 20 items with 3 distinct keys: pdqsort moves equal items out of their original order.
  const keys = [2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0];
  const long = keys.map((k, i) => ({ k, i }));
  goSort(long, (a, b) => a.k < b.k);
  assert.deepEqual(
    long.map((x) => x.k),
    [...keys].sort(),
  );
  assert.notDeepEqual(
    long.filter((x) => x.k === 0).map((x) => x.i),
    [1, 4, 7, 10, 13, 16, 19],
  );
});

function config(parts: Partial<TransformerConfig>): TransformerConfig {
  return { ...emptyTransformerConfig(), ...parts };
}

test('merging keeps a spec only when no present spec with its path is selected by its gvk', () => {
  const merged = mergeTransformerConfig(defaultTransformerConfig(), config({ namePrefix: [{ kind: 'Deployment', path: 'metadata/name' }] }));
  assert.deepEqual(merged.namePrefix, [{ kind: 'Deployment', path: 'metadata/name' }, { path: 'metadata/name' }]);
  // kustomize then merges that into its empty accumulator configuration: the gvk-less spec is
  // selected by the Deployment one already present and is dropped (prefixes reach Deployments only).
  const accumulated = mergeTransformerConfig(emptyTransformerConfig(), merged);
  assert.deepEqual(accumulated.namePrefix, [{ kind: 'Deployment', path: 'metadata/name' }]);
  // Same path, the incoming spec selects the present one, and create differs: a conflict.
  const withCreate = mergeTransformerConfig(defaultTransformerConfig(), config({ namePrefix: [{ kind: 'Deployment', path: 'metadata/name', create: true }] }));
  assert.throws(() => mergeTransformerConfig(emptyTransformerConfig(), withCreate), {
    message: 'failed to merge NamePrefix fieldSpec: conflicting fieldspecs',
  });
  assert.throws(() => mergeTransformerConfig(defaultTransformerConfig(), config({ commonLabels: [{ path: 'metadata/labels' }] })), {
    message: 'failed to merge CommonLabels fieldSpec: conflicting fieldspecs',
  });
});

test('name references merge per exact target gvk, referrers appended after the present ones', () => {
  const merged = mergeTransformerConfig(
    defaultTransformerConfig(),
    config({
      nameReference: [
        { kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/secretRef/name' }, { kind: 'Pod', version: 'v1', path: 'spec/imagePullSecrets/name' }] },
        { kind: 'Secret', fieldSpecs: [{ kind: 'Other', path: 'spec/secret' }] },
        { kind: 'Bee', version: 'v1beta1', fieldSpecs: [{ kind: 'MyKind', path: 'spec/beeRef/name' }] },
      ],
    }),
  );
  const secret = merged.nameReference.find((b) => b.kind === 'Secret' && b.version === 'v1')!;
  assert.equal(secret.fieldSpecs.length, 71);
  assert.deepEqual(secret.fieldSpecs.at(-1), { kind: 'MyKind', path: 'spec/secretRef/name' });
  // A gvk-less version is another target; known kinds sort by kind rank, then group_version_kind.
  const order = merged.nameReference.map((b) => gvkString(b));
  assert.deepEqual(order.slice(5, 8), ['Secret.v1.[noGrp]', 'Secret.[noVer].[noGrp]', 'Service.v1.[noGrp]']);
  assert.deepEqual(order.slice(-4), ['IngressClass.v1.networking.k8s.io/v1', 'Bee.v1beta1.[noGrp]', 'ReplicaSet.[noVer].[noGrp]', 'ReplicationController.[noVer].[noGrp]']);
  assert.throws(
    () => mergeTransformerConfig(merged, config({ nameReference: [{ kind: 'Secret', version: 'v1', fieldSpecs: [{ kind: 'Pod', path: 'spec/imagePullSecrets/name', create: true }] }] })),
    { message: 'failed to merge NameReference fieldSpec: conflicting fieldspecs' },
  );
});
