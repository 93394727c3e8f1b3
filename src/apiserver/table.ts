/**
 * meta.k8s.io/v1 Table answers, which `kubectl get` asks for: the columns kube-apiserver's
 * printers give built-in kinds (printers.ts), a CRD's additionalPrinterColumns (Age when it
 * declares none), and Name / Created At for kinds no printer covers. Every column is sent,
 * wide ones with priority 1, and kubectl hides those unless asked for `-o wide`.
 */
import { isMap, type Value, type ValueMap } from '../yaml/types.js';
import type { ResourceType } from './registry.js';
import { evalJsonPath } from './jsonpath.js';
import { builtinColumns, NAME_COLUMN, SCALE_COLUMNS, since, type Column } from './printers.js';

export { humanDuration } from './printers.js';

/** A custom resource column's cell, by the column's type (the apiextensions table convertor's rules). */
function customCell(type: string, v: Value, now: Date): Value {
  switch (type) {
    case 'integer':
      if (typeof v === 'bigint') return v;
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'number':
      return typeof v === 'number' || typeof v === 'bigint' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      if (typeof v !== 'string') return null;
      return Number.isNaN(Date.parse(v)) ? '<invalid>' : since(v, now);
    default:
      // Strings print as they are; other values as their JSON text.
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      return JSON.stringify(v);
  }
}

function customColumns(t: ResourceType): Column[] {
  const declared = t.crd?.printerColumns ?? [];
  const columns = declared.length > 0 ? declared : [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: undefined, format: undefined, priority: 0 }];
  return [
    NAME_COLUMN,
    ...columns.map(
      (c): Column => ({
        name: c.name,
        type: c.type as Column['type'],
        format: c.format ?? '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
        cell: (o, now) => {
          let vals: Value[];
          try {
            vals = evalJsonPath(o, c.jsonPath);
          } catch {
            return null;
          }
          return vals.length === 0 || vals[0] === undefined ? null : customCell(c.type, vals[0]!, now);
        },
      }),
    ),
  ];
}

function columnsFor(t: ResourceType): Column[] {
  return t.builtin ? builtinColumns(t.group, t.kind) : customColumns(t);
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function partial(o: ValueMap): ValueMap {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: isMap(o.metadata) ? o.metadata : {} };
}

function table(cols: Column[], objects: ValueMap[], listMeta: ValueMap, include: IncludeObject, now: Date): ValueMap {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: cols.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority })),
    rows: objects.map((o) => {
      const row: ValueMap = { cells: cols.map((c) => c.cell(o, now)) };
      if (include === 'Object') row.object = o;
      else if (include === 'Metadata') row.object = partial(o);
      return row;
    }),
  };
}

export function toTable(t: ResourceType, objects: ValueMap[], listMeta: ValueMap, include: IncludeObject, now: Date): ValueMap {
  return table(columnsFor(t), objects, listMeta, include, now);
}

/** A Scale subresource as a Table (NAME DESIRED AVAILABLE AGE). */
export function scaleTable(scale: ValueMap, include: IncludeObject, now: Date): ValueMap {
  const rv = isMap(scale.metadata) ? scale.metadata.resourceVersion : undefined;
  return table(SCALE_COLUMNS, [scale], { resourceVersion: String(rv ?? '') }, include, now);
}

/** The column names a type's Table carries, for tests and docs. */
export function columnNames(t: ResourceType, wide = false): string[] {
  return columnsFor(t)
    .filter((c) => wide || c.priority === 0)
    .map((c) => c.name);
}
