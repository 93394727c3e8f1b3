/** The shapes of the generated Kubernetes v1.33 facts (see scripts/gen-kube-schema.ts). */

export interface KubeSubresourceFacts {
  /** "status", "scale". */
  name: string;
  /** The kind the subresource reads and writes ("Scale" is autoscaling/v1's). */
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

export interface KubeResourceFacts {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  /** Sorted, as discovery lists them: create, delete, deletecollection, get, list, patch, update, watch. */
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: KubeSubresourceFacts[];
  /** Key of the object's schema in the definitions table. */
  definition: string;
}

/** An OpenAPI v2 schema object as the Kubernetes document writes them, without descriptions. */
export interface OpenApiSchema {
  type?: string;
  format?: string;
  $ref?: string;
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  required?: string[];
  enum?: unknown[];
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-unions'?: unknown[];
  [extension: string]: unknown;
}
