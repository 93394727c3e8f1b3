/** A resource in a build: its object plus what kustomize remembers about it on the way. */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import { type Gvk, type ResId, parseApiVersion } from './resid.js';

export type GeneratorBehavior = 'create' | 'merge' | 'replace';

/** What configured a generator or transformer: kustomize's origin `configuredBy`. */
export interface OriginRef {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
}

/** Where a resource came from, or what made or changed it, as kustomize's buildMetadata records it. */
export interface Origin {
  path?: string;
  repo?: string;
  ref?: string;
  configuredIn?: string;
  configuredBy?: OriginRef;
}

export class Resource {
  /** Ids this resource had before renames (prefix/suffix/hash/namespace), oldest first. */
  previousIds: ResId[] = [];
  /** Set by generators: the name gets kustomize's content hash appended at the end of the build. */
  needsHashSuffix = false;
  behavior: GeneratorBehavior = 'create';
  /** Var names this resource is the target of (kustomize's refVarNames). */
  refVarNames: string[] = [];
  origin?: Origin;
  /** Transformers that touched it, for buildMetadata: [transformerAnnotations]. */
  transformedBy: Origin[] = [];
  /** Ids of the resources that refer to this one through name references. */
  refBy: ResId[] = [];
  /** Name prefixes and suffixes applied so far, innermost first (name references compare them). */
  namePrefixes: string[] = [];
  nameSuffixes: string[] = [];

  constructor(public obj: ValueMap) {}

  get gvk(): Gvk {
    const { group, version } = parseApiVersion(stringField(this.obj, 'apiVersion'));
    return { group, version, kind: stringField(this.obj, 'kind') };
  }

  get name(): string {
    return stringField(this.metadata(), 'name');
  }

  get namespace(): string {
    return stringField(this.metadata(), 'namespace');
  }

  get id(): ResId {
    return { gvk: this.gvk, name: this.name, namespace: this.namespace };
  }

  /** The id it was first loaded or generated with. */
  get originalId(): ResId {
    return this.previousIds[0] ?? this.id;
  }

  /** Every id this resource has had, the current one last. */
  allIds(): ResId[] {
    return [...this.previousIds, this.id];
  }

  metadata(): ValueMap {
    const m = this.obj.metadata;
    return isMap(m) ? m : {};
  }

  ensureMetadata(): ValueMap {
    let m = this.obj.metadata;
    if (!isMap(m)) {
      m = {};
      this.obj.metadata = m;
    }
    return m;
  }

  /** Records the current id before a rename, as kustomize's StorePreviousId does. */
  rememberId(): void {
    this.previousIds.push(this.id);
  }

  setName(name: string): void {
    this.ensureMetadata().name = name;
  }

  setNamespace(namespace: string): void {
    this.ensureMetadata().namespace = namespace;
  }

  labels(): Record<string, string> {
    return stringMap(this.metadata().labels);
  }

  annotations(): Record<string, string> {
    return stringMap(this.metadata().annotations);
  }

  setStringMap(field: 'labels' | 'annotations', values: Record<string, string>): void {
    const meta = this.ensureMetadata();
    if (Object.keys(values).length === 0) delete meta[field];
    else meta[field] = { ...values };
  }

  /** A deep copy with the same history, as kustomize's DeepCopy. */
  clone(): Resource {
    const r = new Resource(deepCopy(this.obj) as ValueMap);
    r.previousIds = this.previousIds.map(copyId);
    r.needsHashSuffix = this.needsHashSuffix;
    r.behavior = this.behavior;
    r.origin = this.origin;
    r.transformedBy = [...this.transformedBy];
    r.refBy = this.refBy.map(copyId);
    r.refVarNames = [...this.refVarNames];
    r.namePrefixes = [...this.namePrefixes];
    r.nameSuffixes = [...this.nameSuffixes];
    return r;
  }
}

export function copyId(id: ResId): ResId {
  return { gvk: { ...id.gvk }, name: id.name, namespace: id.namespace };
}

export function stringField(obj: ValueMap, key: string): string {
  const v = obj[key];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function stringMap(v: Value | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(v)) return out;
  for (const [k, val] of Object.entries(v)) out[k] = typeof val === 'string' ? val : String(val);
  return out;
}

export function deepCopy(v: Value): Value {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) {
    const out: ValueMap = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: deepCopy(v[k]), enumerable: true, writable: true, configurable: true });
      else out[k] = deepCopy(v[k]);
    }
    return out;
  }
  return v;
}
