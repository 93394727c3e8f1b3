/**
 * `fluxion events [--for Kind[/name]] [--types Normal,Warning] [-A] [-w]`: the core/v1 Events
 * of Flux objects as flux prints them — LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (NAMESPACE
 * first with -A or when related objects live elsewhere), oldest first. `--for Kind/name` adds
 * the events of the object it points at (a Kustomization's source, an Alert's provider …).
 */
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import { CliError, formatTable, say, timeoutMs, withClient, withKubeFlags, type KubeFlags } from './common.js';

export interface CoreEvent extends KubeObject {
  involvedObject: { kind?: string; name?: string; namespace?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string } | null;
}

/** A Flux kind and, when it points at another object, where that reference lives in its spec. */
interface RefInfo {
  apiVersion: string;
  /** The referenced kind when the spec does not say it. */
  refKind?: string;
  /** Path of the reference in the object ({kind?, name, namespace?}). */
  field?: string[];
  crossNamespaced?: boolean;
  /** References not in the spec (a HelmRelease's generated HelmChart). */
  otherRefs?: (namespace: string, name: string) => string[];
}

// The kinds whose events flux shows; others (Pods, Deployments …) are left out.
const FLUX_KINDS: Record<string, RefInfo> = {
  Kustomization: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', field: ['spec', 'sourceRef'], crossNamespaced: true },
  HelmRelease: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    field: ['spec', 'chart', 'spec', 'sourceRef'],
    crossNamespaced: true,
    otherRefs: (namespace, name) => [`HelmChart/${namespace}-${name}`],
  },
  Alert: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', refKind: 'Provider', field: ['spec', 'providerRef'] },
  Receiver: { apiVersion: 'notification.toolkit.fluxcd.io/v1' },
  Provider: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3' },
  ImagePolicy: { apiVersion: 'image.toolkit.fluxcd.io/v1beta2', refKind: 'ImageRepository', field: ['spec', 'imageRepositoryRef'], crossNamespaced: true },
  HelmChart: { apiVersion: 'source.toolkit.fluxcd.io/v1', field: ['spec', 'sourceRef'], crossNamespaced: true },
  GitRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
  OCIRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
  Bucket: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
  HelmRepository: { apiVersion: 'source.toolkit.fluxcd.io/v1' },
  ImageUpdateAutomation: { apiVersion: 'image.toolkit.fluxcd.io/v1beta2' },
  ImageRepository: { apiVersion: 'image.toolkit.fluxcd.io/v1beta2' },
};

function fluxKind(kind: string): string | undefined {
  return Object.keys(FLUX_KINDS).find((k) => k.toLowerCase() === kind.toLowerCase());
}

/** The moment an event is sorted by: its series' last observation, else lastTimestamp, else eventTime. */
function eventTime(e: CoreEvent): number {
  const t = e.series?.lastObservedTime || e.lastTimestamp || e.eventTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

/** Go's duration.HumanDuration of the time since `ts` ("<unknown>" without one). */
async function since(ts: string | null | undefined, now: Date): Promise<string> {
  const { humanDuration } = await import('../apiserver/printers.js');
  const t = ts ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t);
}

/** kubectl's LAST SEEN cell: "5m", or "30s (x4 over 5m)" for repeated events. */
export async function lastSeen(e: CoreEvent, now = new Date()): Promise<string> {
  const first = e.eventTime ? await since(e.eventTime, now) : await since(e.firstTimestamp, now);
  if (e.series) return `${await since(e.series.lastObservedTime, now)} (x${e.series.count ?? 0} over ${first})`;
  if ((e.count ?? 0) > 1) return `${await since(e.lastTimestamp, now)} (x${e.count} over ${first})`;
  return first;
}

export async function eventRow(e: CoreEvent, showNamespace: boolean, now = new Date()): Promise<string[]> {
  const row = [await lastSeen(e, now), e.type ?? '', e.reason ?? '', `${e.involvedObject.kind ?? ''}/${e.involvedObject.name ?? ''}`, e.message ?? ''];
  return showNamespace ? [e.metadata.namespace ?? '', ...row] : row;
}

const headers = (showNamespace: boolean) => [...(showNamespace ? ['Namespace'] : []), 'Last seen', 'Type', 'Reason', 'Object', 'Message'];

/** One list (or watch) of events: a namespace (undefined: all) and a field selector. */
interface EventQuery {
  namespace?: string;
  fieldSelector?: string;
}

function selectorFor(kind: string, name?: string): string {
  return name ? `involvedObject.kind=${kind},involvedObject.name=${name}` : `involvedObject.kind=${kind}`;
}

function dig(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}

/** The objects `--for Kind/name` also covers, as queries in their own namespaces. */
async function relatedQueries(client: KubeClient, kind: string, name: string, namespace: string): Promise<EventQuery[]> {
  const info = FLUX_KINDS[kind]!;
  if (!info.field) return [];
  const obj = await client.get({ apiVersion: info.apiVersion, kind, namespace }, name);
  const refKind = info.refKind ?? dig(obj, [...info.field, 'kind']);
  const refName = dig(obj, [...info.field, 'name']);
  if (typeof refKind !== 'string' || refKind === '') throw new CliError(`field '${[...info.field, 'kind'].join('.')}' for '${namespace}/${name}' not found`);
  if (typeof refName !== 'string' || refName === '') throw new CliError(`field '${[...info.field, 'name'].join('.')}' for '${namespace}/${name}' not found`);
  const refNs = info.crossNamespaced ? ((dig(obj, [...info.field, 'namespace']) as string | undefined) || namespace) : namespace;
  const refs = [`${refKind}/${refName}`, ...(info.otherRefs?.(namespace, name) ?? [])];
  return refs.map((r) => {
    const [k, n] = r.split('/') as [string, string];
    return { namespace: refNs, fieldSelector: selectorFor(k, n) };
  });
}

interface EventsFlags extends KubeFlags {
  for?: string;
  types?: string;
  watch?: boolean;
}

function parseTypes(text: string | undefined): string[] {
  const types = (text ?? '').split(',').map((t) => t.trim()).filter(Boolean);
  for (const t of types) {
    if (!/^(normal|warning)$/i.test(t)) throw new CliError(`type '${t}' not supported. Supported types are Normal, Warning`);
  }
  return types.map((t) => t.toLowerCase());
}

async function runEvents(client: KubeClient, flags: EventsFlags): Promise<void> {
  const types = parseTypes(flags.types);
  const namespace = flags.allNamespaces ? undefined : flags.namespace;
  const main: EventQuery = { namespace };
  const related: EventQuery[] = [];
  if (flags.for) {
    const slash = flags.for.indexOf('/');
    const kindText = slash < 0 ? flags.for : flags.for.slice(0, slash);
    const name = slash < 0 ? undefined : flags.for.slice(slash + 1);
    if (!kindText) throw new CliError('--for selector must be of format <kind>[/<name>]');
    const kind = fluxKind(kindText);
    if (!kind) throw new CliError(`'${kindText}' is not a recognized Flux kind`);
    main.fieldSelector = selectorFor(kind, name || undefined);
    if (name) related.push(...(await relatedQueries(client, kind, name, flags.namespace)));
  }
  const showNamespace = namespace === undefined || related.some((q) => q.namespace !== namespace);
  const shown = (e: CoreEvent) => fluxKind(e.involvedObject.kind ?? '') === e.involvedObject.kind && (types.length === 0 || types.includes((e.type ?? '').toLowerCase()));
  const ref = (q: EventQuery) => ({ apiVersion: 'v1', kind: 'Event', namespace: q.namespace });

  if (flags.watch) return watchEvents(client, [main, ...related], ref, shown, showNamespace, await timeoutMs(flags));

  const events: CoreEvent[] = [];
  for (const q of [main, ...related]) events.push(...(await client.list<CoreEvent>(ref(q), { fieldSelector: q.fieldSelector })).items);
  // A stable sort: events of the same second keep the server's order.
  const sorted = events.map((e, i) => ({ e, i, t: eventTime(e) })).sort((a, b) => a.t - b.t || a.i - b.i).map((x) => x.e);
  const now = new Date();
  const rows: string[][] = [];
  for (const e of sorted) if (shown(e)) rows.push(await eventRow(e, showNamespace, now));
  if (rows.length === 0) {
    say.failure(flags.allNamespaces ? 'No events found.' : `No events found in ${flags.namespace} namespace.`);
    return;
  }
  process.stdout.write(formatTable(headers(showNamespace), rows));
}

/** -w: each event as it comes (existing ones first), the header once, until --timeout. */
async function watchEvents(
  client: KubeClient,
  queries: EventQuery[],
  ref: (q: EventQuery) => { apiVersion: string; kind: string; namespace?: string },
  shown: (e: CoreEvent) => boolean,
  showNamespace: boolean,
  ms: number,
): Promise<void> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  let header = true;
  try {
    await Promise.all(
      queries.map(async (q) => {
        const stream = await client.watch<CoreEvent>(ref(q), { fieldSelector: q.fieldSelector, signal: ac.signal });
        try {
          for await (const ev of stream.events) {
            if (ev.type === 'ERROR') throw new CliError(`error watching events: ${(ev.object as unknown as { message?: string }).message ?? 'watch failed'}`);
            if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
            if (!shown(ev.object)) continue;
            const row = await eventRow(ev.object, showNamespace);
            process.stdout.write(header ? formatTable(headers(showNamespace), [row]) : formatTable(row.map(() => ''), [row], { noHeader: true }));
            header = false;
          }
        } catch (e) {
          if (!ac.signal.aborted) throw e;
        } finally {
          stream.close();
        }
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}

export function registerEvents(program: Command): void {
  withKubeFlags(
    program
      .command('events')
      .description('display Kubernetes events for Flux resources')
      .option('--for <kind[/name]>', 'get events for a particular object')
      .option('--types <types>', 'filter events for certain types (valid types are: Normal, Warning)')
      .option('-w, --watch', 'indicate if the events should be streamed'),
    { allNamespaces: true },
  ).action(async (flags: EventsFlags) => {
    await withClient(flags, (client) => runEvents(client, flags));
  });
}
