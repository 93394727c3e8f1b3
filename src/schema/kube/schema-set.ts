/**
 * The v1.33 definitions behind the SchemaSet/SchemaNode interface of src/schema, for code
 * that walks schemas the way kustomize's table is walked (merge keys, list types). The
 * cluster itself reads the raw definitions; this is the shared-shape view of them.
 */
import { SchemaSet } from '../schema-set.js';
import type { Value } from '../../yaml/types.js';
import { kubeDefinitions } from './index.js';

let set: SchemaSet | undefined;

export function kubeSchemaSet(): SchemaSet {
  set ??= SchemaSet.fromDocument({ definitions: kubeDefinitions() as unknown as Value });
  return set;
}
