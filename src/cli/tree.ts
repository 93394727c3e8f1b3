/**
 * `fluxion tree kustomization NAME [--compact] [-o json|yaml]`: what a Kustomization
 * applied (its `status.inventory`), as a tree that descends into the Kustomizations it
 * created — flux's layout: the root `Kustomization/ns/name`, then `├── `, `│   `, `└── `
 * before each `Kind/ns/name`. --compact keeps only Flux's own kinds. A Kustomization already
 * on the way down is not entered again (a cycle would never end).
 */
import type { Command } from 'commander';
import type { KubeClient } from '../kube/client.js';
import type { ObjRef } from '../controllers/kustomize/inventory.js';
import { CliError, withClient, withKubeFlags, type KubeFlags } from './common.js';

const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
const FLUX_GROUP_SUFFIX = 'toolkit.fluxcd.io';

export interface ObjTree {
  ref: ObjRef;
  children: ObjTree[];
}

/** `Kind/namespace/name`, or `Kind/name` for a cluster-scoped object. */
const text = (r: ObjRef) => (r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`);

/** The tree as flux prints it (a final newline after the last line). */
export function printTree(t: ObjTree): string {
  const lines: string[] = [text(t.ref)];
  const walk = (items: ObjTree[], prefix: string) => {
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${text(item.ref)}`);
      walk(item.children, prefix + (last ? '    ' : '│   '));
    });
  };
  walk(t.children, '');
  return lines.join('\n') + '\n';
}

/**
 * The tree as flux marshals it: `{resource: {Namespace, Name, GroupKind: {Group, Kind}},
 * resources: [...]}` (cli-utils' ObjMetadata has no JSON tags; empty lists are omitted).
 */
export function treeValue(t: ObjTree): Record<string, unknown> {
  const v: Record<string, unknown> = {
    resource: { Namespace: t.ref.namespace, Name: t.ref.name, GroupKind: { Group: t.ref.group, Kind: t.ref.kind } },
  };
  if (t.children.length) v.resources = t.children.map(treeValue);
  return v;
}

interface KustomizationLike {
  metadata: { name: string; namespace?: string };
  spec?: { kubeConfig?: unknown };
  status?: { inventory?: { entries?: { id: string; v: string }[] } };
}

const isKustomization = (r: ObjRef) => r.group === KUSTOMIZE_GROUP && r.kind === 'Kustomization';
const key = (r: ObjRef) => `${r.namespace}/${r.name}`;

export async function kustomizationTree(client: KubeClient, name: string, namespace: string, compact: boolean): Promise<ObjTree> {
  const { parseObjMetadataId } = await import('../controllers/kustomize/inventory.js');
  const get = (ns: string, n: string) => client.get({ apiVersion: `${KUSTOMIZE_GROUP}/v1`, kind: 'Kustomization', namespace: ns }, n) as Promise<KustomizationLike>;
  const root = await get(namespace, name);
  const tree: ObjTree = { ref: { group: KUSTOMIZE_GROUP, kind: 'Kustomization', namespace, name }, children: [] };
  const onPath = new Set<string>();
  const fill = async (node: ObjTree, ks: KustomizationLike): Promise<void> => {
    onPath.add(key(node.ref));
    for (const entry of ks.status?.inventory?.entries ?? []) {
      let ref: ObjRef;
      try {
        ref = parseObjMetadataId(entry.id);
      } catch (e) {
        throw new CliError(`Kustomization ${key(node.ref)}: ${(e as Error).message}`);
      }
      if (compact && !ref.group.includes(FLUX_GROUP_SUFFIX)) continue;
      if (isKustomization(ref) && onPath.has(key(ref))) continue;
      const child: ObjTree = { ref, children: [] };
      node.children.push(child);
      // A Kustomization that applies to a remote cluster: its children live elsewhere.
      if (isKustomization(ref) && !ks.spec?.kubeConfig) {
        let nested: KustomizationLike;
        try {
          nested = await get(ref.namespace, ref.name);
        } catch (e) {
          throw new CliError(`failed to find object: ${(e as Error).message}`);
        }
        await fill(child, nested);
      }
    }
    onPath.delete(key(node.ref));
  };
  await fill(tree, root);
  return tree;
}

interface TreeFlags extends KubeFlags {
  compact?: boolean;
  output?: string;
}

export function registerTree(program: Command): void {
  const tree = program.command('tree').description('print the resources reconciled by Flux objects');
  withKubeFlags(
    tree
      .command('kustomization <name>')
      .alias('ks')
      .description('print the resource inventory of a Kustomization')
      .option('--compact', 'list Flux resources only')
      .option('-o, --output <format>', "the format in which the tree should be printed. can be 'json' or 'yaml'"),
  ).action(async (name: string, flags: TreeFlags) => {
    if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'yaml') {
      throw new CliError(`--output must be 'json' or 'yaml', not '${flags.output}'`);
    }
    const t = await withClient(flags, (client) => kustomizationTree(client, name, flags.namespace, Boolean(flags.compact)));
    // flux prints with Println: one more newline after what the printer made.
    if (flags.output === 'json') process.stdout.write(`${JSON.stringify(treeValue(t), null, 2)}\n`);
    else if (flags.output === 'yaml') {
      const { emitYaml } = await import('../yaml/emit.js');
      process.stdout.write(`${emitYaml(treeValue(t) as never)}\n`);
    } else process.stdout.write(`${printTree(t)}\n`);
  });
}
