/**
 * kustomize v5.5's default field specs (api/konfig/builtinpluginconsts), in its declaration
 * order. defaultTransformerConfig() sorts them as kustomize does when it loads them.
 */
import type { FieldSpec } from '../fieldspec.js';
import { sortTransformerConfig } from './merge.js';
import { type NameBackReference, type TransformerConfig, copyTransformerConfig } from './types.js';

interface Opts {
  group?: string;
  version?: string;
  create?: boolean;
}

function f(path: string, kind?: string, opts: Opts = {}): FieldSpec {
  const out: FieldSpec = { path };
  if (opts.group) out.group = opts.group;
  if (opts.version) out.version = opts.version;
  if (kind) out.kind = kind;
  if (opts.create) out.create = true;
  return out;
}

/** The pod spec of each workload kind, as the name-reference lists name them (Pod carries version v1). */
const POD_SPECS: [kind: string, prefix: string, opts: Opts][] = [
  ['Pod', 'spec/', { version: 'v1' }],
  ['PodTemplate', 'template/spec/', {}],
  ['Deployment', 'spec/template/spec/', {}],
  ['ReplicaSet', 'spec/template/spec/', {}],
  ['DaemonSet', 'spec/template/spec/', {}],
  ['StatefulSet', 'spec/template/spec/', {}],
  ['Job', 'spec/template/spec/', {}],
];
const CRONJOB_POD_SPEC = 'spec/jobTemplate/spec/template/spec/';

/** Referrers inside pod specs: `fields` for every workload, `cronJobFields` (another order) for CronJob. */
function podReferrers(fields: string[], cronJobFields: string[]): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [kind, prefix, opts] of POD_SPECS) for (const p of fields) out.push(f(prefix + p, kind, opts));
  for (const p of cronJobFields) out.push(f(CRONJOB_POD_SPEC + p, 'CronJob'));
  return out;
}

const CM_VOLUME = 'volumes/configMap/name';
const CM_PROJECTED = 'volumes/projected/sources/configMap/name';
const CM_ENV = ['containers/env/valueFrom/configMapKeyRef/name', 'initContainers/env/valueFrom/configMapKeyRef/name'];
const CM_ENVFROM = ['containers/envFrom/configMapRef/name', 'initContainers/envFrom/configMapRef/name'];
const SECRET_VOLUME = 'volumes/secret/secretName';
const SECRET_PROJECTED = 'volumes/projected/sources/secret/name';
const SECRET_ENV = ['containers/env/valueFrom/secretKeyRef/name', 'initContainers/env/valueFrom/secretKeyRef/name'];
const SECRET_ENVFROM = ['containers/envFrom/secretRef/name', 'initContainers/envFrom/secretRef/name'];
const PULL_SECRETS = 'imagePullSecrets/name';

/** Kinds whose pod template holds a field, in the order the ServiceAccount/PVC/PriorityClass lists use. */
function templateReferrers(field: string): FieldSpec[] {
  return [
    f(`spec/${field}`, 'Pod'),
    f(`spec/template/spec/${field}`, 'StatefulSet'),
    f(`spec/template/spec/${field}`, 'Deployment'),
    f(`spec/template/spec/${field}`, 'ReplicationController'),
    f(`spec/jobTemplate/spec/template/spec/${field}`, 'CronJob'),
    f(`spec/template/spec/${field}`, 'Job'),
    f(`spec/template/spec/${field}`, 'DaemonSet'),
  ];
}

const RBAC = 'rbac.authorization.k8s.io';
const ADMISSION = 'admissionregistration.k8s.io';
const HPA_TARGET = f('spec/scaleTargetRef/name', 'HorizontalPodAutoscaler');

const NAME_REFERENCE: NameBackReference[] = [
  { kind: 'Deployment', fieldSpecs: [HPA_TARGET] },
  { kind: 'ReplicationController', fieldSpecs: [HPA_TARGET] },
  { kind: 'ReplicaSet', fieldSpecs: [HPA_TARGET] },
  { kind: 'StatefulSet', fieldSpecs: [HPA_TARGET] },
  {
    kind: 'ConfigMap',
    version: 'v1',
    fieldSpecs: [
      ...podReferrers([CM_VOLUME, ...CM_ENV, ...CM_ENVFROM, CM_PROJECTED], [CM_VOLUME, CM_PROJECTED, ...CM_ENV, ...CM_ENVFROM]),
      f('spec/configSource/configMap', 'Node'),
      f('rules/resourceNames', 'Role'),
      f('rules/resourceNames', 'ClusterRole'),
      f('metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', 'Ingress'),
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    fieldSpecs: [
      ...podReferrers(
        [SECRET_VOLUME, ...SECRET_ENV, ...SECRET_ENVFROM, PULL_SECRETS, SECRET_PROJECTED],
        [SECRET_VOLUME, SECRET_PROJECTED, ...SECRET_ENV, ...SECRET_ENVFROM, PULL_SECRETS],
      ),
      f('spec/tls/secretName', 'Ingress'),
      f('metadata/annotations/ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      f('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', 'Ingress'),
      f('metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', 'Ingress'),
      // Listed twice upstream; kept, since merges and the transformer see the duplicate.
      f('spec/tls/secretName', 'Ingress'),
      f('imagePullSecrets/name', 'ServiceAccount'),
      f('parameters/secretName', 'StorageClass'),
      f('parameters/adminSecretName', 'StorageClass'),
      f('parameters/userSecretName', 'StorageClass'),
      f('parameters/secretRef', 'StorageClass'),
      f('rules/resourceNames', 'Role'),
      f('rules/resourceNames', 'ClusterRole'),
      f('spec/template/spec/containers/env/valueFrom/secretKeyRef/name', 'Service', { group: 'serving.knative.dev', version: 'v1' }),
      f('spec/azureFile/secretName', 'PersistentVolume'),
    ],
  },
  {
    kind: 'Service',
    version: 'v1',
    fieldSpecs: [
      f('spec/serviceName', 'StatefulSet', { group: 'apps' }),
      f('spec/rules/http/paths/backend/serviceName', 'Ingress'),
      f('spec/backend/serviceName', 'Ingress'),
      f('spec/rules/http/paths/backend/service/name', 'Ingress'),
      f('spec/defaultBackend/service/name', 'Ingress'),
      f('spec/service/name', 'APIService', { group: 'apiregistration.k8s.io' }),
      f('webhooks/clientConfig/service', 'ValidatingWebhookConfiguration', { group: ADMISSION }),
      f('webhooks/clientConfig/service', 'MutatingWebhookConfiguration', { group: ADMISSION }),
    ],
  },
  { kind: 'Role', group: RBAC, fieldSpecs: [f('roleRef/name', 'RoleBinding', { group: RBAC })] },
  {
    kind: 'ClusterRole',
    group: RBAC,
    fieldSpecs: [f('roleRef/name', 'RoleBinding', { group: RBAC }), f('roleRef/name', 'ClusterRoleBinding', { group: RBAC })],
  },
  {
    kind: 'ServiceAccount',
    version: 'v1',
    fieldSpecs: [
      f('subjects', 'RoleBinding', { group: RBAC }),
      f('subjects', 'ClusterRoleBinding', { group: RBAC }),
      ...templateReferrers('serviceAccountName'),
    ],
  },
  { kind: 'PersistentVolumeClaim', version: 'v1', fieldSpecs: templateReferrers('volumes/persistentVolumeClaim/claimName') },
  {
    kind: 'PersistentVolume',
    version: 'v1',
    fieldSpecs: [f('spec/volumeName', 'PersistentVolumeClaim'), f('rules/resourceNames', 'ClusterRole')],
  },
  {
    kind: 'StorageClass',
    version: 'v1',
    group: 'storage.k8s.io',
    fieldSpecs: [
      f('spec/storageClassName', 'PersistentVolume'),
      f('spec/storageClassName', 'PersistentVolumeClaim'),
      f('spec/volumeClaimTemplates/spec/storageClassName', 'StatefulSet'),
    ],
  },
  { kind: 'PriorityClass', version: 'v1', group: 'scheduling.k8s.io', fieldSpecs: templateReferrers('priorityClassName') },
  // The group really is "networking.k8s.io/v1" upstream, so this entry never matches a resource.
  { kind: 'IngressClass', version: 'v1', group: 'networking.k8s.io/v1', fieldSpecs: [f('spec/ingressClassName', 'Ingress')] },
  {
    kind: 'ValidatingAdmissionPolicy',
    group: ADMISSION,
    fieldSpecs: [f('spec/policyName', 'ValidatingAdmissionPolicyBinding', { group: ADMISSION })],
  },
];

const TEMPLATE_LABELS: FieldSpec[] = [
  f('metadata/labels', undefined, { create: true }),
  f('spec/template/metadata/labels', 'ReplicationController', { version: 'v1', create: true }),
  f('spec/template/metadata/labels', 'Deployment', { create: true }),
  f('spec/template/metadata/labels', 'ReplicaSet', { create: true }),
  f('spec/template/metadata/labels', 'DaemonSet', { create: true }),
  f('spec/template/metadata/labels', 'StatefulSet', { group: 'apps', create: true }),
  f('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { group: 'apps', create: true }),
  f('spec/template/metadata/labels', 'Job', { group: 'batch', create: true }),
  f('spec/jobTemplate/metadata/labels', 'CronJob', { group: 'batch', create: true }),
  f('spec/jobTemplate/spec/template/metadata/labels', 'CronJob', { group: 'batch', create: true }),
];

const AFFINITY_SELECTORS = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

const COMMON_LABELS: FieldSpec[] = [
  f('spec/selector', 'Service', { version: 'v1', create: true }),
  f('spec/selector', 'ReplicationController', { version: 'v1', create: true }),
  f('spec/selector/matchLabels', 'Deployment', { create: true }),
  ...AFFINITY_SELECTORS.map((p) => f(p, 'Deployment', { group: 'apps' })),
  f('spec/selector/matchLabels', 'ReplicaSet', { create: true }),
  f('spec/selector/matchLabels', 'DaemonSet', { create: true }),
  f('spec/selector/matchLabels', 'StatefulSet', { group: 'apps', create: true }),
  ...AFFINITY_SELECTORS.map((p) => f(p, 'StatefulSet', { group: 'apps' })),
  f('spec/selector/matchLabels', 'Job', { group: 'batch' }),
  f('spec/jobTemplate/spec/selector/matchLabels', 'CronJob', { group: 'batch' }),
  f('spec/selector/matchLabels', 'PodDisruptionBudget', { group: 'policy' }),
  f('spec/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  f('spec/ingress/from/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  f('spec/egress/to/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io' }),
  ...TEMPLATE_LABELS,
];

const COMMON_ANNOTATIONS: FieldSpec[] = [
  f('metadata/annotations', undefined, { create: true }),
  f('spec/template/metadata/annotations', 'ReplicationController', { version: 'v1', create: true }),
  f('spec/template/metadata/annotations', 'Deployment', { create: true }),
  f('spec/template/metadata/annotations', 'ReplicaSet', { create: true }),
  f('spec/template/metadata/annotations', 'DaemonSet', { create: true }),
  f('spec/template/metadata/annotations', 'StatefulSet', { create: true }),
  f('spec/template/metadata/annotations', 'Job', { group: 'batch', create: true }),
  f('spec/jobTemplate/metadata/annotations', 'CronJob', { group: 'batch', create: true }),
  f('spec/jobTemplate/spec/template/metadata/annotations', 'CronJob', { group: 'batch', create: true }),
];

/** $(VAR) places in a pod spec: container args, command, env values and mount paths, then an NFS server. */
function containerVars(kind: string, podSpec: string, nfsServer: string): FieldSpec[] {
  const fields = ['args', 'command', 'env/value', 'volumeMounts/mountPath'];
  return [
    ...fields.map((x) => f(`${podSpec}containers/${x}`, kind)),
    ...fields.map((x) => f(`${podSpec}initContainers/${x}`, kind)),
    f(nfsServer, kind),
  ];
}

const VAR_REFERENCE: FieldSpec[] = [
  ...containerVars('CronJob', CRONJOB_POD_SPEC, 'spec/jobTemplate/spec/template/volumes/nfs/server'),
  ...containerVars('DaemonSet', 'spec/template/spec/', 'spec/template/spec/volumes/nfs/server'),
  ...containerVars('Deployment', 'spec/template/spec/', 'spec/template/spec/volumes/nfs/server'),
  f('spec/template/metadata/annotations', 'Deployment'),
  f('spec/rules/host', 'Ingress'),
  f('spec/tls/hosts', 'Ingress'),
  f('spec/tls/secretName', 'Ingress'),
  ...containerVars('Job', 'spec/template/spec/', 'spec/template/spec/volumes/nfs/server'),
  ...containerVars('Pod', 'spec/', 'spec/volumes/nfs/server'),
  ...containerVars('ReplicaSet', 'spec/template/spec/', 'spec/template/spec/volumes/nfs/server'),
  f('spec/ports/port', 'Service'),
  f('spec/ports/targetPort', 'Service'),
  ...containerVars('StatefulSet', 'spec/template/spec/', 'spec/volumeClaimTemplates/spec/nfs/server'),
  f('spec/nfs/server', 'PersistentVolume'),
  f('metadata/labels'),
  f('metadata/annotations'),
];

/** The tables in kustomize's declaration order, before its load-time sort. */
export const DECLARED_DEFAULTS: Readonly<TransformerConfig> = {
  namePrefix: [f('metadata/name')],
  nameSuffix: [f('metadata/name')],
  namespace: [
    f('metadata/name', 'Namespace', { create: true }),
    f('spec/service/namespace', 'APIService', { group: 'apiregistration.k8s.io', create: true }),
    f('spec/conversion/webhook/clientConfig/service/namespace', 'CustomResourceDefinition', { group: 'apiextensions.k8s.io' }),
  ],
  commonLabels: COMMON_LABELS,
  labels: [],
  templateLabels: TEMPLATE_LABELS,
  commonAnnotations: COMMON_ANNOTATIONS,
  nameReference: NAME_REFERENCE,
  varReference: VAR_REFERENCE,
  images: [
    f('spec/containers[]/image', undefined, { create: true }),
    f('spec/initContainers[]/image', undefined, { create: true }),
    f('spec/template/spec/containers[]/image', undefined, { create: true }),
    f('spec/template/spec/initContainers[]/image', undefined, { create: true }),
  ],
  replicas: [
    f('spec/replicas', 'Deployment', { create: true }),
    f('spec/replicas', 'ReplicationController', { create: true }),
    f('spec/replicas', 'ReplicaSet', { create: true }),
    f('spec/replicas', 'StatefulSet', { create: true }),
  ],
};

let sortedDefaults: TransformerConfig | undefined;

/** kustomize's default configuration, sorted as it loads it; a fresh copy on every call. */
export function defaultTransformerConfig(): TransformerConfig {
  if (!sortedDefaults) {
    sortedDefaults = copyTransformerConfig(DECLARED_DEFAULTS as TransformerConfig);
    sortTransformerConfig(sortedDefaults);
  }
  return copyTransformerConfig(sortedDefaults);
}
