/** kustomize.toolkit.fluxcd.io: Kustomization (storage v1; v1beta2 and v1beta1 served alike). */
import { conditionsSchema, localObjectReference, secretKeyReference, type FluxObject, type LocalObjectReference, type ReconcileStatus } from './meta.js';
import { anything, arr, bool, duration, int64, obj, READY_COLUMNS, str, stringMap, dateTime, type KindDefinition, type Schema } from './openapi.js';

export const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
export const KUSTOMIZE_V1 = `${KUSTOMIZE_GROUP}/v1`;

export interface KustomizationSpec {
  sourceRef: { apiVersion?: string; kind: 'GitRepository' | 'OCIRepository' | 'Bucket' | 'ExternalArtifact'; name: string; namespace?: string };
  path?: string;
  interval: string;
  retryInterval?: string;
  timeout?: string;
  prune: boolean;
  deletionPolicy?: 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan';
  wait?: boolean;
  healthChecks?: { apiVersion?: string; kind: string; name: string; namespace?: string }[];
  healthCheckExprs?: { apiVersion: string; kind?: string; current: string; inProgress?: string; failed?: string }[];
  dependsOn?: { name: string; namespace?: string; readyExpr?: string }[];
  serviceAccountName?: string;
  kubeConfig?: { secretRef?: { name: string; key?: string }; configMapRef?: LocalObjectReference };
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  patches?: { patch: string; target?: Record<string, string> }[];
  /** v1beta1/v1beta2 only. */
  patchesStrategicMerge?: Record<string, unknown>[];
  /** v1beta1/v1beta2 only. */
  patchesJson6902?: { patch: Record<string, unknown>[]; target: Record<string, string> }[];
  /** v1beta1 only; ignored. */
  validation?: string;
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  components?: string[];
  ignoreMissingComponents?: boolean;
  postBuild?: { substitute?: Record<string, string>; substituteFrom?: { kind: 'ConfigMap' | 'Secret'; name: string; optional?: boolean }[] };
  decryption?: { provider: 'sops'; secretRef?: LocalObjectReference; serviceAccountName?: string };
  force?: boolean;
  suspend?: boolean;
}

export interface KustomizationStatus extends ReconcileStatus {
  lastAppliedRevision?: string;
  lastAppliedOriginRevision?: string;
  lastAttemptedRevision?: string;
  inventory?: { entries: { id: string; v: string }[] };
  history?: Record<string, unknown>[];
}

export type Kustomization = FluxObject<KustomizationSpec, KustomizationStatus>;

const selector: Schema = obj({
  annotationSelector: str(),
  group: str(),
  kind: str(),
  labelSelector: str(),
  name: str(),
  namespace: str(),
  version: str(),
});

export const kustomizationDefinition: KindDefinition = {
  group: KUSTOMIZE_GROUP,
  kind: 'Kustomization',
  plural: 'kustomizations',
  singular: 'kustomization',
  shortNames: ['ks'],
  categories: ['all', 'fluxcd'],
  scope: 'Namespaced',
  component: 'kustomize-controller',
  versions: [
    { name: 'v1' },
    { name: 'v1beta2', deprecationWarning: 'v1beta2 Kustomization is deprecated, upgrade to v1' },
    { name: 'v1beta1', deprecationWarning: 'v1beta1 Kustomization is deprecated, upgrade to v1' },
  ],
  printerColumns: READY_COLUMNS,
  schema: obj({
    spec: obj(
      {
        commonMetadata: obj({ annotations: stringMap(), labels: stringMap() }),
        components: arr(str()),
        decryption: obj({ provider: str({ enum: ['sops'] }), secretRef: localObjectReference, serviceAccountName: str() }, ['provider']),
        deletionPolicy: str({ enum: ['MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'] }),
        dependsOn: arr(obj({ name: str(), namespace: str(), readyExpr: str() }, ['name'])),
        force: bool({ default: false }),
        healthCheckExprs: arr(obj({ apiVersion: str(), current: str(), failed: str(), inProgress: str(), kind: str() }, ['apiVersion', 'current'])),
        healthChecks: arr(obj({ apiVersion: str(), kind: str(), name: str(), namespace: str() }, ['kind', 'name'])),
        ignoreMissingComponents: bool(),
        images: arr(obj({ digest: str(), name: str(), newName: str(), newTag: str() }, ['name'])),
        interval: duration(),
        kubeConfig: obj({ configMapRef: localObjectReference, secretRef: secretKeyReference }),
        namePrefix: str({ maxLength: 200 }),
        nameSuffix: str({ maxLength: 200 }),
        patches: arr(obj({ patch: str(), target: selector }, ['patch'])),
        // v1beta1/v1beta2 fields, kept so that 2020-era objects read back whole through v1
        // (None conversion; `validation` is accepted and ignored, as Flux came to do).
        patchesJson6902: arr(obj({ patch: arr(anything()), target: selector }, ['patch', 'target'])),
        patchesStrategicMerge: arr(anything()),
        validation: str(),
        path: str(),
        postBuild: obj({
          substitute: stringMap(),
          substituteFrom: arr(obj({ kind: str({ enum: ['Secret', 'ConfigMap'] }), name: str(), optional: bool({ default: false }) }, ['kind', 'name'])),
        }),
        prune: bool(),
        retryInterval: duration(),
        serviceAccountName: str(),
        sourceRef: obj({ apiVersion: str(), kind: str({ enum: ['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact'] }), name: str(), namespace: str() }, ['kind', 'name']),
        suspend: bool(),
        targetNamespace: str({ maxLength: 63, minLength: 1 }),
        timeout: duration(),
        wait: bool(),
      },
      ['interval', 'prune', 'sourceRef'],
    ),
    status: obj(
      {
        conditions: conditionsSchema,
        history: arr(
          obj(
            {
              digest: str(),
              firstReconciled: dateTime(),
              lastReconciled: dateTime(),
              lastReconciledDuration: str(),
              lastReconciledStatus: str(),
              metadata: stringMap(),
              totalReconciliations: int64(),
            },
            ['digest', 'firstReconciled', 'lastReconciled', 'lastReconciledDuration', 'lastReconciledStatus', 'totalReconciliations'],
          ),
        ),
        inventory: obj({ entries: arr(obj({ id: str(), v: str() }, ['id', 'v'])) }, ['entries']),
        lastAppliedOriginRevision: str(),
        lastAppliedRevision: str(),
        lastAttemptedRevision: str(),
        lastHandledReconcileAt: str(),
        observedGeneration: int64(),
      },
      [],
      { default: { observedGeneration: -1 } },
    ),
  }),
};

export const kustomizeDefinitions: KindDefinition[] = [kustomizationDefinition];
