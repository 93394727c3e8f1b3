/** Which kinds kustomize treats as cluster-scoped (no namespace is set on them). */
import type { Gvk } from './resid.js';
import { isNamespaced } from '../schema/index.js';

export function isClusterScopedKind(gvk: Gvk): boolean {
  return !isNamespaced(gvk.group, gvk.version, gvk.kind);
}
