/**
 * Go's encoding/json decoding of kustomize's config structs, for its checks and messages:
 * keys match case-insensitively (an exact match first), keys are visited in sorted order (the
 * YAML-to-JSON step sorts them), decoding goes on after a type error and the first error wins.
 * Strict decoding (the kustomization file) also refuses unknown keys; lenient decoding
 * (replacement files) ignores them and turns numbers and booleans into strings where a string
 * is wanted, except in the embedded resource id, which sigs.k8s.io/yaml does not see into.
 */
import { isMap, type Value } from '../../yaml/types.js';
import { goFormatFloatG } from '../../yaml/gojson.js';

export type Shape =
  | { t: 'string'; id?: boolean }
  | { t: 'int' }
  | { t: 'bool' }
  | { t: 'struct'; name: string; type: string; fields: Record<string, Shape> }
  | { t: 'slice'; type: string; elem: Shape };

export type Decoded = string | number | boolean | Decoded[] | { [k: string]: Decoded } | undefined;

function goLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function jsonKind(v: Value): string {
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  return 'string';
}

/** The JSON text of a number, as Go's error for a number that is no int quotes it. */
function jsonNumberText(v: number | bigint): string {
  return typeof v === 'bigint' ? v.toString() : String(v);
}

export class GoDecoder {
  error: string | undefined;

  constructor(readonly strict: boolean) {}

  private fail(msg: string): void {
    this.error ??= msg;
  }

  private typeError(what: string, struct: string | undefined, path: string[], type: string): void {
    if (struct === undefined) this.fail(`json: cannot unmarshal ${what} into Go value of type ${type}`);
    else this.fail(`json: cannot unmarshal ${what} into Go struct field ${struct}.${path.join('.')} of type ${type}`);
  }

  /** Decodes `v` as `shape`; `struct` and `path` locate it for messages. Null gives undefined. */
  decode(v: Value, shape: Shape, struct: string | undefined, path: string[]): Decoded {
    if (v === null) return undefined;
    switch (shape.t) {
      case 'string':
        if (typeof v === 'string') return v;
        if (!this.strict && !shape.id && !isMap(v) && !Array.isArray(v)) {
          if (typeof v === 'number' && !Number.isInteger(v)) return goFormatFloatG(v);
          return String(v);
        }
        this.typeError(jsonKind(v), struct, path, 'string');
        return undefined;
      case 'int':
        if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 63) return v;
        if (typeof v === 'number' || typeof v === 'bigint') this.typeError(`number ${jsonNumberText(v)}`, struct, path, 'int');
        else this.typeError(jsonKind(v), struct, path, 'int');
        return undefined;
      case 'bool':
        if (typeof v === 'boolean') return v;
        this.typeError(jsonKind(v), struct, path, 'bool');
        return undefined;
      case 'slice': {
        if (!Array.isArray(v)) {
          this.typeError(jsonKind(v), struct, path, shape.type);
          return undefined;
        }
        return v.map((el) => this.decode(el, shape.elem, struct, path));
      }
      case 'struct': {
        if (!isMap(v)) {
          this.typeError(jsonKind(v), struct, path, shape.type);
          return undefined;
        }
        const out: { [k: string]: Decoded } = {};
        const names = Object.keys(shape.fields);
        for (const raw of Object.keys(v).sort(goLess)) {
          const name = names.find((n) => n === raw) ?? names.find((n) => n.toLowerCase() === raw.toLowerCase());
          if (name === undefined) {
            if (this.strict) this.fail(`json: unknown field ${JSON.stringify(raw)}`);
            continue;
          }
          // A null leaves the field as it was.
          const d = this.decode(v[raw]!, shape.fields[name]!, shape.name, [...path, name]);
          if (d !== undefined) out[name] = d;
        }
        return out;
      }
    }
  }
}
