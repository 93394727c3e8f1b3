/**
 * Facts about Kubernetes kinds as kustomize v5.5 knows them: per-kind schemas for strategic
 * merge (list merge keys and strategies, nested types) and namespace scope.
 */
import { SchemaSet, type SchemaNode } from './schema-set.js';

export { SchemaNode, SchemaSet, type SchemaType } from './schema-set.js';
export type { CompactType, CompactObject, TypeCode } from './compact.js';

/** kustomize's built-in schema set (Kubernetes v1.21.2 definitions). */
export function defaultSchemaSet(): SchemaSet {
  return SchemaSet.builtin();
}

/** The built-in schema of a kind, by exact apiVersion and kind; undefined for unknown kinds. */
export function schemaFor(apiVersion: string, kind: string): SchemaNode | undefined {
  return SchemaSet.builtin().schemaFor(apiVersion, kind);
}

/**
 * Whether kustomize treats the kind as namespaced: false only for the kinds in its precomputed
 * cluster-scoped list, matched on the exact apiVersion (so `rbac.authorization.k8s.io/v1alpha1
 * ClusterRole`, or any CRD kind, counts as namespaced). An empty group means the core group.
 */
export function isNamespaced(group: string, version: string | undefined, kind: string): boolean {
  const v = version ?? '';
  return SchemaSet.builtin().isNamespaced(group === '' ? v : `${group}/${v}`, kind);
}
