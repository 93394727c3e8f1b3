/**
 * The object store: every object by storage key, namespace and name, one cluster-wide
 * resourceVersion counter, and a bounded history of changes that watches resume from.
 * Stored objects are never mutated after they are committed; writers replace them.
 */
import { isMap, type ValueMap } from '../yaml/types.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  storage: string;
  namespace: string;
  name: string;
  /** The object after the change (for DELETED: the last state, with the deletion's resourceVersion). */
  object: ValueMap;
  /** The object before the change (MODIFIED, DELETED). */
  prev?: ValueMap;
}

/** What a durable store appends for each change, before the change is acknowledged. */
export interface ChangeSink {
  record(event: StoreEvent): void;
}

export function metaOf(obj: ValueMap): ValueMap {
  const m = obj.metadata;
  return isMap(m) ? m : {};
}

export function nameOf(obj: ValueMap): string {
  const n = metaOf(obj).name;
  return typeof n === 'string' ? n : '';
}

export function namespaceOf(obj: ValueMap): string {
  const n = metaOf(obj).namespace;
  return typeof n === 'string' ? n : '';
}

function withResourceVersion(obj: ValueMap, rv: number): ValueMap {
  return { ...obj, metadata: { ...metaOf(obj), resourceVersion: String(rv) } };
}

/** The first index whose key is not below `key` in a sorted key list. */
function lowerBound(keys: { key: string }[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Store {
  private rv = 0;
  private readonly data = new Map<string, Map<string, Map<string, ValueMap>>>();
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  /** Events with rv > this are all in the history. */
  private compactedRv = 0;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  /** Keys ("namespace/name") of each storage key in list order, built on first use and kept current. */
  private readonly sorted = new Map<string, { key: string; namespace: string; name: string }[]>();
  sink: ChangeSink | undefined;

  constructor(private readonly historyLimit = 10000) {}

  currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch may start from. */
  oldestRv(): number {
    return this.compactedRv;
  }

  private bucket(storage: string, namespace: string, create: boolean): Map<string, ValueMap> | undefined {
    let s = this.data.get(storage);
    if (!s) {
      if (!create) return undefined;
      this.data.set(storage, (s = new Map()));
    }
    let n = s.get(namespace);
    if (!n) {
      if (!create) return undefined;
      s.set(namespace, (n = new Map()));
    }
    return n;
  }

  get(storage: string, namespace: string, name: string): ValueMap | undefined {
    return this.bucket(storage, namespace, false)?.get(name);
  }

  /**
   * Every key of a storage in list order. The order is the byte order of "namespace/name",
   * as etcd keys sort, so that a continue token naming the last key returned resumes right.
   */
  private keys(storage: string): { key: string; namespace: string; name: string }[] {
    let keys = this.sorted.get(storage);
    if (keys) return keys;
    keys = [];
    const s = this.data.get(storage);
    if (s) for (const [namespace, b] of s) for (const name of b.keys()) keys.push({ key: `${namespace}/${name}`, namespace, name });
    keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.sorted.set(storage, keys);
    return keys;
  }

  /** Keeps a built key order current as keys come (a binary search and one splice, not a sort). */
  private sortedInsert(storage: string, namespace: string, name: string): void {
    const keys = this.sorted.get(storage);
    if (!keys) return;
    const key = `${namespace}/${name}`;
    keys.splice(lowerBound(keys, key), 0, { key, namespace, name });
  }

  private sortedRemove(storage: string, namespace: string, name: string): void {
    const keys = this.sorted.get(storage);
    if (!keys) return;
    const key = `${namespace}/${name}`;
    const i = lowerBound(keys, key);
    if (keys[i]?.key === key) keys.splice(i, 1);
  }

  /** Objects of a storage key in key order (see keys()), optionally in one namespace. */
  list(storage: string, namespace?: string): ValueMap[] {
    const s = this.data.get(storage);
    if (!s) return [];
    const keys = this.keys(storage);
    let from = 0;
    let to = keys.length;
    if (namespace !== undefined) {
      // One namespace's keys are contiguous: those from "ns/" up to (not including) "ns0".
      from = lowerBound(keys, `${namespace}/`);
      to = lowerBound(keys, `${namespace}0`);
    }
    const out: ValueMap[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = s.get(keys[i]!.namespace)!.get(keys[i]!.name)!;
    return out;
  }

  /**
   * Objects of a storage key as they were at resourceVersion `rv`, in key order: the current
   * objects with every later change undone (events keep the object before the change).
   * Undefined when the history no longer reaches back to `rv`.
   */
  listAt(storage: string, rv: number, namespace?: string): ValueMap[] | undefined {
    if (rv >= this.rv) return this.list(storage, namespace);
    if (rv < this.compactedRv) return undefined;
    const state = new Map<string, ValueMap>();
    const s = this.data.get(storage);
    if (s) {
      for (const [ns, b] of s) {
        if (namespace !== undefined && ns !== namespace) continue;
        for (const [name, obj] of b) state.set(`${ns}/${name}`, obj);
      }
    }
    for (let i = this.history.length - 1; i >= this.historyStart; i--) {
      const e = this.history[i]!;
      if (e.rv <= rv) break;
      if (e.storage !== storage || (namespace !== undefined && e.namespace !== namespace)) continue;
      const key = `${e.namespace}/${e.name}`;
      if (e.type === 'ADDED' || !e.prev) state.delete(key);
      else state.set(key, e.prev);
    }
    return [...state.keys()].sort().map((k) => state.get(k)!);
  }

  count(storage: string, namespace?: string): number {
    const s = this.data.get(storage);
    if (!s) return 0;
    if (namespace !== undefined) return s.get(namespace)?.size ?? 0;
    let n = 0;
    for (const b of s.values()) n += b.size;
    return n;
  }

  storageKeys(): string[] {
    return [...this.data.keys()];
  }

  /** Stores a new or changed object under the next resourceVersion and tells watchers. */
  put(storage: string, obj: ValueMap): ValueMap {
    const namespace = namespaceOf(obj);
    const name = nameOf(obj);
    const b = this.bucket(storage, namespace, true)!;
    const prev = b.get(name);
    const rv = this.rv + 1;
    const stored = withResourceVersion(obj, rv);
    const event: StoreEvent = { rv, type: prev ? 'MODIFIED' : 'ADDED', storage, namespace, name, object: stored, prev };
    this.sink?.record(event);
    this.rv = rv;
    b.set(name, stored);
    if (!prev) this.sortedInsert(storage, namespace, name);
    this.emit(event);
    return stored;
  }

  remove(storage: string, namespace: string, name: string): ValueMap | undefined {
    const b = this.bucket(storage, namespace, false);
    const prev = b?.get(name);
    if (!b || !prev) return undefined;
    const rv = this.rv + 1;
    const last = withResourceVersion(prev, rv);
    const event: StoreEvent = { rv, type: 'DELETED', storage, namespace, name, object: last, prev };
    this.sink?.record(event);
    this.rv = rv;
    b.delete(name);
    this.sortedRemove(storage, namespace, name);
    this.emit(event);
    return last;
  }

  /** Loads an object as it was persisted, without events (used when replaying a data dir). */
  restore(storage: string, obj: ValueMap | undefined, namespace: string, name: string, rv: number): void {
    if (storage !== '') {
      const b = this.bucket(storage, namespace, true)!;
      if (obj) b.set(name, obj);
      else b.delete(name);
      this.sorted.delete(storage);
    }
    if (rv > this.rv) this.rv = rv;
    this.compactedRv = this.rv;
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      this.compactedRv = this.history[this.historyStart]!.rv;
      this.historyStart++;
      if (this.historyStart > 4096) {
        this.history.splice(0, this.historyStart);
        this.historyStart = 0;
      }
    }
    for (const l of [...this.listeners]) l(event);
  }

  /** Changes after `rv`, oldest first; undefined when some of them are no longer kept. */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    const out: StoreEvent[] = [];
    // Binary search the first event with a greater resourceVersion.
    let lo = this.historyStart;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid]!.rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.history.length; i++) out.push(this.history[i]!);
    return out;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
