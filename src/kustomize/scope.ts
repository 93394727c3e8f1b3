/** Which kinds kustomize treats as cluster-scoped (no namespace is set on them). */
import type { Gvk } from './resid.js';
import { isNamespaced } from '../schema/index.js';

const cache = new Map<string, boolean>();

export function isClusterScopedKind(gvk: Gvk): boolean {
  const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
  let v = cache.get(key);
  if (v === undefined) {
    v = !isNamespaced(gvk.group, gvk.version, gvk.kind);
    cache.set(key, v);
  }
  return v;
}
