/**
 * The data model every leaf library shares: plain JSON-like values as Go's yaml.v3 decodes
 * them into interface{}. Integers beyond 2^53 are bigints so that they print exactly;
 * timestamps are already strings in RFC 3339 form (what kustomize's JSON round trip makes).
 */
export type Scalar = null | boolean | number | bigint | string;
export type Value = Scalar | Value[] | ValueMap;
export interface ValueMap {
  [key: string]: Value;
}

export function isMap(v: unknown): v is ValueMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A parse failure that names where it happened. */
export class YamlError extends Error {
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly line: number,
    readonly column: number,
  ) {
    super(file ? `${file}:${line}:${column}: ${message}` : `line ${line}, column ${column}: ${message}`);
    this.name = 'YamlError';
  }
}
