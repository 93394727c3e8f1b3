/**
 * kustomize's `crds:` field: OpenAPI definitions (type name -> {Schema, Dependencies}) whose
 * properties carry x-kubernetes-* extensions become field specs. A type is a root when its
 * properties include kind, apiVersion and metadata; its kind is the last dot-separated part of
 * the type name. `$ref` properties are followed into the other definitions of the same file.
 */
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { KustomizeError } from '../errors.js';
import type { FieldSpec } from '../fieldspec.js';
import { mergeBackReferences, mergeFieldSpecList, mergeTransformerConfig } from './merge.js';
import { type TransformerConfig, emptyTransformerConfig } from './types.js';

const X_ANNOTATION = 'x-kubernetes-annotation';
const X_LABEL_SELECTOR = 'x-kubernetes-label-selector';
const X_IDENTITY = 'x-kubernetes-identity';
const X_VERSION = 'x-kubernetes-object-ref-api-version';
const X_KIND = 'x-kubernetes-object-ref-kind';
const X_NAME_KEY = 'x-kubernetes-object-ref-name-key';

/** Go struct fields without tags match JSON keys case-insensitively. */
function field(m: ValueMap, name: string): Value | undefined {
  if (Object.prototype.hasOwnProperty.call(m, name)) return m[name];
  const lower = name.toLowerCase();
  const key = Object.keys(m).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : m[key];
}

/** An extension counts only when its value is a string, as go-openapi's GetString requires. */
function extension(schema: ValueMap, key: string): string | undefined {
  const v = schema[key];
  return typeof v === 'string' ? v : undefined;
}

function properties(definition: Value | undefined): ValueMap | undefined {
  if (!isMap(definition)) return undefined;
  const schema = field(definition, 'Schema');
  if (!isMap(schema)) return undefined;
  const props = field(schema, 'properties');
  return isMap(props) ? props : undefined;
}

function looksLikeK8sType(props: ValueMap | undefined): boolean {
  return props !== undefined && 'kind' in props && 'apiVersion' in props && 'metadata' in props;
}

function spec(kind: string, path: string[]): FieldSpec {
  return { kind, path: path.join('/') };
}

function loadType(tc: TransformerConfig, kind: string, defs: ValueMap, typeName: string, path: string[], seen: string[]): void {
  if (!Object.prototype.hasOwnProperty.call(defs, typeName)) return;
  if (seen.includes(typeName)) {
    // kustomize recurses without end here and crashes; fail with a message instead.
    throw new KustomizeError(`recursive $ref to '${typeName}' in CRD definitions`);
  }
  const props = properties(defs[typeName]);
  if (!props) return;
  for (const [propName, property] of Object.entries(props)) {
    if (!isMap(property)) continue;
    const here = [...path, propName];
    if (extension(property, X_ANNOTATION) !== undefined) tc.commonAnnotations = mergeFieldSpecList(tc.commonAnnotations, [spec(kind, here)]);
    if (extension(property, X_LABEL_SELECTOR) !== undefined) tc.commonLabels = mergeFieldSpecList(tc.commonLabels, [spec(kind, here)]);
    if (extension(property, X_IDENTITY) !== undefined) tc.namePrefix = mergeFieldSpecList(tc.namePrefix, [spec(kind, here)]);
    const version = extension(property, X_VERSION);
    const targetKind = extension(property, X_KIND);
    if (version !== undefined && targetKind !== undefined) {
      const nameKey = extension(property, X_NAME_KEY) ?? 'name';
      const target = version ? { kind: targetKind, version } : { kind: targetKind };
      tc.nameReference = mergeBackReferences(tc.nameReference, [{ ...target, fieldSpecs: [spec(kind, [...here, nameKey])] }]);
    }
    const ref = property.$ref;
    if (typeof ref === 'string') loadType(tc, kind, defs, ref, here, [...seen, typeName]);
  }
}

/** The configuration one CRD file contributes (kustomize's makeConfigFromApiMap). */
function configFromDefinitions(doc: Value, file: string): TransformerConfig {
  if (!isMap(doc)) {
    throw new KustomizeError(`unable to parse open API definition from '${file}': expected a map of type names to definitions`);
  }
  let result = emptyTransformerConfig();
  for (const typeName of Object.keys(doc)) {
    if (!looksLikeK8sType(properties(doc[typeName]))) continue;
    const kind = typeName.split('.').pop()!;
    const tc = emptyTransformerConfig();
    loadType(tc, kind, doc, typeName, [], []);
    result = mergeTransformerConfig(result, tc);
  }
  return result;
}

/**
 * kustomize's LoadConfigFromCRDs over already parsed files (JSON or YAML), merged in order.
 * `files` names them in messages.
 */
export function configFromCrds(docs: Value[], files: string[] = []): TransformerConfig {
  let tc = emptyTransformerConfig();
  docs.forEach((doc, i) => {
    tc = mergeTransformerConfig(tc, configFromDefinitions(doc, files[i] ?? `crds[${i}]`));
  });
  return tc;
}
