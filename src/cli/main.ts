/** The `fluxion` command: one program for the CLI verbs. */
import { Command, CommanderError } from 'commander';
import { registerKustomize } from './kustomize.js';
import { registerCluster } from './cluster.js';
import { registerInstall } from './install.js';
import { registerControllers } from './controllers.js';
import { VERSION } from './version.js';

export function makeProgram(): Command {
  const program = new Command('fluxion')
    .description('GitOps toolkit for Kubernetes, compatible with Flux v2')
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`fluxion: v${VERSION}\n`);
    });
  registerKustomize(program);
  registerCluster(program);
  registerInstall(program);
  registerControllers(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await makeProgram().parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`✗ ${(e as Error).message}\n`);
    const code = (e as { exitCode?: unknown }).exitCode;
    process.exitCode = typeof code === 'number' ? code : 1;
  }
}

await main();
