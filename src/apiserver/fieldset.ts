/**
 * Sets of field paths, the currency of server-side apply: which fields a manager owns. A
 * path is a list of elements written as in `managedFields[].fieldsV1`: `f:name` (a field
 * or map key), `k:{"name":"web"}` (an item of a list keyed by fields), `v:"x"` (an item of
 * a set-like list), `i:0` (a position). A node can be a member itself (`.`) and have
 * children, which is how fieldsV1 writes a list item together with its fields.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(json: Value): FieldSet {
    const s = new FieldSet();
    if (!isMap(json)) return s;
    for (const [k, v] of Object.entries(json)) {
      if (k === '.') s.member = true;
      else {
        const child = FieldSet.fromFieldsV1(v);
        // A child written as {} is a member with no children.
        if (!child.member && child.children.size === 0) child.member = true;
        s.children.set(k, child);
      }
    }
    return s;
  }

  /** fieldsV1: `{}` for a member without children, `.` beside children for one with. */
  toFieldsV1(): ValueMap {
    const out: ValueMap = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const k of [...this.children.keys()].sort(compareElements)) out[k] = this.children.get(k)!.toFieldsV1();
    return out;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  insert(path: readonly string[]): void {
    let n: FieldSet = this;
    for (const e of path) {
      let c = n.children.get(e);
      if (!c) n.children.set(e, (c = new FieldSet()));
      n = c;
    }
    n.member = true;
  }

  has(path: readonly string[]): boolean {
    let n: FieldSet | undefined = this;
    for (const e of path) {
      n = n.children.get(e);
      if (!n) return false;
    }
    return n.member;
  }

  /** The node at `path` (members or not), if any. */
  node(path: readonly string[]): FieldSet | undefined {
    let n: FieldSet | undefined = this;
    for (const e of path) {
      n = n.children.get(e);
      if (!n) return undefined;
    }
    return n;
  }

  clone(): FieldSet {
    const s = new FieldSet();
    s.member = this.member;
    for (const [k, v] of this.children) s.children.set(k, v.clone());
    return s;
  }

  union(other: FieldSet): FieldSet {
    const s = this.clone();
    s.addAll(other);
    return s;
  }

  private addAll(other: FieldSet): void {
    if (other.member) this.member = true;
    for (const [k, v] of other.children) {
      let c = this.children.get(k);
      if (!c) this.children.set(k, (c = new FieldSet()));
      c.addAll(v);
    }
  }

  /** Members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    const s = new FieldSet();
    s.member = this.member && !other.member;
    for (const [k, v] of this.children) {
      const o = other.children.get(k);
      const d = o ? v.difference(o) : v.clone();
      if (!d.isEmpty()) s.children.set(k, d);
    }
    return s;
  }

  /** Members of both sets. */
  intersection(other: FieldSet): FieldSet {
    const s = new FieldSet();
    s.member = this.member && other.member;
    for (const [k, v] of this.children) {
      const o = other.children.get(k);
      if (!o) continue;
      const i = v.intersection(o);
      if (!i.isEmpty()) s.children.set(k, i);
    }
    return s;
  }

  /** Every member path, parents before children, children in fieldsV1 order. */
  paths(prefix: string[] = [], out: string[][] = []): string[][] {
    if (this.member) out.push(prefix);
    for (const k of [...this.children.keys()].sort(compareElements)) this.children.get(k)!.paths([...prefix, k], out);
    return out;
  }

  /** Removes the subtree at `path` (used to ignore fields such as metadata.uid). */
  removeSubtree(path: readonly string[]): void {
    if (path.length === 0) {
      this.member = false;
      this.children.clear();
      return;
    }
    const parent = this.node(path.slice(0, -1));
    parent?.children.delete(path[path.length - 1]!);
  }

  /** Removes just the member flag at `path`, keeping children. */
  removeMember(path: readonly string[]): void {
    const n = this.node(path);
    if (n) n.member = false;
  }
}

const ELEMENT_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Field names first (by name), then keys, values and indices, as structured-merge-diff orders them. */
export function compareElements(a: string, b: string): number {
  const ra = ELEMENT_RANK[a[0]!] ?? 4;
  const rb = ELEMENT_RANK[b[0]!] ?? 4;
  if (ra !== rb) return ra - rb;
  if (ra === 3) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON text of a value with object keys sorted, as path elements encode keys and values. */
export function canonicalJson(v: Value): string {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? v.toString() : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k]!)}`)
    .join(',')}}`;
}

/** The path as conflict messages print it: `.spec.containers[name="web"].image`. */
export function pathString(path: readonly string[]): string {
  let out = '';
  for (const e of path) {
    const body = e.slice(2);
    switch (e[0]) {
      case 'f':
        out += `.${body}`;
        break;
      case 'k': {
        let obj: ValueMap = {};
        try {
          obj = JSON.parse(body) as ValueMap;
        } catch {
          /* keep empty */
        }
        out += `[${Object.keys(obj)
          .sort()
          .map((k) => `${k}=${canonicalJson(obj[k]!)}`)
          .join(',')}]`;
        break;
      }
      case 'v':
        out += `[=${body}]`;
        break;
      case 'i':
        out += `[${body}]`;
        break;
      default:
        out += e;
    }
  }
  return out;
}
