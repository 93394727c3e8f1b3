/**
 * What the object verbs (create, get, export, suspend, resume, delete) know about Flux's kinds:
 * names (kind ↔ apiVersion/plural, flux's human words), how a kind prints as a table row, how
 * an object prints as flux exports it, and when an object counts as reconciled.
 */
import { computeStatus } from '../kube/kstatus.js';
import { isNotFound } from '../kube/errors.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { formatDuration, parseDuration } from '../runtime/duration.js';
import type { KindDefinition, Schema } from '../api/openapi.js';
import { bucketDefinition, externalArtifactDefinition, gitRepositoryDefinition, helmChartDefinition, helmRepositoryDefinition, ociRepositoryDefinition } from '../api/source.js';
import { kustomizationDefinition } from '../api/kustomize.js';
import { emitYaml } from '../yaml/emit.js';
import type { Value } from '../yaml/types.js';
import { CliError } from './common.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FluxObject = KubeObject & { spec?: any; status?: any };

export interface FluxKind {
  kind: string;
  /** The storage version: flux prints and exports objects in it. */
  apiVersion: string;
  plural: string;
  /** flux's words for the kind in status lines: "source git", "kustomization". */
  humanKind: string;
  definition: KindDefinition;
  /** The REVISION column. */
  revision(obj: FluxObject): string;
  /** The line `resume` prints once the object is ready. */
  readyMessage(obj: FluxObject): string;
}

const storageVersion = (d: KindDefinition) => `${d.group}/${d.versions[0]!.name}`;
const artifactRevision = (obj: FluxObject): string => obj.status?.artifact?.revision ?? '';

function sourceKind(definition: KindDefinition, humanKind: string): FluxKind {
  return {
    kind: definition.kind,
    apiVersion: storageVersion(definition),
    plural: definition.plural,
    humanKind,
    definition,
    revision: artifactRevision,
    readyMessage: (obj) => `fetched revision ${artifactRevision(obj)}`,
  };
}

export const GIT_REPOSITORY = sourceKind(gitRepositoryDefinition, 'source git');
export const KUSTOMIZATION: FluxKind = {
  kind: 'Kustomization',
  apiVersion: storageVersion(kustomizationDefinition),
  plural: kustomizationDefinition.plural,
  humanKind: 'kustomization',
  definition: kustomizationDefinition,
  revision: (obj) => obj.status?.lastAppliedRevision ?? '',
  readyMessage: (obj) => `applied revision ${obj.status?.lastAppliedRevision ?? ''}`,
};

/** `get sources all` lists the source kinds in flux's order. */
export const SOURCE_KINDS: FluxKind[] = [
  sourceKind(ociRepositoryDefinition, 'source oci'),
  sourceKind(bucketDefinition, 'source bucket'),
  GIT_REPOSITORY,
  sourceKind(helmRepositoryDefinition, 'source helm'),
  sourceKind(helmChartDefinition, 'source chart'),
  sourceKind(externalArtifactDefinition, 'source external'),
];

/** `get all`: the sources, then the appliers (HelmRelease and the notification kinds are not served yet). */
export const ALL_KINDS: FluxKind[] = [...SOURCE_KINDS, KUSTOMIZATION];

export const refOf = (k: FluxKind, namespace?: string) => ({ apiVersion: k.apiVersion, kind: k.kind, namespace });

// ---- tables -------------------------------------------------------------------------------

/** flux's rule for the READY and MESSAGE columns: no Ready condition yet reads False. */
export function readyAndMessage(obj: FluxObject): [string, string] {
  const ready = (obj.status?.conditions as { type: string; status: string; message?: string }[] | undefined)?.find((c) => c.type === 'Ready');
  return ready ? [ready.status, ready.message ?? ''] : ['False', 'waiting to be reconciled'];
}

const HEX = /\b[a-f0-9]{40,128}\b/g;

/** Shortens every SHA-1…SHA-512 hex digest in a text to 8 characters, as flux's tables do. */
export function truncateHex(text: string): string {
  return text.replace(HEX, (h) => h.slice(0, 8));
}

/** The row flux prints for an object: [NAMESPACE,] NAME, REVISION, SUSPENDED, READY, MESSAGE. */
export function summaryRow(k: FluxKind, obj: FluxObject, opts: { namespace?: boolean; withKind?: boolean } = {}): string[] {
  const name = opts.withKind ? `${k.kind.toLowerCase()}/${obj.metadata.name}` : obj.metadata.name;
  const [ready, message] = readyAndMessage(obj);
  const row = [name, truncateHex(k.revision(obj)), obj.spec?.suspend ? 'True' : 'False', ready, truncateHex(message)];
  return opts.namespace ? [obj.metadata.namespace ?? '', ...row] : row;
}

export const summaryHeader = (namespace: boolean) => [...(namespace ? ['Namespace'] : []), 'Name', 'Revision', 'Suspended', 'Ready', 'Message'];

/** --status-selector TYPE=STATUS, compared without regard to case as flux does. */
export function parseStatusSelector(selector: string | undefined): ((obj: FluxObject) => boolean) | undefined {
  if (!selector) return undefined;
  const i = selector.indexOf('=');
  if (i < 0) throw new CliError(`--status-selector: expected status selector in type=status format, but found: ${selector}`);
  const type = selector.slice(0, i).toLowerCase();
  const status = selector.slice(i + 1).toLowerCase();
  return (obj) => {
    const conds = (obj.status?.conditions ?? []) as { type: string; status: string }[];
    const c = conds.filter((x) => x.type.toLowerCase() === type).pop();
    return c !== undefined && c.status.toLowerCase() === status;
  };
}

/** Lists one kind; undefined when the cluster does not serve it (its CRD is not installed). */
export async function listKind(client: KubeClient, k: FluxKind, namespace: string | undefined, opts: { name?: string; labelSelector?: string } = {}): Promise<FluxObject[] | undefined> {
  try {
    const list = await client.list<FluxObject>(refOf(k, namespace), {
      fieldSelector: opts.name ? `metadata.name=${opts.name}` : undefined,
      labelSelector: opts.labelSelector || undefined,
    });
    return list.items;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

// ---- export -------------------------------------------------------------------------------

// The API's duration fields (src/api/openapi.ts DURATION_PATTERN and the sources' timeouts).
const isDurationSchema = (s: Schema) => s.type === 'string' && (s.pattern ?? '').startsWith('^([0-9]+(\\.[0-9]+)?(ms|s|m');

/** A duration as Go's time.Duration prints it (flux's types re-encode every duration so). */
export function goDuration(text: string): string {
  const ms = parseDuration(text);
  return ms === undefined ? text : formatDuration(ms);
}

const isEmptyMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/**
 * A spec as flux's typed Go structs print it: unknown fields dropped, durations re-encoded,
 * and optional fields (Go's omitempty) left out when false, empty or zero. Required fields
 * (the ones without omitempty) stay, so a Kustomization keeps `prune: false`.
 */
export function tidy(schema: Schema | undefined, value: unknown): unknown {
  if (schema === undefined || value === null || value === undefined) return value;
  if (isDurationSchema(schema) && typeof value === 'string') return goDuration(value);
  if (Array.isArray(value)) return value.map((v) => tidy(schema.items, v));
  if (typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  if (!schema.properties) return schema['x-kubernetes-preserve-unknown-fields'] || schema.additionalProperties ? value : {};
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!(key in src)) continue;
    const v = tidy(sub, src[key]);
    const empty = v === undefined || v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0) || (sub.additionalProperties !== undefined && isEmptyMap(v));
    if (empty && !required.has(key)) continue;
    out[key] = v;
  }
  return out;
}

/** Annotations and labels that record how an object got here, not what it asks for. */
const BOOKKEEPING_ANNOTATION = /^(kubectl\.kubernetes\.io\/last-applied-configuration|reconcile\.fluxcd\.io\/.*)$/;
const BOOKKEEPING_LABEL = /^kustomize\.toolkit\.fluxcd\.io\/(name|namespace)$/;

function without(map: Record<string, string> | undefined, drop: RegExp): Record<string, string> | undefined {
  if (!map) return undefined;
  const kept = Object.fromEntries(Object.entries(map).filter(([k]) => !drop.test(k)));
  return Object.keys(kept).length ? kept : undefined;
}

/** The object flux's `export` prints: apiVersion, kind, name, namespace, labels, annotations, spec. */
export function exportObject(k: FluxKind, obj: FluxObject): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: obj.metadata.name, namespace: obj.metadata.namespace };
  const labels = without(obj.metadata.labels, BOOKKEEPING_LABEL);
  const annotations = without(obj.metadata.annotations, BOOKKEEPING_ANNOTATION);
  if (labels) metadata.labels = labels;
  if (annotations) metadata.annotations = annotations;
  return { apiVersion: k.apiVersion, kind: k.kind, metadata, spec: tidy(k.definition.schema.properties?.spec, obj.spec ?? {}) };
}

/** One exported document, as flux prints it: "---", then the YAML (sigs.k8s.io/yaml's). */
export function exportYaml(obj: Record<string, unknown>): string {
  return `---\n${emitYaml(obj as Value).trimEnd()}\n`;
}

// ---- create or update ---------------------------------------------------------------------

/** The field manager flux's CLI writes with. */
export const CLI_FIELD_MANAGER = 'flux-client-side-apply';

/**
 * Creates the object, or, when it exists, replaces the given top-level fields (and the labels
 * when `labels` is set) as flux's upsert does, keeping everything else the cluster holds.
 */
export async function upsert(client: KubeClient, desired: KubeObject, opts: { fields: string[]; labels: boolean }): Promise<'created' | 'updated'> {
  const ref = { apiVersion: desired.apiVersion, kind: desired.kind, namespace: desired.metadata.namespace };
  let existing: KubeObject;
  try {
    existing = await client.get(ref, desired.metadata.name);
  } catch (e) {
    if (!isNotFound(e)) throw e;
    await client.create(desired, { fieldManager: CLI_FIELD_MANAGER });
    return 'created';
  }
  if (opts.labels) {
    if (desired.metadata.labels) existing.metadata.labels = desired.metadata.labels;
    else delete existing.metadata.labels;
  }
  for (const f of opts.fields) existing[f] = desired[f];
  await client.update(existing, { fieldManager: CLI_FIELD_MANAGER });
  return 'updated';
}

// ---- readiness ----------------------------------------------------------------------------

export type Readiness = { state: 'ready' } | { state: 'waiting'; message: string } | { state: 'failed'; message: string };

/**
 * Whether an object has been reconciled at its current generation (flux's isObjectReady):
 * the controller must have observed this generation and left a Ready condition for it; then
 * kstatus decides (Current: ready, Stalled: failed, anything else: keep waiting).
 */
export function readiness(obj: FluxObject): Readiness {
  const generation = obj.metadata.generation ?? 0;
  const observed = Number(obj.status?.observedGeneration ?? -1);
  if (observed < 1) return { state: 'waiting', message: 'waiting to be reconciled' };
  const ready = (obj.status?.conditions as { type: string; observedGeneration?: number }[] | undefined)?.find((c) => c.type === 'Ready');
  if (!ready) return { state: 'waiting', message: 'waiting for a Ready condition' };
  const readyGen = Number(ready.observedGeneration ?? 0);
  if ((readyGen !== 0 && readyGen !== generation) || (readyGen === 0 && observed !== generation)) return { state: 'waiting', message: `generation ${generation} not reconciled yet` };
  const s = computeStatus(obj as Record<string, unknown>);
  if (s.status === 'Current') return { state: 'ready' };
  if (s.status === 'InProgress') return { state: 'waiting', message: s.message };
  return { state: 'failed', message: s.message };
}

/**
 * Polls an object until it is ready at its current generation; throws the controller's
 * message when it stalls, or a timeout naming the object and what it was waiting for.
 */
export async function waitForReady(client: KubeClient, k: FluxKind, namespace: string, name: string, timeoutMs: number, opts: { since?: number; pollMs?: number } = {}): Promise<FluxObject> {
  // `since`: when the --timeout began (one deadline for several waits).
  const deadline = (opts.since ?? Date.now()) + timeoutMs;
  const pollMs = opts.pollMs ?? 500;
  let last = 'not found';
  for (;;) {
    try {
      const obj = await client.get<FluxObject>(refOf(k, namespace), name);
      const r = readiness(obj);
      if (r.state === 'ready') return obj;
      if (r.state === 'failed') throw new CliError(r.message);
      last = r.message;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      last = `${k.kind} '${name}' not found`;
    }
    if (Date.now() + pollMs > deadline) throw new CliError(`timeout waiting for ${k.kind}/${namespace}/${name} to become ready after ${formatDuration(timeoutMs)}: ${last}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

// ---- flags --------------------------------------------------------------------------------

const NAME = /^[a-z0-9]([a-z0-9-]){0,61}[a-z0-9]$/;

/** The positional NAME of create: required, an RFC 1123 label as flux checks it. */
export function checkObjectName(name: string | undefined): string {
  if (!name) throw new CliError('name is required');
  if (!NAME.test(name)) throw new CliError(`name '${name}' is invalid, it should adhere to standard defined in RFC 1123, the name can only contain alphanumeric characters or '-'`);
  return name;
}

/** --label key=value pairs (repeatable, comma-separated), validated as Kubernetes labels. */
export function parseLabels(labels: string[] | undefined): Record<string, string> | undefined {
  if (!labels?.length) return undefined;
  const out: Record<string, string> = {};
  for (const l of labels) {
    const parts = l.split('=');
    if (parts.length !== 2) throw new CliError(`--label: invalid label format '${l}', must be key=value`);
    const [k, v] = parts as [string, string];
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(k)) throw new CliError(`--label: invalid label '${k}'`);
    if (v !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(v)) throw new CliError(`--label: invalid label value '${v}'`);
    out[k] = v;
  }
  return out;
}
