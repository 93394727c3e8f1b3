/**
 * Schema sets and schema nodes: the OpenAPI facts one kustomize build merges with.
 *
 * kustomize (kyaml's openapi package) holds one global schema: the built-in Kubernetes v1.21.2
 * definitions, or — when a kustomization names `openapi: {path: …}` — only the definitions of
 * that document (the built-in ones are then not loaded at all). A `SchemaSet` is an immutable
 * value standing for one such state.
 */
import { isMap, type Value } from '../yaml/types.js';
import {
  compileSchema,
  gvkKeys,
  scopesFromPaths,
  typeMetaKey,
  typeOf,
  type CompactObject,
  type CompactType,
  type TypeCode,
} from './compact.js';
import { DEFS, KINDS, NAMES, SCOPES } from './kustomize-v1.21.2.generated.js';

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | undefined;

const TYPE_NAMES: Record<TypeCode, SchemaType> = {
  '': undefined,
  s: 'string',
  i: 'integer',
  n: 'number',
  b: 'boolean',
  o: 'object',
  a: 'array',
  q: 'int-or-string',
};

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * One resolved schema (never a bare reference). Lookups follow kyaml's `ResourceSchema`:
 * `field` reads `properties`, then `additionalProperties`; `items` only answers for arrays.
 */
export class SchemaNode {
  private fields: Map<string, SchemaNode | null> | undefined;
  private itemsNode: SchemaNode | null | undefined;
  private assoc: boolean | undefined;

  /** @internal use SchemaSet.schemaFor / SchemaSet.definition */
  constructor(
    readonly set: SchemaSet,
    private readonly c: CompactObject | string,
  ) {}

  get type(): SchemaType {
    return TYPE_NAMES[typeOf(this.c)];
  }

  get isList(): boolean {
    return typeOf(this.c) === 'a';
  }

  /** A map: values described by `additionalProperties`, no fixed fields. */
  get isMap(): boolean {
    return typeof this.c !== 'string' && this.c.a !== undefined && this.c.p === undefined;
  }

  /** An object with declared fields. */
  get isObject(): boolean {
    return typeof this.c !== 'string' && this.c.p !== undefined;
  }

  get isPrimitive(): boolean {
    const t = typeOf(this.c);
    return t === 's' || t === 'i' || t === 'n' || t === 'b' || t === 'q';
  }

  /** `x-kubernetes-patch-strategy` as written, e.g. "merge", "retainKeys", "merge,retainKeys". */
  get patchStrategy(): string | undefined {
    return typeof this.c === 'string' ? undefined : this.c.s;
  }

  /** `x-kubernetes-patch-merge-key` */
  get mergeKey(): string | undefined {
    return typeof this.c === 'string' ? undefined : this.c.k;
  }

  /** `x-kubernetes-list-type` */
  get listType(): string | undefined {
    return typeof this.c === 'string' ? undefined : this.c.l;
  }

  /** `x-kubernetes-list-map-keys` */
  get listMapKeys(): readonly string[] | undefined {
    return typeof this.c === 'string' ? undefined : this.c.m;
  }

  /**
   * The keys kustomize merges list elements by: none without a patch strategy; else the list
   * map keys when given, else the merge key (kyaml's PatchStrategyAndKeyList).
   */
  get mergeKeys(): readonly string[] {
    if (typeof this.c === 'string' || this.c.s === undefined) return EMPTY;
    if (this.c.m !== undefined) return this.c.m;
    if (this.c.k !== undefined) return [this.c.k];
    return EMPTY;
  }

  /** Lists kustomize merges element by element: patch strategy "merge" (possibly with "retainKeys"). */
  get isAssociativeList(): boolean {
    return (this.assoc ??= this.hasStrategy('merge'));
  }

  /** True when one of the comma-separated patch strategies is `s`. */
  hasStrategy(s: string): boolean {
    const ps = this.patchStrategy;
    return ps !== undefined && ps.split(',').includes(s);
  }

  /** Names of the declared fields. */
  fieldNames(): string[] {
    return typeof this.c === 'string' || this.c.p === undefined ? [] : Object.keys(this.c.p);
  }

  /** The schema of field `name`: a declared property, else the map value schema. */
  field(name: string): SchemaNode | undefined {
    if (typeof this.c === 'string') return undefined;
    let f = this.fields?.get(name);
    if (f === undefined) {
      const p = this.c.p;
      const t = p !== undefined && Object.prototype.hasOwnProperty.call(p, name) ? p[name]! : this.c.a;
      f = t === undefined ? null : (this.set.resolve(t) ?? null);
      (this.fields ??= new Map()).set(name, f);
    }
    return f ?? undefined;
  }

  fieldSchema(name: string): SchemaNode | undefined {
    return this.field(name);
  }

  /** The schema of list elements (only for `type: array`). */
  items(): SchemaNode | undefined {
    if (this.itemsNode === undefined) {
      const i = typeof this.c === 'string' || typeOf(this.c) !== 'a' ? undefined : this.c.i;
      this.itemsNode = i === undefined ? null : (this.set.resolve(i) ?? null);
    }
    return this.itemsNode ?? undefined;
  }

  itemSchema(): SchemaNode | undefined {
    return this.items();
  }

  /** Walks a path of field names, `[]` standing for list elements (kyaml's Lookup). */
  lookup(...path: string[]): SchemaNode | undefined {
    let s: SchemaNode | undefined = this;
    for (const p of path) {
      if (s === undefined) return undefined;
      s = p === '[]' ? s.items() : s.field(p);
    }
    return s;
  }
}

/** An immutable set of definitions, kinds and scopes. */
export class SchemaSet {
  private readonly nodes = new Map<CompactObject | string, SchemaNode>();

  private constructor(
    /** definition name → compiled schema */
    private readonly defs: ReadonlyMap<string, CompactType>,
    /** "apiVersion kind" → compiled schema of its definition */
    private readonly kinds: ReadonlyMap<string, CompactType>,
    /** "apiVersion kind" → namespaced?, derived from the documents' paths */
    private readonly scopes: ReadonlyMap<string, boolean>,
  ) {}

  /** kustomize v5.5's built-in schema (Kubernetes v1.21.2). */
  static builtin(): SchemaSet {
    if (builtinSet === undefined) {
      const defs = new Map<string, CompactType>();
      NAMES.forEach((n, i) => defs.set(n, DEFS[i]!));
      const kinds = new Map<string, CompactType>();
      for (const [k, i] of Object.entries(KINDS)) kinds.set(k, DEFS[i]!);
      builtinSet = new SchemaSet(defs, kinds, new Map(Object.entries(SCOPES)));
    }
    return builtinSet;
  }

  /** No definitions at all: strategic merge then treats every list as atomic. */
  static empty(): SchemaSet {
    return (emptySet ??= new SchemaSet(new Map(), new Map(), new Map()));
  }

  /**
   * Only the definitions of `doc`: what kustomize merges with when a kustomization sets
   * `openapi: {path: FILE}` (the built-in schema is then not used, not even for Deployments).
   */
  static fromDocument(doc: Value): SchemaSet {
    return SchemaSet.empty().withDocument(doc);
  }

  /**
   * What kustomize's `openapi: {path: FILE}` leaves in force: only the document's kinds have a
   * schema (a Deployment no longer merges containers by name), but `$ref`s in it still resolve
   * to the built-in definitions it does not redefine.
   */
  static customDocument(doc: Value): SchemaSet {
    const builtin = SchemaSet.builtin();
    return new SchemaSet(builtin.defs, new Map(), builtin.scopes).withDocument(doc);
  }

  /**
   * This set plus the definitions of an OpenAPI document (`definitions` whose entries may carry
   * `x-kubernetes-group-version-kind`; `paths` give scopes). Like kyaml's AddDefinitions, a
   * definition with the name of an existing one replaces it, and kinds are re-pointed.
   */
  withDocument(doc: Value): SchemaSet {
    if (!isMap(doc)) return this;
    const defs = new Map(this.defs);
    const kinds = new Map(this.kinds);
    if (isMap(doc.definitions)) {
      for (const [name, def] of Object.entries(doc.definitions)) {
        const compiled = compileSchema(def);
        defs.set(name, compiled);
        for (const key of gvkKeys(def)) kinds.set(key, compiled);
      }
    }
    const scopes = new Map(this.scopes);
    scopesFromPaths(doc.paths, scopes);
    return new SchemaSet(defs, kinds, scopes);
  }

  /** The schema of a kind, by exact apiVersion ("v1", "apps/v1") and kind. */
  schemaFor(apiVersion: string, kind: string): SchemaNode | undefined {
    const t = this.kinds.get(typeMetaKey(apiVersion, kind));
    return t === undefined ? undefined : this.resolve(t);
  }

  /** A definition by name, e.g. "io.k8s.api.core.v1.PodSpec". */
  definition(name: string): SchemaNode | undefined {
    const t = this.defs.get(name);
    return t === undefined ? undefined : this.resolve(t);
  }

  /** Kinds this set has a schema for, as "apiVersion kind". */
  kindKeys(): string[] {
    return [...this.kinds.keys()];
  }

  /**
   * "Namespaced", "Cluster", or undefined when unknown. Like kyaml's IsNamespaceScoped:
   * kustomize's precomputed built-in list first (whatever schema is in force), then the
   * scopes found in the loaded documents' paths.
   */
  scope(apiVersion: string, kind: string): 'Namespaced' | 'Cluster' | undefined {
    const key = typeMetaKey(apiVersion, kind);
    const s = SCOPES[key] ?? this.scopes.get(key);
    return s === undefined ? undefined : s ? 'Namespaced' : 'Cluster';
  }

  /** False only for kinds certainly cluster-scoped; unknown kinds count as namespaced. */
  isNamespaced(apiVersion: string, kind: string): boolean {
    return this.scope(apiVersion, kind) !== 'Cluster';
  }

  /** @internal Follows references (as kyaml does, repeatedly) to a schema node. */
  resolve(t: CompactType): SchemaNode | undefined {
    for (let hops = 0; hops < 64; hops++) {
      if (typeof t === 'number') {
        const name = NAMES[t];
        const next = name === undefined ? undefined : this.defs.get(name);
        if (next === undefined) return undefined;
        t = next;
        continue;
      }
      if (typeof t === 'string' && (t.startsWith('#') || t.startsWith('!'))) {
        if (t.startsWith('!')) return undefined;
        const next = this.defs.get(t.slice(1));
        if (next === undefined) return undefined;
        t = next;
        continue;
      }
      let node = this.nodes.get(t);
      if (node === undefined) {
        node = new SchemaNode(this, t);
        this.nodes.set(t, node);
      }
      return node;
    }
    return undefined; // a reference cycle
  }
}

let builtinSet: SchemaSet | undefined;
let emptySet: SchemaSet | undefined;
