/** The transformer configuration: which fields each builtin transformer touches. */
import type { FieldSpec } from '../fieldspec.js';
import { LEGACY_ORDER_FIRST, LEGACY_ORDER_LAST } from '../resid.js';

/** A kind that other objects refer to by name, and the fields (referrers) that hold such names. */
export interface NameBackReference {
  group?: string;
  version?: string;
  kind: string;
  fieldSpecs: FieldSpec[];
}

/** kustomize's TransformerConfig; keys are the YAML keys of a `configurations:` file. */
export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  /** Extra places for the `labels:` field (only ever set by configuration files). */
  labels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackReference[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

export type FieldSpecListKey = Exclude<keyof TransformerConfig, 'nameReference'>;

/** The field-spec lists in the order kustomize declares them (its struct field order). */
export const FIELD_SPEC_KEYS: readonly FieldSpecListKey[] = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'templateLabels',
  'commonAnnotations',
  'varReference',
  'images',
  'replicas',
];

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    labels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}

export function copyFieldSpec(fs: FieldSpec): FieldSpec {
  return { ...fs };
}

export function copyBackReference(br: NameBackReference): NameBackReference {
  return { ...br, fieldSpecs: br.fieldSpecs.map(copyFieldSpec) };
}

export function copyTransformerConfig(tc: TransformerConfig): TransformerConfig {
  const out = emptyTransformerConfig();
  for (const k of FIELD_SPEC_KEYS) out[k] = tc[k].map(copyFieldSpec);
  out.nameReference = tc.nameReference.map(copyBackReference);
  return out;
}

// kustomize's order of kinds (resid's orderFirst/orderLast) also sorts field specs.
const ORDER_FIRST = LEGACY_ORDER_FIRST;
const ORDER_LAST = LEGACY_ORDER_LAST;
const KIND_RANK = new Map<string, number>([
  ...ORDER_FIRST.map((k, i): [string, number] => [k, i - ORDER_FIRST.length]),
  ...ORDER_LAST.map((k, i): [string, number] => [k, i + 1]),
]);

interface GvkLike {
  group?: string;
  version?: string;
  kind?: string;
}

/** Go compares strings by bytes; comparing code points gives the same order as UTF-8 bytes. */
export function goStringLess(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length;
}

function stableSortString(g: GvkLike): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`;
}

/** kustomize's Gvk.IsLessThan: known kinds by rank, then group_version_kind bytewise. */
export function gvkLess(a: GvkLike, b: GvkLike): boolean {
  const ra = KIND_RANK.get(a.kind ?? '') ?? 0;
  const rb = KIND_RANK.get(b.kind ?? '') ?? 0;
  if (ra !== rb) return ra < rb;
  return goStringLess(stableSortString(a), stableSortString(b));
}

/** kustomize's Gvk.IsSelected: the selector's non-empty parts must equal x's. */
export function gvkSelectedBy(x: GvkLike, selector: GvkLike): boolean {
  if (selector.group && selector.group !== (x.group ?? '')) return false;
  if (selector.version && selector.version !== (x.version ?? '')) return false;
  if (selector.kind && selector.kind !== (x.kind ?? '')) return false;
  return true;
}

export function gvkSame(a: GvkLike, b: GvkLike): boolean {
  return (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && (a.kind ?? '') === (b.kind ?? '');
}

/** kustomize's Gvk.String(): Kind.version.group with placeholders for empty parts. */
export function gvkString(g: GvkLike): string {
  return `${g.kind || '[noKind]'}.${g.version || '[noVer]'}.${g.group || '[noGrp]'}`;
}
