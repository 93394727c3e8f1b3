/** Sets the namespace of namespaced resources, and of the subjects kustomize's rules pick. */
import { isMap, type Value } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import { type FieldSpec, visitFieldSpec } from '../fieldspec.js';
import { idString } from '../resid.js';
import type { ResMap } from '../resmap.js';
import { isClusterScopedKind } from '../scope.js';

export type RoleBindingSubjectMode = 'defaultOnly' | 'allServiceAccounts' | 'none';

export interface NamespaceOptions {
  namespace: string;
  fieldSpecs: FieldSpec[];
  unsetOnly?: boolean;
  setRoleBindingSubjects?: RoleBindingSubjectMode;
}

const isRoleBinding = (kind: string) => kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
const isEmpty = (v: Value | undefined) => v === undefined || v === null || v === '';

export function setNamespace(resources: ResMap, opts: NamespaceOptions): void {
  const mode = opts.setRoleBindingSubjects ?? 'defaultOnly';
  // metadata/namespace and the namespace of RoleBinding subjects follow the rules below, not their specs.
  const specs = opts.fieldSpecs.filter((fs) => fs.path !== 'metadata/namespace' && !(isRoleBinding(fs.kind ?? '') && fs.path === 'subjects/namespace'));
  const set = (current: Value | undefined) => !(opts.unsetOnly && !isEmpty(current));
  for (const r of resources.list()) {
    if (Object.keys(r.obj).length === 0) continue;
    const gvk = r.gvk;
    // kustomize records every resource's id before this transformer, renamed or not.
    r.rememberId();
    if (!isClusterScopedKind(gvk)) {
      const meta = r.ensureMetadata();
      if (set(meta.namespace)) meta.namespace = opts.namespace;
    }
    if (isRoleBinding(gvk.kind) && mode !== 'none' && Array.isArray(r.obj.subjects)) {
      for (const s of r.obj.subjects) {
        if (!isMap(s)) continue;
        const picked = mode === 'allServiceAccounts' ? s.kind === 'ServiceAccount' : s.name === 'default';
        if (picked && set(s.namespace)) s.namespace = opts.namespace;
      }
    }
    for (const fs of specs) {
      visitFieldSpec(
        r.obj,
        gvk,
        fs,
        (ref) => {
          const cur = ref.get();
          if (isMap(cur) || Array.isArray(cur)) {
            throw new KustomizeError(`namespace field specs must target scalar nodes: considering field '${fs.path}' of object ${idString(r.id)}`);
          }
          if (set(cur)) ref.set(opts.namespace);
        },
        'scalar',
      );
    }
  }
  const dup = resources.duplicateId();
  if (dup) throw new KustomizeError(`namespace transformation produces ID conflict: ${idString(dup)}`);
}
