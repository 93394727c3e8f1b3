/**
 * `fluxion diff kustomization NAME --path DIR`: builds DIR as `build kustomization` does, then
 * asks the API server what a server-side apply of each object would make of it (dry-run,
 * field manager kustomize-controller, force) and compares that with the live object, as flux
 * does: `► Kind/ns/name created`, `► Kind/ns/name drifted` followed by a dyff-style report of
 * the changed fields (Secret values masked), and `► Kind/ns/name deleted` for what prune would
 * remove. Exit status as diff(1): 0 no change, 1 changes, 2 trouble.
 */
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import type { Value, ValueMap } from '../yaml/types.js';
import { CliError, kubeClient, say, withKubeFlags } from './common.js';
import type { BuildFlags, BuildOptions } from './build-ks.js';

const FIELD_MANAGER = 'kustomize-controller';
const RECONCILE_DISABLED: [string, string] = ['kustomize.toolkit.fluxcd.io/reconcile', 'disabled'];

// ---- a dyff-style report of what changed between two objects --------------------------------

type Kind = '+' | '-' | '±';
export interface Detail {
  kind: Kind;
  from?: Value;
  to?: Value;
}
export interface FieldDiff {
  path: string[];
  details: Detail[];
}

const isMapValue = (v: Value | undefined): v is ValueMap => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isMapValue(a) && isMapValue(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return typeof a === 'bigint' || typeof b === 'bigint' ? String(a) === String(b) : false;
}

/** dyff's named lists: every entry a map with a distinct string `name`, `key` or `id`. */
function listIdentifier(list: Value[]): string | undefined {
  for (const id of ['name', 'key', 'id']) {
    const names = list.map((e) => (isMapValue(e) && typeof e[id] === 'string' ? (e[id] as string) : undefined));
    if (list.length > 0 && names.every((n) => n !== undefined) && new Set(names).size === names.length) return id;
  }
  return undefined;
}

/** The differences between `from` (live) and `to` (after the apply), depth first. */
export function compareValues(from: Value | undefined, to: Value | undefined, path: string[] = []): FieldDiff[] {
  if (isMapValue(from) && isMapValue(to)) {
    const out: FieldDiff[] = [];
    const removed: ValueMap = {};
    const added: ValueMap = {};
    for (const k of Object.keys(from)) {
      if (Object.hasOwn(to, k)) out.push(...compareValues(from[k], to[k], [...path, k]));
      else removed[k] = from[k]!;
    }
    for (const k of Object.keys(to)) if (!Object.hasOwn(from, k)) added[k] = to[k]!;
    const details: Detail[] = [];
    if (Object.keys(removed).length) details.push({ kind: '-', from: removed });
    if (Object.keys(added).length) details.push({ kind: '+', to: added });
    if (details.length) out.push({ path, details });
    return out;
  }
  if (Array.isArray(from) && Array.isArray(to)) return compareLists(from, to, path);
  if (deepEqual(from, to)) return [];
  return [{ path, details: [{ kind: '±', from, to }] }];
}

function compareLists(from: Value[], to: Value[], path: string[]): FieldDiff[] {
  const id = listIdentifier(from) && listIdentifier(from) === listIdentifier(to) ? listIdentifier(from) : undefined;
  const out: FieldDiff[] = [];
  let removed: Value[];
  let added: Value[];
  if (id) {
    const byName = new Map(to.map((e) => [(e as ValueMap)[id] as string, e]));
    const names = new Set(from.map((e) => (e as ValueMap)[id] as string));
    for (const e of from) {
      const name = (e as ValueMap)[id] as string;
      if (byName.has(name)) out.push(...compareValues(e, byName.get(name), [...path, name]));
    }
    removed = from.filter((e) => !byName.has((e as ValueMap)[id] as string));
    added = to.filter((e) => !names.has((e as ValueMap)[id] as string));
  } else if (from.length === to.length) {
    from.forEach((e, i) => out.push(...compareValues(e, to[i], [...path, String(i)])));
    return out;
  } else {
    removed = from.filter((e) => !to.some((t) => deepEqual(e, t)));
    added = to.filter((e) => !from.some((f) => deepEqual(e, f)));
  }
  const details: Detail[] = [];
  if (removed.length) details.push({ kind: '-', from: removed });
  if (added.length) details.push({ kind: '+', to: added });
  if (details.length) out.push({ path, details });
  return out;
}

function typeName(v: Value | undefined): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return 'list';
  if (isMapValue(v)) return 'map';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Lines only in a (`-`) and only in b (`+`), from a longest common subsequence. */
function lineDiff(a: string[], b: string[]): { op: '-' | '+'; text: string[] }[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { op: '-' | '+'; text: string[] }[] = [];
  const push = (op: '-' | '+', line: string) => {
    const last = ops[ops.length - 1];
    if (last?.op === op) last.text.push(line);
    else ops.push({ op, text: [line] });
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) push('-', a[i++]!);
    else push('+', b[j++]!);
  }
  return ops;
}

/** Every line of `text` behind `prefix`. */
const prefixed = (prefix: string, text: string) => text.replace(/\n$/, '').split('\n').map((l) => `${prefix}${l}\n`).join('');

function formatDetail(d: Detail, yaml: (v: Value) => string): string {
  if (d.kind === '+' || d.kind === '-') {
    const v = (d.kind === '+' ? d.to : d.from)!;
    const what = Array.isArray(v) ? plural(v.length, 'list entry', 'list entries') : plural(Object.keys(v as ValueMap).length, 'map entry', 'map entries');
    // dyff indents what was added by two and what was removed by the report's indent (none).
    return `${d.kind} ${what} ${d.kind === '+' ? 'added' : 'removed'}:\n${prefixed(d.kind === '+' ? '  ' : '', yaml(v))}`;
  }
  const [from, to] = [d.from, d.to];
  if (typeof from === 'string' && typeof to === 'string') {
    if (from.includes('\n') || to.includes('\n')) {
      const ops = lineDiff(from.split('\n'), to.split('\n'));
      const ins = ops.filter((o) => o.op === '+').length;
      const del = ops.length - ins;
      const body = ops.map((o) => prefixed(`${o.op} `, o.text.join('\n'))).join('');
      return `± value change in multiline text (${plural(ins, 'insert', 'inserts')}, ${plural(del, 'deletion', 'deletions')})\n${body}\n`;
    }
    return `± value change\n- ${from}\n+ ${to}\n`;
  }
  const scalar = (v: Value | undefined) => (v === null || v === undefined ? 'null' : typeof v === 'object' ? yaml(v).replace(/\n$/, '') : String(v));
  const [ft, tt] = [typeName(from), typeName(to)];
  const head = ft === tt ? '± value change\n' : `± type change from ${ft} to ${tt}\n`;
  return head + prefixed('- ', scalar(from)) + prefixed('+ ', scalar(to));
}

/** The report as dyff's human output prints it for flux (no banner, no indent). */
export function formatReport(diffs: FieldDiff[], yaml: (v: Value) => string): string {
  let out = '';
  for (const d of diffs) {
    out += `\n${d.path.length ? d.path.join('.') : '(root level)'}\n`;
    out += d.details.map((x) => formatDetail(x, yaml)).join('');
  }
  return `${out}\n`;
}

// ---- comparing with the cluster -----------------------------------------------------------------

const SANITIZED = '***';

/** Secret values never reach the output: equal ones `***`, changed ones `*** (before)` / `*** (after)`. */
export function maskSecretData(live: ValueMap, merged: ValueMap): void {
  const a = isMapValue(live.data) ? { ...live.data } : undefined;
  const b = isMapValue(merged.data) ? { ...merged.data } : undefined;
  for (const k of Object.keys(a ?? {})) {
    if (b && Object.hasOwn(b, k)) {
      const changed = !deepEqual(a![k], b[k]);
      a![k] = changed ? `${SANITIZED} (before)` : SANITIZED;
      b[k] = changed ? `${SANITIZED} (after)` : SANITIZED;
    } else a![k] = SANITIZED;
  }
  for (const k of Object.keys(b ?? {})) if (!a || !Object.hasOwn(a, k)) b![k] = SANITIZED;
  if (a) live.data = a;
  if (b) merged.data = b;
}

/** What is not the object's desired state: status and the fields the server manages. */
export function withoutServerFields(obj: ValueMap): ValueMap {
  const out: ValueMap = { ...obj };
  delete out.status;
  if (isMapValue(obj.metadata)) {
    const meta: ValueMap = { ...obj.metadata };
    for (const f of ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp', 'selfLink']) delete meta[f];
    out.metadata = meta;
  }
  return out;
}

/** flux's drift rule: labels, annotations, and everything outside metadata and status. */
function hasDrifted(live: ValueMap, merged: ValueMap): boolean {
  const meta = (o: ValueMap) => (isMapValue(o.metadata) ? o.metadata : {});
  const body = (o: ValueMap) => {
    const c: ValueMap = { ...o };
    delete c.metadata;
    delete c.status;
    return c;
  };
  const orEmpty = (v: Value | undefined) => (isMapValue(v) && Object.keys(v).length ? v : undefined);
  return !deepEqual(orEmpty(meta(live).labels), orEmpty(meta(merged).labels)) || !deepEqual(orEmpty(meta(live).annotations), orEmpty(meta(merged).annotations)) || !deepEqual(body(live), body(merged));
}

const subject = (obj: ValueMap): string => {
  const meta = isMapValue(obj.metadata) ? obj.metadata : {};
  return meta.namespace ? `${String(obj.kind)}/${String(meta.namespace)}/${String(meta.name)}` : `${String(obj.kind)}/${String(meta.name)}`;
};

/** ssa's dry-run error: `Kind/ns/name dry-run failed (Reason): message`. */
function dryRunError(obj: ValueMap, e: unknown): string {
  const err = e as { code?: number; reason?: string; message?: string };
  const meta = isMapValue(obj.metadata) ? obj.metadata : {};
  if (err.code === 404) return meta.namespace ? `${subject(obj)} not found: ${err.message}` : `${subject(obj)} namespace not specified: ${err.message}`;
  return `${subject(obj)} dry-run failed${err.reason ? ` (${err.reason})` : ''}: ${err.message ?? String(e)}`;
}

export interface DiffResult {
  output: string;
  changed: boolean;
  errors: string[];
}

export async function diffKustomization(client: KubeClient, opts: Omit<BuildOptions, 'client'>): Promise<DiffResult> {
  const { buildKustomization } = await import('./build-ks.js');
  const { emitYaml } = await import('../yaml/emit.js');
  const { isNotFound } = await import('../kube/errors.js');
  const { hasMetadataValue } = await import('../controllers/kustomize/annotations.js');
  const { objMetadataId, objRefOf, staleObjects, fmtObjRef } = await import('../controllers/kustomize/inventory.js');
  const { kustomization, objects } = await buildKustomization({ ...opts, client });
  const yaml = (v: Value) => emitYaml(v);
  let output = '';
  let changed = false;
  const errors: string[] = [];
  const inventory: { id: string; v: string }[] = [];
  for (const obj of objects) {
    const meta = isMapValue(obj.metadata) ? obj.metadata : {};
    const ref = { apiVersion: String(obj.apiVersion), kind: String(obj.kind), namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined };
    const name = String(meta.name);
    inventory.push({ id: objMetadataId(objRefOf(obj)), v: String(obj.apiVersion).split('/').pop()! });
    try {
      await client.discovery.resolve(ref.apiVersion, ref.kind);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      errors.push(`${subject(obj)} dry-run failed: no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
      continue;
    }
    let live: ValueMap | undefined;
    try {
      live = (await client.get(ref, name)) as unknown as ValueMap;
    } catch (e) {
      if (!isNotFound(e)) {
        errors.push(dryRunError(obj, e));
        continue;
      }
    }
    if (hasMetadataValue(obj, ...RECONCILE_DISABLED) || hasMetadataValue(live, ...RECONCILE_DISABLED)) continue;
    let merged: ValueMap;
    try {
      merged = (await client.apply(obj as unknown as KubeObject, { fieldManager: FIELD_MANAGER, force: true, dryRun: true })) as unknown as ValueMap;
    } catch (e) {
      errors.push(dryRunError(obj, e));
      continue;
    }
    if (!live) {
      output += `► ${subject(obj)} created\n`;
      changed = true;
      continue;
    }
    if (!hasDrifted(live, merged)) continue;
    const [before, after] = [withoutServerFields(live), withoutServerFields(merged)];
    if (obj.kind === 'Secret') maskSecretData(before, after);
    output += `► ${subject(obj)} drifted\n${formatReport(compareValues(before, after), yaml)}`;
    changed = true;
  }
  if (kustomization.spec?.prune && errors.length === 0 && kustomization.status?.inventory) {
    for (const stale of staleObjects(kustomization.status.inventory.entries ?? [], inventory)) {
      output += `► ${fmtObjRef(stale)} deleted\n`;
      changed = true;
    }
  }
  return { output, changed, errors };
}

interface DiffFlags extends BuildFlags {
  progressBar: string | boolean;
}

export function registerDiff(program: Command): void {
  const diff = program.command('diff').description('diff a flux object with the cluster');
  withKubeFlags(
    diff
      .command('kustomization <name>')
      .alias('ks')
      .description('build a Kustomization from a local directory and diff it with the cluster (exit 0: no differences, 1: differences, 2: error)')
      .option('--path <dir>', 'path to a local directory that matches the specified Kustomization.spec.path')
      .option('--kustomization-file <file>', 'path to the Flux Kustomization YAML file')
      .option('--ignore-paths <patterns>', 'comma-separated paths to ignore, in .gitignore format')
      .option('--strict-substitute', 'fail when a variable without a default value is not defined')
      .option('--progress-bar [bool]', 'show a progress bar (accepted for compatibility; none is drawn)', true),
  ).action(async (name: string, flags: DiffFlags) => {
    const { checkBuildPaths, splitList } = await import('./build-ks.js');
    if (![true, 'true', 'false'].includes(flags.progressBar)) throw new CliError(`--progress-bar must be true or false, not '${flags.progressBar}'`, 2);
    try {
      checkBuildPaths({ path: flags.path ?? '', kustomizationFile: undefined });
    } catch (e) {
      throw new CliError((e as Error).message, 2);
    }
    // flux exits 1, not 2, for a bad --kustomization-file.
    checkBuildPaths({ path: flags.path ?? '', kustomizationFile: flags.kustomizationFile });
    let result: DiffResult;
    const client = await kubeClient(flags).catch((e: Error) => {
      throw new CliError(e.message, 2);
    });
    try {
      result = await diffKustomization(client, {
        name,
        namespace: flags.namespace,
        path: flags.path ?? '',
        kustomizationFile: flags.kustomizationFile,
        strictSubstitute: flags.strictSubstitute,
        ignorePaths: splitList(flags.ignorePaths),
      });
    } catch (e) {
      throw new CliError((e as Error).message, 2);
    } finally {
      client.close();
    }
    process.stdout.write(result.output);
    if (result.errors.length) throw new CliError(result.errors.join('\n'), 2);
    if (result.changed) {
      say.warning('identified at least one change, exiting with non-zero exit code');
      process.exitCode = 1;
    }
  });
}
