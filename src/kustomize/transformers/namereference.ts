/**
 * kustomize's name-reference transformer: after renames (prefix, suffix, namespace, hash),
 * fields that name another object are pointed at that object's current name.
 *
 * For every back reference (a target kind and the referrer fields that may name it), every
 * resource whose original gvk a referrer spec selects gets that field visited. A name found
 * there picks its target among the resources the referrer can see: those renamed from that
 * name, of the target kind, (for roleRef) of the roleRef's kind and group, in the referrer's
 * namespace unless cluster-scoped or a ServiceAccount, and finally with the same prefixes and
 * suffixes. Maps with `name` (and `namespace`) are updated as a pair.
 */
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import type { NameBackReference } from '../config/types.js';
import { KustomizeError } from '../errors.js';
import { type FieldSpec, splitFieldPath } from '../fieldspec.js';
import { type Gvk, type ResId, gvkSelects } from '../resid.js';
import type { ResMap } from '../resmap.js';
import { type Resource, copyId } from '../resource.js';
import { isClusterScopedKind } from '../scope.js';

const NOT_NAMESPACED = '_non_namespaceable_';

export function fixNameReferences(resources: ResMap, backRefs: NameBackReference[]): void {
  const all = resources.list().slice();
  // Names, namespaces and kinds do not change while references are fixed: read them once,
  // and index resources by their previous names (the first thing a reference must match).
  const facts = new Map(all.map((r): [Resource, Facts] => [r, factsOf(r)]));
  const byPreviousName = new Map<string, Resource[]>();
  for (const r of all) {
    for (const name of new Set(facts.get(r)!.previousIds.map((id) => id.name))) {
      let list = byPreviousName.get(name);
      if (!list) byPreviousName.set(name, (list = []));
      list.push(r);
    }
  }
  // Which referrer fields each resource holds, in back-reference order; matched on the
  // resource's original kind, as kustomize does.
  const byKind = new Map<string, Resource[]>();
  for (const r of all) {
    const kind = facts.get(r)!.originalGvk.kind;
    let list = byKind.get(kind);
    if (!list) byKind.set(kind, (list = []));
    list.push(r);
  }
  const plan = new Map<Resource, Filter[]>();
  for (const br of backRefs) {
    for (const fs of br.fieldSpecs) {
      for (const r of fs.kind ? (byKind.get(fs.kind) ?? []) : all) {
        if (!gvkSelects(fs, facts.get(r)!.originalGvk)) continue;
        let list = plan.get(r);
        if (!list) plan.set(r, (list = []));
        list.push({ spec: fs, target: br });
      }
    }
  }
  // kustomize walks its referrer map in random order; the outcome does not depend on it
  // except for the order of refBy entries, so the resource order is used.
  for (const referrer of all) {
    const filters = plan.get(referrer);
    if (!filters) continue;
    const scope: Scope = { all, facts, byPreviousName, visible: visibleTo(referrer, facts) };
    for (const f of filters) new Updater(referrer, f, scope).run();
  }
}

/** The resources and what is known of them, seen from one referrer. */
interface Scope {
  all: Resource[];
  facts: Map<Resource, Facts>;
  byPreviousName: Map<string, Resource[]>;
  /** Whether the referrer may name a resource (kustomize's SubsetThatCouldBeReferencedByResource). */
  visible: (r: Resource) => boolean;
}

/** What the transformer reads of a resource. */
interface Facts {
  id: ResId;
  /** kustomize keeps previous ids as kind, name and namespace; group and version are the current ones. */
  previousIds: ResId[];
  originalGvk: Gvk;
  originalNamespace: string;
  namespace: string;
  clusterScoped: boolean;
  prefixes: string[];
  suffixes: string[];
}

function factsOf(r: Resource): Facts {
  const id = r.id;
  const { group, version } = id.gvk;
  const previousIds = r.previousIds.map((p) => ({ gvk: { group, version, kind: p.gvk.kind }, name: p.name, namespace: p.namespace }));
  const original = previousIds[0] ?? id;
  return {
    id,
    previousIds,
    originalGvk: original.gvk,
    originalNamespace: effectiveNamespace(original),
    namespace: effectiveNamespace(id),
    clusterScoped: isClusterScopedKind(id.gvk),
    prefixes: affixes(r.namePrefixes),
    suffixes: affixes(r.nameSuffixes),
  };
}

interface Filter {
  spec: FieldSpec;
  target: { group?: string; version?: string; kind: string };
}

function effectiveNamespace(id: ResId): string {
  if (isClusterScopedKind(id.gvk)) return NOT_NAMESPACED;
  return id.namespace === '' || id.namespace === 'default' ? 'default' : id.namespace;
}

/** kustomize's ResId.String(): Kind.version.group/name.namespace with placeholders. */
function idText(id: ResId): string {
  const g = id.gvk;
  return `${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

/**
 * The resources a referrer may name: everything for a cluster-scoped referrer, else its own
 * namespace, cluster-scoped resources, and for a RoleBinding the namespaces of its
 * ServiceAccount subjects.
 */
function visibleTo(referrer: Resource, facts: Map<Resource, Facts>): (r: Resource) => boolean {
  const rf = facts.get(referrer)!;
  if (rf.clusterScoped) return () => true;
  const extra = roleBindingNamespaces(referrer);
  return (t) => {
    const tf = facts.get(t)!;
    return tf.clusterScoped || tf.namespace === rf.namespace || extra.has(tf.id.namespace);
  };
}

function roleBindingNamespaces(r: Resource): Set<string> {
  const out = new Set<string>();
  if (r.gvk.kind !== 'RoleBinding') return out;
  const subjects = r.obj.subjects;
  if (!Array.isArray(subjects)) return out;
  for (const s of subjects) {
    if (!isMap(s) || !('namespace' in s) || !('kind' in s) || s.kind !== 'ServiceAccount') continue;
    if (typeof s.namespace !== 'string') {
      throw new KustomizeError(`Invalid Input: namespace is blank for resource "${idText(r.id)}"\n`);
    }
    out.add(s.namespace);
  }
  return out;
}

/** Prefixes or suffixes as kustomize reads them back: empty ones were never stored, commas split. */
function affixes(list: string[]): string[] {
  const kept = list.filter((x) => x !== '');
  return kept.length ? kept.join(',').split(',') : [];
}

/** True when the shorter list is the tail of the longer one; an empty list only matches an empty one. */
function sameEnding(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const diff = long.length - short.length;
  if (short.length === 0) return diff === 0;
  return short.every((x, i) => long[i + diff] === x);
}

/** kustomize's PrefixesSuffixesEquals; with allowEmpty, an empty list on either side matches. */
function affixesMatch(a: Facts, b: Facts, allowEmpty: boolean): boolean {
  const fits = (x: string[], y: string[]) => (allowEmpty && (x.length === 0 || y.length === 0)) || sameEnding(x, y);
  return fits(a.prefixes, b.prefixes) && fits(a.suffixes, b.suffixes);
}

const splitPaths = new Map<string, string[]>();
function pathOf(path: string): string[] {
  let parts = splitPaths.get(path);
  if (!parts) splitPaths.set(path, (parts = splitFieldPath(path)));
  return parts;
}

/** A node's text as kustomize reads it (YNode().Value): scalars as written, nothing for null or collections. */
function scalarText(v: Value): string {
  if (typeof v === 'string') return v;
  if (v === null || Array.isArray(v) || isMap(v)) return '';
  return String(v);
}

class Updater {
  private readonly path: string[];

  private readonly facts: Map<Resource, Facts>;

  constructor(
    private readonly referrer: Resource,
    private readonly filter: Filter,
    private readonly scope: Scope,
  ) {
    this.path = pathOf(filter.spec.path);
    this.facts = scope.facts;
  }

  /** Visible resources once named `name`, in resource order. */
  private renamedFrom(name: string, pool?: Set<Resource>): Resource[] {
    const list = this.scope.byPreviousName.get(name) ?? [];
    return list.filter((r) => (pool ? pool.has(r) : this.scope.visible(r)));
  }

  run(): void {
    try {
      this.walk(this.referrer.obj, 0, (v, set) => this.update(v, set));
    } catch (e) {
      const fsPath = this.filter.spec.path;
      const id = idText(this.facts.get(this.referrer)!.id);
      throw new KustomizeError(`updating name reference in '${fsPath}' field of '${id}': considering field '${fsPath}' of object ${id}: ${(e as Error).message}`);
    }
  }

  /** kustomize's field-spec walk without creation: sequences are entered implicitly, missing fields end it. */
  private walk(node: Value, i: number, visit: (v: Value, set: (v: Value) => void) => void, set: (v: Value) => void = () => undefined): void {
    if (i === this.path.length) {
      visit(node, set);
      return;
    }
    if (node === null) return;
    if (Array.isArray(node)) {
      try {
        node.forEach((el, idx) => this.walk(el, i, visit, (v) => (node[idx] = v)));
      } catch (e) {
        throw new KustomizeError(`visit traversal on path: [${this.path.slice(i).join(' ')}]: ${(e as Error).message}`);
      }
      return;
    }
    if (!isMap(node)) throw new KustomizeError('expected sequence or mapping node');
    let name = this.path[i]!;
    const seqHint = name.endsWith('[]');
    if (seqHint) name = name.slice(0, -2);
    if (name === '') throw new KustomizeError('cannot set or create an empty field name');
    if (!Object.prototype.hasOwnProperty.call(node, name)) return;
    // A null the path calls a sequence becomes an empty one, as kustomize retypes the node.
    if (seqHint && node[name] === null) node[name] = [];
    this.walk(node[name]!, i + 1, visit, (v) => (node[name] = v));
  }

  private update(v: Value, set: (v: Value) => void): void {
    if (v === null) return;
    if (Array.isArray(v)) {
      v.forEach((el, idx) => {
        if (el === null) return;
        if (isMap(el)) this.updateMap(el);
        else if (Array.isArray(el)) {
          // kustomize v5.5 prints the Go node here (pointer included); the pointer is a placeholder.
          throw new KustomizeError(
            '&yaml.RNode{fieldPath:[]string(nil), value:(*yaml.Node)(0xPTR), ShouldKeep:false, Match:[]string(nil)} is expected to be either a string or a map of string',
          );
        } else this.updateScalar(el, (nv) => (v[idx] = nv));
      });
    } else if (isMap(v)) this.updateMap(v);
    else this.updateScalar(v, set);
  }

  private updateScalar(v: Value, set: (v: Value) => void): void {
    const old = scalarText(v);
    const referral = this.select(this.renamedFrom(old), (rs) => rs.every((r) => r.name === rs[0]!.name));
    if (!referral) return;
    referral.refBy.push(copyId(this.referrer.id));
    if (referral.name !== old) set(referral.name);
  }

  /** A map with `name` and maybe `namespace` (webhook services, RoleBinding subjects). */
  private updateMap(m: ValueMap): void {
    if (!Object.prototype.hasOwnProperty.call(m, 'name')) throw new KustomizeError("path config error; no 'name' field in node");
    let pool: Set<Resource> | undefined;
    if (Object.prototype.hasOwnProperty.call(m, 'namespace')) {
      const ns = scalarText(m.namespace!);
      // Among the visible resources, those that started in that namespace if there are any,
      // else those now in it; cluster-scoped resources are in neither group.
      const visible = this.scope.all.filter((r) => this.scope.visible(r) && !this.facts.get(r)!.clusterScoped);
      const byOriginal = visible.filter((r) => this.facts.get(r)!.originalNamespace === ns);
      pool = new Set(byOriginal.length ? byOriginal : visible.filter((r) => this.facts.get(r)!.namespace === ns));
    }
    const old = scalarText(m.name!);
    const referral = this.select(this.renamedFrom(old, pool), (rs) => rs.every((r) => r.name === rs[0]!.name && r.namespace === rs[0]!.namespace));
    if (!referral) return;
    referral.refBy.push(copyId(this.referrer.id));
    if (referral.name === old && referral.namespace === '') return;
    m.name = referral.name;
    // An empty namespace stays unwritten: it must not replace "default".
    if (referral.namespace !== '') m.namespace = referral.namespace;
  }

  /** kustomize's selectReferral, given the visible resources renamed from the name found. */
  private select(renamed: Resource[], identical: (rs: Resource[]) => boolean): Resource | undefined {
    const target = this.filter.target;
    const prev = (r: Resource) => this.facts.get(r)!.previousIds;
    const me = this.facts.get(this.referrer)!;
    let c = renamed.filter((r) => prev(r).some((id) => gvkSelects(target, id.gvk)));
    const roleRef = this.roleRefGvk();
    if (roleRef) c = c.filter((r) => prev(r).some((id) => gvkSelects(roleRef, id.gvk)));
    // Same current namespace as the referrer, unless either is cluster-scoped; ServiceAccounts
    // pass too, since RoleBindings name accounts of other namespaces.
    if (!me.clusterScoped) {
      c = c.filter((r) => {
        const f = this.facts.get(r)!;
        return f.clusterScoped || f.id.gvk.kind === 'ServiceAccount' || f.namespace === me.namespace;
      });
    }
    if (c.length === 1) return c[0];
    c = c.filter((r) => affixesMatch(this.facts.get(r)!, me, true));
    if (c.length === 1) return c[0];
    c = c.filter((r) => affixesMatch(this.facts.get(r)!, me, false));
    if (c.length === 1) return c[0];
    if (c.length === 0) return undefined;
    if (identical(c)) return c[0];
    throw new KustomizeError(`found multiple possible referrals: ${c.map((r) => idText(this.facts.get(r)!.id)).join(', ')}`);
  }

  /** For a roleRef/name field: the roleRef's apiGroup and kind, when both keys are there (else no filter). */
  private roleRefGvk(): Partial<Gvk> | undefined {
    if (!this.filter.spec.path.endsWith('roleRef/name')) return undefined;
    const roleRef = this.referrer.obj.roleRef;
    if (!isMap(roleRef)) return undefined;
    const { apiGroup, kind } = roleRef;
    if (apiGroup === undefined || kind === undefined) return undefined;
    // An empty apiGroup or kind selects any, as in kustomize's gvk selection.
    return { group: scalarText(apiGroup), kind: scalarText(kind) };
  }
}
