/**
 * `fluxion delete source git | kustomization NAME`: asks first (unless -s/--silent; with no
 * terminal it fails naming --silent), warning when the Kustomization's prune will remove what
 * it applied.
 */
import type { Command } from 'commander';
import { CliError, confirm, say, withClient, withKubeFlags, type KubeFlags } from './common.js';

export interface DeleteFlags extends KubeFlags {
  silent?: boolean;
}

type KindName = 'GitRepository' | 'Kustomization';

function deleteCommand(cmd: Command, kind: KindName): Command {
  return withKubeFlags(cmd.option('-s, --silent', 'delete resource without asking for confirmation')).action(async (name: string | undefined, flags: DeleteFlags) => {
    await deleteObject(kind, name, flags);
  });
}

export function registerDelete(program: Command): void {
  const del = program.command('delete').description('delete sources and resources');
  const source = del.command('source').description('delete sources');
  deleteCommand(source.command('git').argument('[name]', 'the GitRepository to delete').description('delete a GitRepository source'), 'GitRepository');
  deleteCommand(del.command('kustomization').alias('ks').argument('[name]', 'the Kustomization to delete').description('delete a Kustomization and, when prune is enabled, the objects it applied'), 'Kustomization');
}

export async function deleteObject(kind: KindName, name: string | undefined, flags: DeleteFlags): Promise<void> {
  const { GIT_REPOSITORY, KUSTOMIZATION, refOf } = await import('./objects.js');
  const k = kind === 'GitRepository' ? GIT_REPOSITORY : KUSTOMIZATION;
  if (!name) throw new CliError(`${k.humanKind} name is required`);
  await withClient(flags, async (client) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const obj = await client.get<any>(refOf(k, flags.namespace), name);
    if (!flags.silent) {
      // The kustomize controller garbage-collects what a pruning, running Kustomization applied.
      if (kind === 'Kustomization' && obj.spec?.prune && !obj.spec?.suspend) say.waiting(`This action will remove the Kubernetes objects previously applied by the ${name} kustomization!`);
      if (!(await confirm(`Are you sure you want to delete this ${k.humanKind}`, '--silent'))) throw new CliError('aborting');
    }
    say.action(`deleting ${k.humanKind} ${name} in ${flags.namespace} namespace`);
    await client.delete(refOf(k, flags.namespace), name);
    say.success(`${k.humanKind} deleted`);
  });
}
