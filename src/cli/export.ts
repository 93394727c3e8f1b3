/**
 * `fluxion export source git | kustomization NAME|--all`: the objects as flux exports them —
 * apiVersion, kind, name, namespace, labels and annotations (without bookkeeping), the spec
 * as flux's types print it, no status — each document after a `---` line.
 */
import type { Command } from 'commander';
import { CliError, withClient, withKubeFlags, type KubeFlags } from './common.js';

export interface ExportFlags extends KubeFlags {
  all?: boolean;
}

function exportCommand(cmd: Command, kind: 'GitRepository' | 'Kustomization'): Command {
  return withKubeFlags(cmd.option('--all', 'select all resources')).action(async (name: string | undefined, flags: ExportFlags) => {
    await exportObjects(kind, name, flags);
  });
}

export function registerExport(program: Command): void {
  const exp = program.command('export').description('export resources in YAML format');
  const source = exp.command('source').description('export sources in YAML format');
  exportCommand(source.command('git').argument('[name]', 'the GitRepository to export').description('export GitRepository sources in YAML format'), 'GitRepository');
  exportCommand(exp.command('kustomization').alias('ks').argument('[name]', 'the Kustomization to export').description('export Kustomization resources in YAML format'), 'Kustomization');
}

export async function exportObjects(kindName: 'GitRepository' | 'Kustomization', name: string | undefined, flags: ExportFlags): Promise<void> {
  const { GIT_REPOSITORY, KUSTOMIZATION, exportObject, exportYaml, refOf } = await import('./objects.js');
  const k = kindName === 'GitRepository' ? GIT_REPOSITORY : KUSTOMIZATION;
  if (!flags.all && !name) throw new CliError('name is required (or --all)');
  await withClient(flags, async (client) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let items: any[];
    if (flags.all) {
      items = (await client.list(refOf(k, flags.namespace))).items;
      if (items.length === 0) throw new CliError(`no objects found in ${flags.namespace} namespace`);
    } else {
      items = [await client.get(refOf(k, flags.namespace), name!)];
    }
    process.stdout.write(items.map((o) => exportYaml(exportObject(k, o))).join(''));
  });
}
