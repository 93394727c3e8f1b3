/**
 * A small vocabulary for OpenAPI v3 schemas (the structural subset CRDs accept), and the
 * generation of a CustomResourceDefinition from a kind's definition. Every Flux kind is
 * described once, here in TypeScript; the CRDs are derived from that description.
 */

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  enum?: (string | number)[];
  default?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { rule: string; message?: string }[];
}

type Opts = Omit<Schema, 'type'>;

export const str = (o: Opts = {}): Schema => ({ type: 'string', ...o });
export const int64 = (o: Opts = {}): Schema => ({ type: 'integer', format: 'int64', ...o });
export const int32 = (o: Opts = {}): Schema => ({ type: 'integer', format: 'int32', ...o });
export const bool = (o: Opts = {}): Schema => ({ type: 'boolean', ...o });
export const arr = (items: Schema, o: Opts = {}): Schema => ({ type: 'array', items, ...o });
export const stringMap = (o: Opts = {}): Schema => ({ type: 'object', additionalProperties: { type: 'string' }, ...o });
/** Anything (JSON values kept as they are). */
export const anything = (o: Opts = {}): Schema => ({ 'x-kubernetes-preserve-unknown-fields': true, ...o });
export const dateTime = (o: Opts = {}): Schema => ({ type: 'string', format: 'date-time', ...o });

/** An object; `required` lists mandatory properties. */
export function obj(properties: Record<string, Schema>, required: string[] = [], o: Opts = {}): Schema {
  const s: Schema = { type: 'object', properties, ...o };
  if (required.length) s.required = [...required].sort();
  return s;
}

/** Go durations as Flux's CRDs accept them. */
export const DURATION_PATTERN = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';
export const duration = (o: Opts = {}): Schema => str({ pattern: DURATION_PATTERN, ...o });

export interface PrinterColumn {
  name: string;
  type: 'string' | 'date' | 'integer' | 'boolean' | 'number';
  jsonPath: string;
  priority?: number;
  description?: string;
}

export interface ServedVersion {
  name: string;
  /** Older versions are served with the storage schema and carry a warning. */
  deprecationWarning?: string;
}

export interface KindDefinition {
  group: string;
  kind: string;
  plural: string;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  scope: 'Namespaced' | 'Cluster';
  /** The storage version first, then older served versions. */
  versions: ServedVersion[];
  /** The root schema: spec and status properties. */
  schema: Schema;
  printerColumns: PrinterColumn[];
  /** The controller that owns the kind (install labels). */
  component: string;
}

export interface CrdOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The CustomResourceDefinition of a kind: every version with the same schema, None conversion. */
export function crdFor(def: KindDefinition, opts: CrdOptions = {}): Record<string, unknown> {
  const root = obj({ apiVersion: str(), kind: str(), metadata: { type: 'object' }, ...def.schema.properties }, def.schema.required ?? [], {
    ...(def.schema.description ? { description: def.schema.description } : {}),
  });
  const names: Record<string, unknown> = { kind: def.kind, listKind: `${def.kind}List`, plural: def.plural, singular: def.singular };
  if (def.shortNames?.length) names.shortNames = def.shortNames;
  if (def.categories?.length) names.categories = def.categories;
  const metadata: Record<string, unknown> = { name: `${def.plural}.${def.group}` };
  if (opts.annotations && Object.keys(opts.annotations).length) metadata.annotations = opts.annotations;
  if (opts.labels && Object.keys(opts.labels).length) metadata.labels = opts.labels;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata,
    spec: {
      group: def.group,
      names,
      scope: def.scope,
      conversion: { strategy: 'None' },
      versions: def.versions.map((v, i) => {
        const version: Record<string, unknown> = { name: v.name };
        if (def.printerColumns.length) version.additionalPrinterColumns = def.printerColumns;
        if (v.deprecationWarning) {
          version.deprecated = true;
          version.deprecationWarning = v.deprecationWarning;
        }
        version.schema = { openAPIV3Schema: structuredClone(root) };
        version.served = true;
        version.storage = i === 0;
        version.subresources = { status: {} };
        return version;
      }),
    },
  };
}

/** The printer columns every Flux kind shows: Age, Ready, Status (from the Ready condition). */
export const READY_COLUMNS: PrinterColumn[] = [
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Status', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message' },
];
