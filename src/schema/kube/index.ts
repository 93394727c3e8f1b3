/**
 * Kubernetes v1.33 kind facts for the local cluster: the served resources and their
 * schemas (generated), plus a resolver for `$ref`s. Kept apart from kustomize's v1.21.2
 * table in src/schema, which exists for build parity.
 */
import { KUBE_DEFINITIONS_JSON } from './definitions.gen.js';
import { KUBE_RESOURCES } from './resources.gen.js';
import type { OpenApiSchema } from './types.js';

export type { KubeResourceFacts, KubeSubresourceFacts, OpenApiSchema } from './types.js';
export { KUBE_RESOURCES } from './resources.gen.js';
export { GROUP_ORDER_1_33 } from './served.js';

let definitions: Record<string, OpenApiSchema> | undefined;

/** Every definition reachable from a served kind, keyed by its OpenAPI name (io.k8s.api.apps.v1.Deployment). */
export function kubeDefinitions(): Readonly<Record<string, OpenApiSchema>> {
  definitions ??= JSON.parse(KUBE_DEFINITIONS_JSON) as Record<string, OpenApiSchema>;
  return definitions;
}

/** The schema a `$ref` names, or the schema itself when it has none; unknown refs give an empty (any) schema. */
export function resolveKubeSchema(schema: OpenApiSchema): OpenApiSchema {
  let s = schema;
  for (let i = 0; s.$ref !== undefined && i < 8; i++) {
    s = kubeDefinitions()[s.$ref.replace('#/definitions/', '')] ?? {};
  }
  return s;
}

/** The facts of the resource serving group/version/kind, if 1.33 serves it. */
export function findKubeResource(group: string, version: string, kind: string) {
  return KUBE_RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind);
}
