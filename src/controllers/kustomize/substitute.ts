/**
 * Flux's postBuild substitution: after the kustomize build, each object's YAML text goes
 * through envsubst with the Kustomization's variables and is read back, so a value can
 * change type (`replicas: ${count}` becomes a number) or even structure.
 *
 * - The variables: `substituteFrom` ConfigMaps and Secrets in order (a later one wins), then
 *   the inline `substitute` map over them; newlines are removed from every value.
 * - No variables at all (nothing inline, every source optional and absent): the objects are
 *   left as built, `$${x}` included, unless the strategy is Always [Flux 2.9].
 * - Objects labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` are
 *   skipped.
 * - Strict by default, as Flux 2.9: an undefined variable without a default fails, naming
 *   the variable and the object. `strict: false` gives the 2.5–2.8 behaviour (empty string).
 */
import { emitYaml } from '../../yaml/emit.js';
import { resolvePlainV2 } from '../../yaml/emit-resolve.js';
import { parseDocument } from '../../yaml/parse.js';
import { isMap, type Value, type ValueMap } from '../../yaml/types.js';
import { EnvsubstError, expandTemplate, parseTemplate } from './envsubst.js';

export const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';

/** The rule variable names must follow, as Flux states it in its error. */
export const VAR_NAME_PATTERN = '^[_[:alpha:]][_[:alpha:][:digit:]]*$';
// Go's [:alpha:] and [:digit:] are ASCII classes.
const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;

/** One `postBuild.substituteFrom` entry with what the cluster holds for it. */
export interface SubstituteSource {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  optional?: boolean;
  /** The object's `data` (base64 for a Secret); undefined when the object does not exist. */
  data: Record<string, string> | undefined;
}

/** A required substituteFrom object is missing. */
export class SubstituteSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SubstituteSourceError';
  }
}

/** Substitution failed for one object; the message names it as Flux does. */
export class PostBuildError extends Error {
  constructor(
    message: string,
    /** `Kind.version.group/name`, kustomize's way of naming the object. */
    readonly object: string,
  ) {
    super(message);
    this.name = 'PostBuildError';
  }
}

const stripNewlines = (v: string): string => (v.includes('\n') ? v.replaceAll('\n', '') : v);

/**
 * The variables for a Kustomization: sources in order, later ones overriding earlier ones,
 * then the inline map over all of them. A missing non-optional source fails.
 */
export function mergeSubstituteVars(inline: Record<string, string> | undefined, sources: SubstituteSource[]): Record<string, string> {
  const vars = new Map<string, string>();
  for (const src of sources) {
    if (src.data === undefined) {
      if (src.optional) continue;
      const plural = src.kind === 'ConfigMap' ? 'configmaps' : 'secrets';
      throw new SubstituteSourceError(`substitute from '${src.kind}/${src.name}' error: ${plural} "${src.name}" not found`);
    }
    for (const [k, v] of Object.entries(src.data)) {
      vars.set(k, stripNewlines(src.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v));
    }
  }
  for (const [k, v] of Object.entries(inline ?? {})) vars.set(k, stripNewlines(v));
  return Object.fromEntries(vars);
}

export interface SubstituteOptions {
  /** Undefined variables without a default fail (default true; Flux ≤2.8 used false). */
  strict?: boolean;
  /** `substituteStrategy: Always`: expand even when there are no variables [Flux 2.9]. */
  always?: boolean;
}

/** Whether the object opted out with the substitute label or annotation (exactly "disabled"). */
export function isSubstitutionDisabled(obj: ValueMap): boolean {
  const meta = isMap(obj.metadata) ? obj.metadata : undefined;
  const labels = meta && isMap(meta.labels) ? meta.labels : undefined;
  const annotations = meta && isMap(meta.annotations) ? meta.annotations : undefined;
  return labels?.[SUBSTITUTE_KEY] === 'disabled' || annotations?.[SUBSTITUTE_KEY] === 'disabled';
}

/**
 * Substitutes the variables in each object. Objects that need no change are returned as
 * they are (the same references); the others are new objects. Throws PostBuildError.
 */
export function substituteObjects(objects: ValueMap[], vars: Record<string, string>, opts: SubstituteOptions = {}): ValueMap[] {
  const names = Object.keys(vars);
  if (names.length === 0 && !opts.always) return objects.slice();
  const invalid = names.filter((n) => !VAR_NAME.test(n)).sort()[0];
  const strict = opts.strict ?? true;
  const lookup = (n: string): string | undefined => (Object.hasOwn(vars, n) ? vars[n] : undefined);
  return objects.map((obj) => {
    if (isSubstitutionDisabled(obj)) return obj;
    const fail = (detail: string): never => {
      const id = objectId(obj);
      throw new PostBuildError(`post build failed for '${id}': envsubst error: ${detail}`, id);
    };
    // Flux checks the names for every object it substitutes, so the error names the first one.
    if (invalid !== undefined) fail(`'${invalid}' var name is invalid, must match '${VAR_NAME_PATTERN}'`);
    // Text without "${" or "$$" expands to itself: most objects never need printing. (The
    // printer never makes either from characters of two different strings.)
    if (!hasReference(obj)) return obj;
    const text = emitYaml(obj);
    let expanded: string;
    try {
      expanded = expandTemplate(parseTemplate(text), lookup, { strict });
    } catch (e) {
      if (e instanceof EnvsubstError) fail(`variable substitution failed: ${e.message}`);
      throw e;
    }
    if (expanded === text) return obj;
    let value: Value;
    try {
      value = parseDocument(expanded, { dialect: 'go' });
    } catch (e) {
      return fail(`YAMLToJSON: ${(e as Error).message}`);
    }
    if (!isMap(value)) return fail(`YAMLToJSON: the substituted object is not a mapping`);
    return retypeBooleans(value, obj) as ValueMap;
  });
}

function hasReference(v: Value): boolean {
  if (typeof v === 'string') return v.includes('${') || v.includes('$$');
  if (Array.isArray(v)) return v.some(hasReference);
  if (isMap(v)) {
    for (const k in v) if (k.includes('${') || k.includes('$$') || hasReference(v[k]!)) return true;
  }
  return false;
}

/**
 * Flux reads the substituted text with YAML 1.1 rules (sigs.k8s.io/yaml), where a plain
 * `yes`, `on` or `off` is a boolean; src/yaml reads them as strings. A string that changed
 * in substitution and that YAML 1.1 reads as a boolean came from a plain scalar (the printer
 * quotes such strings), so it takes the boolean.
 */
function retypeBooleans(v: Value, before: Value | undefined): Value {
  if (typeof v === 'string') {
    if (v === before) return v;
    const v2 = resolvePlainV2(v);
    return typeof v2 === 'boolean' ? v2 : v;
  }
  if (Array.isArray(v)) {
    const prev = Array.isArray(before) ? before : [];
    for (let i = 0; i < v.length; i++) v[i] = retypeBooleans(v[i]!, prev[i]);
    return v;
  }
  if (isMap(v)) {
    const prev = isMap(before) ? before : {};
    for (const k of Object.keys(v)) v[k] = retypeBooleans(v[k]!, prev[k]);
  }
  return v;
}

/** kustomize's name for an object in Flux's messages: `Kind.version.group/name`. */
export function objectId(obj: ValueMap): string {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const meta = isMap(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '';
  return `${kind || '[noKind]'}.${version || '[noVer]'}.${group || '[noGrp]'}/${name}`;
}
