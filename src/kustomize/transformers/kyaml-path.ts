/**
 * kyaml's dotted field paths over our plain values: the splitter kustomize uses for
 * replacement paths, the single-result lookup (kyaml's PathGetter, used for replacement
 * sources and var field refs) and the many-result matcher (PathMatcher, used for replacement
 * targets, which may create what is missing). Errors carry kyaml's messages.
 */
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { emitYaml } from '../../yaml/emit.js';
import { KustomizeError } from '../errors.js';
import { nodeString, resolveText, scalarText } from './kyaml-scalar.js';
import type { Scalar } from '../../yaml/types.js';

/** A place in an object: read it, replace it. */
export interface Place {
  get(): Value;
  set(v: Value): void;
  /** Made by a create lookup: a node without a tag, typed by the text it gets. */
  created?: boolean;
}

/** kyaml's PathSplitter: split on the delimiter, where a backslash keeps it in the part. */
function pathSplit(path: string, delimiter: string): string[] {
  const parts = path.split(delimiter);
  const out = [parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const last = out[out.length - 1]!;
    if (last.endsWith('\\')) out[out.length - 1] = last.slice(0, -1) + delimiter + parts[i]!;
    else out.push(parts[i]!);
  }
  return out;
}

/**
 * kyaml's SmarterPathSplitter on ".": a part opened by "[" runs to the part that closes
 * with "]"; it keeps its brackets when it holds "=" (a list selector such as
 * `[name=a.b]`) and loses them otherwise (a map key such as `[a.b/c]`).
 */
export function smarterPathSplit(path: string): string[] {
  const split = pathSplit(path, '.');
  const out: string[] = [];
  for (let i = 0; i < split.length; i++) {
    const elem = split[i]!;
    if (elem.startsWith('[') && !elem.endsWith(']')) {
      const bracketed = [elem];
      while (i < split.length - 1) {
        i++;
        bracketed.push(split[i]!);
        if (split[i]!.endsWith(']')) break;
      }
      const joined = bracketed.join('.');
      out.push(joined.includes('=') ? joined : joined.replace(/^\[+/, '').replace(/\]+$/, ''));
    } else {
      out.push(elem);
    }
  }
  return out;
}

type Kind = 'MappingNode' | 'SequenceNode' | 'ScalarNode';

function kindOf(v: Value): Kind {
  return isMap(v) ? 'MappingNode' : Array.isArray(v) ? 'SequenceNode' : 'ScalarNode';
}

/** YAML of a node in block style, keys in their order (kyaml keeps the input's order). */
function blockYaml(v: Value): string {
  const lines: string[] = [];
  const scalar = (x: Value): string | undefined => {
    if (isMap(x)) return Object.keys(x).length === 0 ? '{}' : undefined;
    if (Array.isArray(x)) return x.length === 0 ? '[]' : undefined;
    return nodeString(x, emitYaml);
  };
  const put = (x: Value, indent: string, first: string): void => {
    // `first` prefixes the node's first line ("- " for a list entry), later lines get `indent`.
    const entries: [string, Value][] = isMap(x) ? Object.entries(x) : (x as Value[]).map((e): [string, Value] => ['', e]);
    entries.forEach(([k, val], i) => {
      const lead = i === 0 ? first : indent;
      const head = isMap(x) ? `${lead}${nodeString(k, emitYaml)}:` : `${lead}-`;
      const s = scalar(val);
      if (s !== undefined) lines.push(`${head} ${s}`);
      else if (isMap(x) && Array.isArray(val)) {
        lines.push(head);
        put(val, indent, indent);
      } else if (isMap(x)) {
        lines.push(head);
        put(val, indent + '  ', indent + '  ');
      } else {
        put(val, indent + '  ', `${head} `);
      }
    });
  };
  const s = scalar(v);
  if (s !== undefined) return s;
  put(v, '', '');
  return lines.join('\n');
}

function render(v: Value): string {
  try {
    return blockYaml(v);
  } catch {
    return scalarText(String(v));
  }
}

/** kyaml's ErrorIfInvalid: null passes any check. */
function checkKind(v: Value, kind: Kind): void {
  if (v === null) return;
  const actual = kindOf(v);
  if (actual !== kind) {
    throw new KustomizeError(`wrong node kind: expected ${kind} but got ${actual}: node contents:\n${render(v)}`);
  }
}

/** Go's strconv.Atoi: an optional sign and decimal digits, within int64. */
function goAtoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const b = BigInt(s);
  if (b < -(2n ** 63n) || b > 2n ** 63n - 1n) return undefined;
  return Number(b);
}

function isListIndex(p: string): boolean {
  return p.startsWith('[') && p.endsWith(']');
}

function isIdxNumber(p: string): boolean {
  const n = goAtoi(p);
  return n !== undefined && n >= 0;
}

/** `[name=value]` → ["name", "value"]; `[=value]` → ["", "value"]. */
function splitIndexNameValue(p: string): [string, string] {
  const inner = p.slice(p.startsWith('[') ? 1 : 0, p.endsWith(']') ? -1 : undefined);
  const eq = inner.indexOf('=');
  if (eq < 0) throw new KustomizeError('list path element must contain fieldName=fieldValue for element to match');
  return [inner.slice(0, eq), inner.slice(eq + 1)];
}

function mapPlace(m: ValueMap, key: string, created = false): Place {
  return {
    get: () => m[key]!,
    set: (v) => {
      m[key] = v;
    },
    created,
  };
}

function arrayPlace(a: Value[], i: number, created = false): Place {
  return {
    get: () => a[i]!,
    set: (v) => {
      a[i] = v;
    },
    created,
  };
}

function hasKey(m: ValueMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

/**
 * kyaml's Lookup (PathGetter) without create: one place or undefined. Parts are trimmed and
 * empty ones dropped; a number indexes a list, "-" is its last element, `[k=v]` the first
 * element whose field k has the text v, `[=v]` the first scalar element v.
 */
export function lookupPath(root: Value, rawParts: string[]): Place | undefined {
  const parts = rawParts.map((p) => p.trim()).filter((p) => p !== '');
  let place: Place = { get: () => root, set: () => undefined };
  for (const part of parts) {
    const node = place.get();
    const idx = goAtoi(part);
    let next: Place | undefined;
    if (idx !== undefined) {
      if (idx < 0) throw new KustomizeError(`array index ${idx} cannot be negative`);
      checkKind(node, 'SequenceNode');
      if (Array.isArray(node) && idx < node.length) next = arrayPlace(node, idx);
    } else if (part === '-') {
      checkKind(node, 'SequenceNode');
      if (Array.isArray(node) && node.length > 0) next = arrayPlace(node, node.length - 1);
    } else if (part === '*') {
      throw new KustomizeError('wildcard is not supported in PathGetter');
    } else if (isListIndex(part)) {
      const [name, value] = splitIndexNameValue(part);
      checkKind(node, 'SequenceNode');
      if (Array.isArray(node)) {
        const i = node.findIndex((el) => {
          if (name === '') return scalarValueText(el) === value;
          if (!isMap(el) || !hasKey(el, name)) return false;
          return scalarValueText(el[name]!) === value;
        });
        if (i >= 0) next = arrayPlace(node, i);
      }
    } else {
      if (node === null) return undefined;
      checkKind(node, 'MappingNode');
      if (isMap(node) && hasKey(node, part)) next = mapPlace(node, part);
    }
    if (!next) return undefined;
    place = next;
  }
  return place;
}

/** A node's Value field: the text of a scalar, empty for maps and lists. */
export function scalarValueText(v: Value): string {
  return isMap(v) || Array.isArray(v) ? '' : scalarText(v);
}

export type CreateKind = 'scalar' | 'map' | 'seq';

function emptyOf(kind: CreateKind): Value {
  return kind === 'map' ? {} : kind === 'seq' ? [] : null;
}

/** Where a create lookup puts what it cannot reach (under a null): nowhere visible. */
function ghostPlace(): Place {
  let v: Value = null;
  return {
    get: () => v,
    set: (x) => {
      v = x;
    },
    created: true,
  };
}

function compileRegex(src: string): RegExp {
  try {
    return new RegExp(src);
  } catch (e) {
    throw new KustomizeError(`error parsing regexp: ${(e as Error).message}`);
  }
}

/**
 * kyaml's PathMatcher: every place the path reaches. `[k=v]` and `[=v]` match elements whose
 * field (or the element itself) printed as YAML contains a match of the regular expression v;
 * `*` is every element of a list; a number is one element. With `create`, missing fields,
 * list entries and an index one past the end are made (the last of kind `create`).
 * Undefined when nothing matched.
 */
export function matchPath(root: Value, parts: string[], create?: CreateKind): Place[] | undefined {
  const rootPlace: Place = { get: () => root, set: () => undefined };
  const out = matchFrom(rootPlace, parts, create);
  return out.length ? out : undefined;
}

/** The kind of node a create makes for a path part, from the part after it. */
function partKind(nextPart: string | undefined, leaf: CreateKind): CreateKind {
  if (nextPart === undefined) return leaf;
  if (isListIndex(nextPart) || isIdxNumber(nextPart)) return 'seq';
  return 'map';
}

function matchFrom(place: Place, parts: string[], create: CreateKind | undefined): Place[] {
  if (parts.length === 0) return [place];
  const [part, ...rest] = parts as [string, ...string[]];
  const node = place.get();
  if (isIdxNumber(part)) return matchIndex(node, goAtoi(part)!, rest, create);
  if (isListIndex(part)) return matchElements(node, part, rest, create);
  if (part === '*') {
    checkKind(node, 'SequenceNode');
    if (!Array.isArray(node)) return [];
    return node.flatMap((_, i) => matchFrom(arrayPlace(node, i), rest, create));
  }
  return matchField(place, node, part, rest, create);
}

function matchField(place: Place, node: Value, part: string, rest: string[], create: CreateKind | undefined): Place[] {
  if (node === null) {
    // kyaml "creates" under a null node where nothing shows in the output.
    return create ? matchFrom(ghostPlace(), rest, create) : [];
  }
  if (part === '') {
    // A field with an empty name matches a scalar whose text is empty.
    checkKind(node, 'ScalarNode');
    return scalarText(node as Scalar) === '' ? matchFrom(place, rest, create) : [];
  }
  checkKind(node, 'MappingNode');
  const m = node as ValueMap;
  if (!hasKey(m, part)) {
    if (!create) return [];
    const kind = partKind(rest[0], create);
    m[part] = emptyOf(kind);
    return matchFrom(mapPlace(m, part, kind === 'scalar'), rest, create);
  }
  return matchFrom(mapPlace(m, part), rest, create);
}

function matchIndex(node: Value, idx: number, rest: string[], create: CreateKind | undefined): Place[] {
  checkKind(node, 'SequenceNode');
  if (!Array.isArray(node)) {
    // A null list: its elements are none, and what is appended shows nowhere.
    if (create && idx === 0) return matchFrom(ghostPlace(), rest, create);
    throw new KustomizeError(`index ${idx} specified but only 0 elements found`);
  }
  let created = false;
  if (create && idx === node.length) {
    const kind = partKind(rest[0], create);
    node.push(emptyOf(kind));
    created = kind === 'scalar';
  }
  if (node.length < idx + 1) throw new KustomizeError(`index ${idx} specified but only ${node.length} elements found`);
  return matchFrom(arrayPlace(node, idx, created), rest, create);
}

function matchElements(node: Value, part: string, rest: string[], create: CreateKind | undefined): Place[] {
  const [field, pattern] = splitIndexNameValue(part);
  checkKind(node, 'SequenceNode');
  if (!Array.isArray(node)) {
    if (!create) return [];
    return field === '' ? [ghostPlace()] : matchFrom(ghostPlace(), rest, create);
  }
  const search = (): Place[] => {
    const re = compileRegex(pattern);
    const found: Place[] = [];
    for (let i = 0; i < node.length; i++) {
      const el = node[i]!;
      if (field === '') {
        // A scalar list entry matches by its own text; the rest of the path is not walked.
        if (re.test(render(el))) found.push(arrayPlace(node, i, createdEntries.has(i)));
        continue;
      }
      if (!isMap(el) || !hasKey(el, field)) continue;
      if (!re.test(render(el[field]!))) continue;
      found.push(...matchFrom(arrayPlace(node, i), rest, create));
    }
    return found;
  };
  const createdEntries = new Set<number>();
  const found = search();
  if (found.length || !create) return found;
  // Append an entry carrying the pattern's text (untagged), then search again.
  createdEntries.add(node.length);
  node.push(field === '' ? resolveUntagged(pattern) : { [field]: resolveUntagged(pattern) });
  return search();
}

/** An untagged scalar node holding `text`, as the value it decodes to. */
function resolveUntagged(text: string): Value {
  return resolveText(text).value;
}
