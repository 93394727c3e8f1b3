/**
 * `spec.dependsOn`: a Kustomization waits until each dependency exists, is Ready at its
 * current generation, and — when both read the same source — has applied the revision this
 * one is about to apply. Unlike Flux, which waits forever on a cycle, a cycle is named on
 * each of its members (docs/differences.md).
 */
import { isReady } from '../../runtime/conditions.js';
import type { Kustomization } from '../../api/kustomize.js';

export interface DependencyRef {
  namespace: string;
  name: string;
}

export type Lookup = (namespace: string, name: string) => Kustomization | undefined;

export type DependencyVerdict =
  | { ready: true }
  | { ready: false; reason: 'cycle'; message: string; cycle: string[] }
  | { ready: false; reason: 'missing' | 'notReady'; message: string };

const key = (r: DependencyRef) => `${r.namespace}/${r.name}`;

export function dependenciesOf(obj: Kustomization): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  return (obj.spec.dependsOn ?? []).map((d) => ({ namespace: d.namespace || ns, name: d.name }));
}

/**
 * The first dependency cycle reachable from `start` that passes through it, as a list of
 * keys ending where it began (a → b → a); undefined when there is none.
 */
export function findCycle(start: Kustomization, lookup: Lookup): string[] | undefined {
  const startKey = key({ namespace: start.metadata.namespace ?? 'default', name: start.metadata.name });
  const seen = new Set<string>();
  const path: string[] = [startKey];
  const walk = (obj: Kustomization): string[] | undefined => {
    for (const dep of dependenciesOf(obj)) {
      const k = key(dep);
      if (k === startKey) return [...path, k];
      if (seen.has(k)) continue;
      seen.add(k);
      const next = lookup(dep.namespace, dep.name);
      if (!next) continue;
      path.push(k);
      const found = walk(next);
      if (found) return found;
      path.pop();
    }
    return undefined;
  };
  return walk(start);
}

/**
 * Whether every dependency is ready for this Kustomization to go on. `sourceRevision` is the
 * revision of the artifact this one would apply.
 */
export function checkDependencies(obj: Kustomization, lookup: Lookup, sourceRevision?: string): DependencyVerdict {
  const deps = dependenciesOf(obj);
  if (deps.length === 0) return { ready: true };
  const cycle = findCycle(obj, lookup);
  if (cycle) return { ready: false, reason: 'cycle', cycle, message: `dependency cycle detected: ${cycle.join(' -> ')}` };
  for (const dep of deps) {
    const d = lookup(dep.namespace, dep.name);
    if (!d) return { ready: false, reason: 'missing', message: `dependency '${key(dep)}' not found` };
    const ready = isReady(d) && d.status?.observedGeneration === d.metadata.generation;
    if (!ready) return { ready: false, reason: 'notReady', message: `dependency '${key(dep)}' is not ready` };
    if (sourceRevision && sameSource(obj, d) && d.status?.lastAppliedRevision !== sourceRevision) {
      return { ready: false, reason: 'notReady', message: `dependency '${key(dep)}' revision is not up to date` };
    }
  }
  return { ready: true };
}

function sameSource(a: Kustomization, b: Kustomization): boolean {
  const sa = a.spec.sourceRef;
  const sb = b.spec.sourceRef;
  return sa.kind === sb.kind && sa.name === sb.name && (sa.namespace || a.metadata.namespace) === (sb.namespace || b.metadata.namespace);
}
