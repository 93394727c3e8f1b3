/**
 * `fluxion logs [--kind K] [--name N] [--level L] [--since D | --since-time T] [--tail N] [-f] [-A]`:
 * the controllers' JSON logs, read through the API server's `pods/{name}/log` subresource
 * from one pod of each Flux Deployment (`app.kubernetes.io/part-of=flux`) in --flux-namespace,
 * printed as flux prints them — `TS LEVEL Kind/name.namespace - message error` — and
 * filtered by kind, name, level and the objects' namespace (-n, or every one with -A).
 */
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';
import type { KubeList, KubeObject } from '../kube/types.js';
import { CliError, DEFAULT_NAMESPACE, say, timeoutMs, withClient, withKubeFlags, type KubeFlags } from './common.js';

/** The fields flux reads from a controller's log line. */
export interface LogEntry {
  ts: string;
  level: string;
  msg: string;
  error?: string;
  /** The reconciled kind: `controllerKind` (controller-runtime ≥ 0.15) or `reconciler kind` (older). */
  kind: string;
  name: string;
  namespace: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/**
 * Reads one JSON log line (pino's and zap's shapes alike). The object's name and namespace
 * come from the top-level fields, or from the `<Kind>: {name, namespace}` field
 * controller-runtime adds. Undefined for a line that is not JSON; throws on broken JSON.
 */
export function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  const j = JSON.parse(line) as Record<string, unknown>;
  const kind = str(j['reconciler kind']) || str(j.controllerKind);
  const ref = kind && j[kind] && typeof j[kind] === 'object' ? (j[kind] as Record<string, unknown>) : {};
  return {
    ts: str(j.ts),
    level: str(j.level),
    msg: str(j.msg),
    error: j.error === undefined ? undefined : str(j.error),
    kind,
    name: str(j.name) || str(ref.name),
    namespace: str(j.namespace) || str(ref.namespace),
  };
}

/** flux's line: `{{.Timestamp}} {{.Level}} {{Kind}}{{if .Name}}/{{.Name}}.{{.Namespace}}{{end}} - {{.Message}} {{.Error}}`. */
export function formatLogLine(e: LogEntry): string {
  return `${e.ts} ${e.level} ${e.kind}${e.name ? `/${e.name}.${e.namespace}` : ''} - ${e.msg} ${e.error ?? ''}\n`;
}

export interface LogFilter {
  level?: string;
  kind?: string;
  name?: string;
  /** Only objects in this namespace; undefined for all (-A). */
  namespace?: string;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function matchesFilter(e: LogEntry, f: LogFilter): boolean {
  return (!f.level || f.level === e.level) && (!f.kind || same(f.kind, e.kind)) && (!f.name || same(f.name, e.name)) && (f.namespace === undefined || same(f.namespace, e.namespace));
}

interface Pod extends KubeObject {
  spec?: { containers?: { name: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

interface Deployment extends KubeObject {
  spec?: { template?: { metadata?: { labels?: Record<string, string> } } };
}

const FLUX_SELECTOR = 'app.kubernetes.io/part-of=flux';
// Flux's controllers run in a container of this name when their pod has more than one.
const CONTROLLER_CONTAINER = 'manager';

/** A pod worth reading: running before pending, ready before not, newer before older. */
function podRank(p: Pod): [number, number, number] {
  const running = p.status?.phase === 'Running' ? 0 : 1;
  const ready = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 0 : 1;
  return [running, ready, -Date.parse(String(p.metadata.creationTimestamp ?? 0))];
}

/** One pod of each Flux Deployment in the namespace (the API paths are core's: no discovery). */
export async function fluxPods(client: KubeClient, ns: string): Promise<Pod[]> {
  const base = `/namespaces/${encodeURIComponent(ns)}`;
  const deployments = await client.http.request<KubeList<Deployment>>('GET', `/apis/apps/v1${base}/deployments`, { query: { labelSelector: FLUX_SELECTOR } });
  const pods: Pod[] = [];
  for (const d of deployments.items ?? []) {
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    if (!selector) continue;
    const list = await client.http.request<KubeList<Pod>>('GET', `/api/v1${base}/pods`, { query: { labelSelector: selector } });
    const best = [...(list.items ?? [])].sort((a, b) => {
      const [x, y] = [podRank(a), podRank(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    })[0];
    if (best) pods.push(best);
  }
  if (pods.length === 0) throw new CliError(`no Flux pods found in namespace "${ns}"`);
  return pods;
}

export interface LogQuery {
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
}

/** Streams one pod's log through the filter to `out`, line by line. */
export async function podLog(client: KubeClient, ns: string, pod: Pod, q: LogQuery, filter: LogFilter, out: (s: string) => void, signal?: AbortSignal): Promise<void> {
  const container = (pod.spec?.containers?.length ?? 0) > 1 ? CONTROLLER_CONTAINER : undefined;
  const res = await client.http.stream(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod.metadata.name)}/log`, {
    query: { container, follow: q.follow ? 'true' : undefined, tailLines: q.tailLines, sinceSeconds: q.sinceSeconds, sinceTime: q.sinceTime },
    signal,
  });
  let buf = '';
  const take = (line: string) => {
    let entry: LogEntry | undefined;
    try {
      entry = parseLogLine(line);
    } catch (e) {
      say.failure(`parse error: ${(e as Error).message}`);
      return;
    }
    if (entry && matchesFilter(entry, filter)) out(formatLogLine(entry));
  };
  res.setEncoding('utf8');
  try {
    for await (const chunk of res) {
      buf += chunk as string;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        take(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
  } catch (e) {
    if (!signal?.aborted) throw e;
  }
  if (buf) take(buf);
}

interface LogsFlags extends KubeFlags {
  kind?: string;
  name?: string;
  level?: string;
  follow?: boolean;
  tail: string;
  since?: string;
  sinceTime?: string;
  fluxNamespace: string;
}

async function logQuery(flags: LogsFlags): Promise<LogQuery> {
  const q: LogQuery = { follow: Boolean(flags.follow) };
  const tail = Number(flags.tail);
  if (!Number.isInteger(tail)) throw new CliError(`--tail must be an integer, not '${flags.tail}'`);
  if (tail > -1) q.tailLines = tail;
  if (flags.since !== undefined && flags.sinceTime !== undefined) throw new CliError('at most one of `sinceTime` or `sinceDuration` may be specified');
  if (flags.since !== undefined) {
    const { parseDuration } = await import('../runtime/duration.js');
    const ms = parseDuration(flags.since);
    if (ms === undefined || ms < 0) throw new CliError(`--since must be a duration such as 5s, 2m or 3h, not '${flags.since}'`);
    if (ms > 0) q.sinceSeconds = Math.max(1, Math.round(ms / 1000));
  }
  if (flags.sinceTime !== undefined) {
    if (Number.isNaN(Date.parse(flags.sinceTime)) || !/^\d{4}-\d\d-\d\dT/.test(flags.sinceTime)) throw new CliError(`${flags.sinceTime} is not a valid (RFC3339) time`);
    q.sinceTime = flags.sinceTime;
  }
  return q;
}

async function runLogs(client: KubeClient, flags: LogsFlags): Promise<void> {
  if (flags.level && !['trace', 'debug', 'info', 'error'].includes(flags.level)) throw new CliError(`--level must be one of trace, debug, info, error, not '${flags.level}'`);
  const q = await logQuery(flags);
  const filter: LogFilter = { level: flags.level, kind: flags.kind, name: flags.name, namespace: flags.allNamespaces ? undefined : flags.namespace };
  const pods = await fluxPods(client, flags.fluxNamespace);
  const out = (s: string) => process.stdout.write(s);
  const ac = new AbortController();
  // --timeout bounds a one-off read; -f streams until interrupted, as flux's does.
  const timer = q.follow ? undefined : setTimeout(() => ac.abort(), await timeoutMs(flags));
  let failed = false;
  const read = async (pod: Pod) => {
    try {
      await podLog(client, flags.fluxNamespace, pod, q, filter, out, ac.signal);
    } catch (e) {
      failed = true;
      process.stderr.write(`failed getting logs: ${(e as Error).message}\n`);
    }
  };
  try {
    if (q.follow) await Promise.all(pods.map(read));
    else for (const pod of pods) await read(pod);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (failed) throw new CliError('failed to collect logs from all Flux pods');
}

export function registerLogs(program: Command): void {
  withKubeFlags(
    program
      .command('logs')
      .description('display formatted logs for Flux components')
      .option('--level <level>', 'log level: trace, debug, info or error')
      .option('--kind <kind>', 'displays errors of a particular toolkit kind e.g GitRepository')
      .option('--name <name>', 'specifies the name of the object logs to be displayed')
      .option('-f, --follow', 'specifies if the logs should be streamed')
      .option('--tail <lines>', 'lines of recent log file to display', '-1')
      .option('--since <duration>', 'only return logs newer than a relative duration like 5s, 2m, or 3h')
      .option('--since-time <time>', 'only return logs after a specific date (RFC3339)')
      .option('--flux-namespace <namespace>', 'the namespace where the Flux components are running', DEFAULT_NAMESPACE),
    { allNamespaces: true },
  ).action(async (flags: LogsFlags) => {
    await withClient(flags, (client) => runLogs(client, flags));
  });
}
