/** `fluxion kustomize build`: kustomize v5.5's build, in-process. */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LoadRestrictor } from '../kustomize/loader.js';
import type { ValueMap } from '../yaml/types.js';

export function registerKustomize(program: Command): void {
  const kustomize = program.command('kustomize').description('build and edit kustomizations');
  registerEdit(kustomize);
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

/** `kustomize edit`: changes to the kustomization file in the current directory, comments kept. */
function registerEdit(kustomize: Command): void {
  const edit = kustomize.command('edit').description('edit the kustomization file in the current directory, keeping its comments and order');
  const editFile = async (change: (text: string, file: string) => string) => {
    const { readFileSync } = await import('node:fs');
    const { KUSTOMIZATION_FILE_NAMES } = await import('../kustomize/kustomization.js');
    const file = KUSTOMIZATION_FILE_NAMES.find((n) => isFile(n));
    if (!file) throw new Error(`no kustomization file in ${process.cwd()} (looked for ${KUSTOMIZATION_FILE_NAMES.join(', ')})`);
    writeFileSync(file, change(readFileSync(file, 'utf8'), file));
  };
  edit
    .command('set')
    .description('set a field')
    .command('image')
    .description('set images: NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST')
    .argument('<image...>')
    .action(async (images: string[]) => {
      const { parseImageSpec, setImages } = await import('../kustomize/edit.js');
      const specs = images.map(parseImageSpec);
      await editFile((text, file) => setImages(text, specs, file));
    });
  for (const [verb, field] of [['resource', 'resources'], ['component', 'components']] as const) {
    edit.commands.find((c) => c.name() === 'add') ?? edit.command('add').description('add entries to a list');
    edit.commands.find((c) => c.name() === 'remove') ?? edit.command('remove').description('remove entries from a list');
    edit.commands
      .find((c) => c.name() === 'add')!
      .command(verb)
      .argument('<path...>')
      .description(`add ${field}`)
      .action(async (paths: string[]) => {
        const { addToList } = await import('../kustomize/edit.js');
        await editFile((text, file) => addToList(text, field, paths, file));
      });
    edit.commands
      .find((c) => c.name() === 'remove')!
      .command(verb)
      .argument('<path...>')
      .description(`remove ${field}`)
      .action(async (paths: string[]) => {
        const { removeFromList } = await import('../kustomize/edit.js');
        await editFile((text, file) => removeFromList(text, field, paths, file));
      });
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
