/** `fluxion kustomize build`: kustomize v5.5's build, in-process. */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LoadRestrictor } from '../kustomize/loader.js';
import type { ValueMap } from '../yaml/types.js';

export function registerKustomize(program: Command): void {
  const kustomize = program.command('kustomize').description('build and edit kustomizations');
  kustomize
    .command('build')
    .description('print the resources a kustomization directory makes, byte-identical to kustomize v5.5')
    .argument('[dir]', 'the kustomization directory', '.')
    .option('--load-restrictor <restrictor>', 'LoadRestrictionsRootOnly or LoadRestrictionsNone', 'LoadRestrictionsRootOnly')
    .option('-o, --output <file>', 'write the output to this file instead of standard output')
    .option('--no-remote-bases', 'refuse remote resources (https:// files and git URLs)')
    .action(async (dir: string, opts: { loadRestrictor: string; output?: string; remoteBases: boolean }) => {
      // Loaded on use: the CLI starts without parsing the code of verbs it does not run.
      const { buildYaml } = await import('../kustomize/build.js');
      const { remoteFetcher } = await import('../kustomize/remote-fetch.js');
      if (opts.loadRestrictor !== 'LoadRestrictionsRootOnly' && opts.loadRestrictor !== 'LoadRestrictionsNone') {
        throw new Error(`--load-restrictor must be LoadRestrictionsRootOnly or LoadRestrictionsNone, not '${opts.loadRestrictor}'`);
      }
      const remote = opts.remoteBases ? remoteFetcher() : undefined;
      let result: { yaml: string; warnings: string[]; objects: ValueMap[] };
      try {
        result = buildYaml(dir, { loadRestrictor: opts.loadRestrictor as LoadRestrictor, remote });
      } finally {
        remote?.cleanup();
      }
      const { yaml, warnings, objects } = result;
      for (const w of warnings) process.stderr.write(`${w}\n`);
      if (opts.output && isDirectory(opts.output)) {
        // As kustomize: one file per resource, named group_version_kind_name.yaml in lower case.
        const { emitYaml } = await import('../yaml/emit.js');
        for (const obj of objects) {
          const meta = (obj.metadata ?? {}) as { name?: string };
          const name = `${String(obj.apiVersion ?? '').replace('/', '_')}_${String(obj.kind ?? '')}_${meta.name ?? ''}`.toLowerCase();
          writeFileSync(join(opts.output, `${name}.yaml`), emitYaml(obj));
        }
      } else if (opts.output) writeFileSync(opts.output, yaml);
      else process.stdout.write(yaml);
    });
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
