/**
 * Pieces every Flux kind shares (fluxcd/pkg apis/meta): conditions, artifacts, object
 * references, and the common status fields.
 */
import type { KubeObject } from '../kube/types.js';
import { arr, dateTime, int64, obj, str, stringMap, type Schema } from './openapi.js';

/** The finalizer every Flux kind carries. */
export const FLUX_FINALIZER = 'finalizers.fluxcd.io';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface Artifact {
  path: string;
  url: string;
  revision: string;
  digest?: string;
  lastUpdateTime: string;
  size?: number;
  metadata?: Record<string, string>;
}

export interface LocalObjectReference {
  name: string;
}

export interface SecretKeyReference {
  name: string;
  key?: string;
}

export interface NamespacedObjectKindReference {
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ReconcileStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  lastHandledReconcileAt?: string;
}

export interface FluxObject<Spec, Status extends ReconcileStatus = ReconcileStatus> extends KubeObject {
  spec: Spec;
  status?: Status;
}

export const conditionSchema: Schema = obj(
  {
    lastTransitionTime: dateTime(),
    message: str({ maxLength: 32768 }),
    observedGeneration: int64({ minimum: 0 }),
    reason: str({ maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
    status: str({ enum: ['True', 'False', 'Unknown'] }),
    type: str({ maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' }),
  },
  ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
);

export const conditionsSchema: Schema = arr(conditionSchema);

export const artifactSchema: Schema = obj(
  {
    digest: str({ pattern: '^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$' }),
    lastUpdateTime: dateTime(),
    metadata: stringMap(),
    path: str(),
    revision: str(),
    size: int64(),
    url: str(),
  },
  ['lastUpdateTime', 'path', 'revision', 'url'],
);

export const localObjectReference: Schema = obj({ name: str() }, ['name']);

export const secretKeyReference: Schema = obj({ key: str(), name: str() }, ['name']);

/** observedGeneration, conditions and lastHandledReconcileAt (plus kind-specific fields). */
export function statusSchema(extra: Record<string, Schema>): Schema {
  return obj({ conditions: conditionsSchema, lastHandledReconcileAt: str(), observedGeneration: int64(), ...extra }, [], { default: { observedGeneration: -1 } });
}

