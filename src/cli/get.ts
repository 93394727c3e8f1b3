/**
 * `fluxion get sources git|all`, `get kustomizations` (ks), `get all`: flux's status tables
 * (NAME REVISION SUSPENDED READY MESSAGE, NAMESPACE first with -A; `kind/name` rows and one
 * table per kind for the "all" forms), or the objects as a kubectl-style v1 List with -o.
 */
import type { Command } from 'commander';
import { CliError, formatTable, say, timeoutMs, withClient, withKubeFlags, type KubeFlags } from './common.js';
import type { KubeClient } from '../kube/client.js';
import type { FluxKind, FluxObject } from './objects.js';

export interface GetFlags extends KubeFlags {
  /** false with --no-header (commander's negatable flag). */
  header?: boolean;
  statusSelector?: string;
  labelSelector?: string;
  output?: string;
  watch?: boolean;
}

type Which = 'git' | 'sources' | 'kustomizations' | 'all';

function withGetFlags(cmd: Command, which: Which): Command {
  withKubeFlags(cmd, { allNamespaces: true })
    .option('--no-header', 'skip the header when printing the results')
    .option('--status-selector <type=status>', 'specify the status condition name and the desired state to filter the get result, e.g. ready=false')
    .option('-l, --label-selector <selector>', 'filter objects by label selector')
    .option('-o, --output <format>', 'print the objects as a v1 List instead of a table: yaml or json')
    .option('-w, --watch', 'after listing the objects, print a row for each change (until --timeout)')
    .action(async (name: string | undefined, flags: GetFlags) => {
      await getObjects(which, name, flags);
    });
  return cmd;
}

export function registerGet(program: Command): void {
  const get = program.command('get').description('get the resources and their status');
  const sources = get.command('sources').alias('source').description('get source statuses');
  withGetFlags(sources.command('git').argument('[name]', 'only this GitRepository').description('get GitRepository source statuses'), 'git');
  withGetFlags(sources.command('all').argument('[name]', 'only objects of this name').description('get all source statuses'), 'sources');
  withGetFlags(get.command('kustomizations').aliases(['ks', 'kustomization']).argument('[name]', 'only this Kustomization').description('get Kustomization statuses'), 'kustomizations');
  withGetFlags(get.command('all').argument('[name]', 'only objects of this name').description('get all resources and statuses'), 'all');
}

const namespaceOrAny = (flags: GetFlags) => (flags.allNamespaces ? 'any' : JSON.stringify(flags.namespace));

/** Drops what kubectl hides by default from printed objects. */
function forPrinting(obj: FluxObject): FluxObject {
  const { managedFields: _managed, ...metadata } = obj.metadata;
  return { ...obj, metadata: metadata as FluxObject['metadata'] };
}

export async function getObjects(which: Which, name: string | undefined, flags: GetFlags): Promise<void> {
  const objects = await import('./objects.js');
  const kinds: FluxKind[] = which === 'git' ? [objects.GIT_REPOSITORY] : which === 'kustomizations' ? [objects.KUSTOMIZATION] : which === 'sources' ? objects.SOURCE_KINDS : objects.ALL_KINDS;
  const many = which === 'sources' || which === 'all';
  const selected = objects.parseStatusSelector(flags.statusSelector);
  if (flags.output !== undefined && flags.output !== 'yaml' && flags.output !== 'json') throw new CliError(`--output: unsupported output format '${flags.output}', use yaml or json`);
  const namespace = flags.allNamespaces ? undefined : flags.namespace;
  if (flags.watch) {
    if (many) throw new CliError(`--watch: expected a single resource type, but found ${which === 'all' ? 'all' : 'sources all'}`);
    if (flags.output) throw new CliError('--watch prints table rows; leave out --output');
    const timeout = await timeoutMs(flags);
    await withClient(flags, (client) => watchObjects(client, kinds[0]!, namespace, name, flags, selected, timeout));
    return;
  }

  await withClient(flags, async (client) => {
    const printed: FluxObject[] = [];
    for (const k of kinds) {
      const items = await objects.listKind(client, k, namespace, { name, labelSelector: flags.labelSelector });
      if (items === undefined) {
        // A kind the cluster does not serve: the "all" forms skip it, as flux skips "no matches".
        if (many) continue;
        throw new CliError(`the cluster does not serve ${k.kind} (${k.apiVersion}); install the CRDs with 'fluxion install'`);
      }
      if (items.length === 0) {
        if (!many) say.failure(name ? `${k.kind} object '${name}' not found in ${namespaceOrAny(flags)} namespace` : `no ${k.kind} objects found in ${namespaceOrAny(flags)} namespace`);
        continue;
      }
      const shown = selected ? items.filter(selected) : items;
      if (flags.output) {
        printed.push(...shown.map(forPrinting));
        continue;
      }
      const rows = shown.map((o) => objects.summaryRow(k, o, { namespace: flags.allNamespaces, withKind: many }));
      process.stdout.write(formatTable(objects.summaryHeader(!!flags.allNamespaces), rows, { noHeader: flags.header === false }));
      if (many) process.stdout.write('\n');
    }
    if (flags.output) {
      const list = { apiVersion: 'v1', items: printed, kind: 'List', metadata: { resourceVersion: '' } };
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(list, null, 4)}\n`);
      else {
        const { emitYaml } = await import('../yaml/emit.js');
        process.stdout.write(emitYaml(list as never));
      }
    }
  });
}

/**
 * --watch: the watch's first events (one per existing object) print the table with its
 * header, every later change one more row, until --timeout ends the watch.
 */
async function watchObjects(client: KubeClient, k: FluxKind, namespace: string | undefined, name: string | undefined, flags: GetFlags, selected: ((o: FluxObject) => boolean) | undefined, timeout: number): Promise<void> {
  const { refOf, summaryHeader, summaryRow } = await import('./objects.js');
  const stream = await client.watch<FluxObject>(refOf(k, namespace), {
    fieldSelector: name ? `metadata.name=${name}` : undefined,
    labelSelector: flags.labelSelector || undefined,
    timeoutSeconds: Math.ceil(timeout / 1000),
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stream.close();
  }, timeout);
  let header = flags.header !== false;
  try {
    for await (const ev of stream.events) {
      if (ev.type === 'ERROR') throw new CliError(`watch failed: ${(ev.object as { message?: string }).message ?? 'unknown error'}`);
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') continue;
      if (selected && !selected(ev.object)) continue;
      process.stdout.write(formatTable(summaryHeader(!!flags.allNamespaces), [summaryRow(k, ev.object, { namespace: flags.allNamespaces })], { noHeader: !header }));
      header = false;
    }
  } catch (e) {
    if (!timedOut) throw e;
  } finally {
    clearTimeout(timer);
    stream.close();
  }
}
