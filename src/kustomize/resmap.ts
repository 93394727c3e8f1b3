/** An ordered set of resources keyed by id, as kustomize's ResMap. */
import { KustomizeError } from './errors.js';
import { type ResId, idEquals, idKey, idString } from './resid.js';
import type { Resource } from './resource.js';
import { mergeGeneratedResource } from './generators/merge.js';

export class ResMap {
  private items: Resource[] = [];

  constructor(resources: Resource[] = []) {
    this.appendAll(resources);
  }

  get size(): number {
    return this.items.length;
  }

  list(): Resource[] {
    return this.items;
  }

  [Symbol.iterator](): Iterator<Resource> {
    return this.items[Symbol.iterator]();
  }

  /** Adds a resource; two resources may not share an id. */
  append(r: Resource): void {
    const id = r.id;
    if (this.items.some((x) => idEquals(x.id, id))) {
      throw new KustomizeError(`may not add resource with an already registered id: ${idString(id)}`);
    }
    this.items.push(r);
  }

  /** Adds many at once; ids are indexed once for the batch (names may change between batches). */
  appendAll(other: Iterable<Resource>): void {
    const seen = new Set(this.items.map((x) => idKey(x.id)));
    for (const r of other) {
      const key = idKey(r.id);
      if (seen.has(key)) throw new KustomizeError(`may not add resource with an already registered id: ${idString(r.id)}`);
      seen.add(key);
      this.items.push(r);
    }
  }

  /** The first id shared by two resources, if any. */
  duplicateId(): ResId | undefined {
    const seen = new Set<string>();
    for (const r of this.items) {
      const id = r.id;
      const key = idKey(id);
      if (seen.has(key)) return id;
      seen.add(key);
    }
    return undefined;
  }

  byCurrentId(id: ResId): Resource[] {
    return this.items.filter((r) => idEquals(r.id, id));
  }

  /** Resources any of whose ids (current or previous) satisfies the predicate. */
  byAnyId(pred: (id: ResId) => boolean): Resource[] {
    return this.items.filter((r) => r.allIds().some(pred));
  }

  replace(old: Resource, r: Resource): void {
    const i = this.items.indexOf(old);
    if (i < 0) throw new KustomizeError(`cannot replace unknown resource ${idString(old.id)}`);
    this.items[i] = r;
  }

  remove(r: Resource): void {
    const i = this.items.indexOf(r);
    if (i >= 0) this.items.splice(i, 1);
  }

  setList(list: Resource[]): void {
    this.items = list;
  }

  /**
   * Adds generated resources, honouring their behavior: create appends, merge and replace
   * require exactly one existing resource with the same id.
   */
  absorb(r: Resource): void {
    const id = r.id;
    const matches = this.byAnyId((x) => idEquals(x, id));
    if (matches.length === 0) {
      if (r.behavior === 'merge' || r.behavior === 'replace') {
        throw new KustomizeError(`id ${idString(id)} does not exist; cannot merge or replace`);
      }
      this.append(r);
      return;
    }
    if (matches.length > 1) {
      throw new KustomizeError(`found multiple objects ${matches.map((m) => idString(m.id)).join(', ')} that could accept merge of ${idString(id)}`);
    }
    const old = matches[0]!;
    if (r.behavior !== 'merge' && r.behavior !== 'replace') {
      throw new KustomizeError(`id ${idString(id)} exists; behavior must be merge or replace`);
    }
    this.replace(old, mergeGeneratedResource(old, r));
  }
}
