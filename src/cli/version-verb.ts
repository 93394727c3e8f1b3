/**
 * `fluxion version [--client]`: the CLI's version, then — as flux prints them — the version of
 * each controller Deployment in the namespace (the tag of its image).
 */
import type { Command } from 'commander';
import { withClient, withKubeFlags, type KubeFlags } from './common.js';
import { VERSION } from './version.js';

export function registerVersion(program: Command): void {
  withKubeFlags(program.command('version').description('print the version of the CLI and of the controllers in the cluster'))
    .option('--client', 'print the CLI version only')
    .action(async (flags: KubeFlags & { client?: boolean }) => {
      process.stdout.write(`fluxion: v${VERSION}\n`);
      if (flags.client) return;
      await withClient(flags, async (client) => {
        const list = await client.list({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: flags.namespace }, { labelSelector: 'app.kubernetes.io/part-of=flux' });
        const lines = list.items
          .map((d) => {
            const containers = ((d.spec as { template?: { spec?: { containers?: { image?: string }[] } } })?.template?.spec?.containers ?? []);
            const image = containers[0]?.image ?? '';
            const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest';
            return `${d.metadata.name}: ${tag}`;
          })
          .sort();
        process.stdout.write(lines.map((l) => `${l}\n`).join(''));
      });
    });
}
