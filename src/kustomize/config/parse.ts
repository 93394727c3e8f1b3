/**
 * Reading a `configurations:` file. kustomize decodes it strictly through JSON into its Go
 * structs, so the checks and messages here are those of Go's encoding/json: keys match
 * case-insensitively, unknown keys are errors, scalars are turned into strings where a string
 * is wanted, and the first error (in sorted key order, as the YAML-to-JSON step sorts keys) wins.
 */
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import type { FieldSpec } from '../fieldspec.js';
import { sortTransformerConfig } from './merge.js';
import { FIELD_SPEC_KEYS as CONFIG_FIELD_SPEC_KEYS, type NameBackReference, type TransformerConfig, emptyTransformerConfig, goStringLess } from './types.js';

const FIELD_SPEC_LIST_KEYS = CONFIG_FIELD_SPEC_KEYS;
const CONFIG_KEYS = [...FIELD_SPEC_LIST_KEYS, 'nameReference'] as const;
const FIELD_SPEC_KEYS = ['group', 'version', 'kind', 'path', 'create'] as const;
const BACK_REFERENCE_KEYS = ['group', 'version', 'kind', 'fieldSpecs'] as const;

class Decoder {
  error: string | undefined;

  /** Go keeps decoding after a type error and reports the first one. */
  fail(msg: string): void {
    this.error ??= msg;
  }

  typeError(v: Value, struct: string, path: string[], type: string): void {
    this.fail(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${struct}.${path.join('.')} of type ${type}`);
  }

  /** Visits the known keys of a JSON object in sorted order; unknown keys are errors. */
  fields<K extends string>(m: ValueMap, known: readonly K[], visit: (key: K, v: Value) => void): void {
    for (const raw of sortedKeys(m)) {
      const key = known.find((k) => k === raw) ?? known.find((k) => k.toLowerCase() === raw.toLowerCase());
      if (key === undefined) this.fail(`json: unknown field ${JSON.stringify(raw)}`);
      else visit(key, m[raw]!);
    }
  }

  string(v: Value, struct: string, path: string[], set: (s: string) => void): void {
    if (v === null) return;
    if (typeof v === 'string') set(v);
    else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') set(String(v));
    else this.typeError(v, struct, path, 'string');
  }

  fieldSpec(v: Value, parent: string, path: string[]): FieldSpec {
    const fs: FieldSpec = { path: '' };
    if (v === null) return fs;
    if (!isMap(v)) {
      this.typeError(v, parent, path, 'types.FieldSpec');
      return fs;
    }
    this.fields(v, FIELD_SPEC_KEYS, (key, val) => {
      const at = [...path, key];
      if (key === 'create') {
        if (typeof val === 'boolean') fs.create = val;
        else if (val !== null) this.typeError(val, 'FieldSpec', at, 'bool');
      } else {
        this.string(val, 'FieldSpec', at, (s) => {
          fs[key] = s;
        });
      }
    });
    return normalize(fs);
  }

  fieldSpecs(v: Value, parent: string, path: string[]): FieldSpec[] {
    if (v === null) return [];
    if (!Array.isArray(v)) {
      this.typeError(v, parent, path, 'types.FsSlice');
      return [];
    }
    return v.map((el) => this.fieldSpec(el, parent, path));
  }

  backReference(v: Value, path: string[]): NameBackReference {
    const br: NameBackReference = { kind: '', fieldSpecs: [] };
    if (v === null) return br;
    if (!isMap(v)) {
      this.typeError(v, 'TransformerConfig', path, 'builtinconfig.NameBackReferences');
      return br;
    }
    this.fields(v, BACK_REFERENCE_KEYS, (key, val) => {
      const at = [...path, key];
      if (key === 'fieldSpecs') br.fieldSpecs = this.fieldSpecs(val, 'NameBackReferences', at);
      else {
        this.string(val, 'NameBackReferences', at, (s) => {
          br[key] = s;
        });
      }
    });
    if (!br.group) delete br.group;
    if (!br.version) delete br.version;
    return br;
  }
}

/** Drops empty gvk parts and a false create, so that specs compare by content. */
function normalize(fs: FieldSpec): FieldSpec {
  const out: FieldSpec = { path: fs.path };
  if (fs.group) out.group = fs.group;
  if (fs.version) out.version = fs.version;
  if (fs.kind) out.kind = fs.kind;
  if (fs.create) out.create = true;
  return out;
}

function sortedKeys(m: ValueMap): string[] {
  return Object.keys(m).sort((a, b) => (a === b ? 0 : goStringLess(a, b) ? -1 : 1));
}

function jsonKind(v: Value): string {
  if (Array.isArray(v)) return 'array';
  if (isMap(v)) return 'object';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  return typeof v === 'string' ? 'string' : 'null';
}

/**
 * Parses one configuration document (the parsed YAML of a `configurations:` entry), sorted
 * as kustomize sorts it after loading. An empty document is an empty configuration. kustomize's
 * errors do not name the file; `file` is kept for callers that want to add it.
 */
export function parseTransformerConfig(doc: Value | undefined, file: string): TransformerConfig {
  void file;
  const tc = emptyTransformerConfig();
  if (doc === undefined || doc === null) return tc;
  const d = new Decoder();
  if (!isMap(doc)) {
    d.fail(`json: cannot unmarshal ${jsonKind(doc)} into Go value of type builtinconfig.TransformerConfig`);
  } else {
    d.fields(doc, CONFIG_KEYS, (key, val) => {
      if (key === 'nameReference') {
        if (val === null) tc.nameReference = [];
        else if (!Array.isArray(val)) d.typeError(val, 'TransformerConfig', [key], 'builtinconfig.nbrSlice');
        else tc.nameReference = val.map((el) => d.backReference(el, [key]));
      } else {
        tc[key] = d.fieldSpecs(val, 'TransformerConfig', [key]);
      }
    });
  }
  if (d.error !== undefined) throw new KustomizeError(`error unmarshaling JSON: while decoding JSON: ${d.error}`);
  sortTransformerConfig(tc);
  return tc;
}
