/** JSON text of plain values, bigints included (JSON.stringify refuses them). */
import type { Value } from '../yaml/types.js';

function slow(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(slow).join(',')}]`;
  const parts: string[] = [];
  for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${slow(x)}`);
  return `{${parts.join(',')}}`;
}

export function toJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch (e) {
    if (e instanceof TypeError) return slow(v as Value);
    throw e;
  }
}
