/** The `fluxion` command: one program for the CLI verbs. */
import { Command, CommanderError } from 'commander';
import { registerKustomize } from './kustomize.js';
import { registerCluster } from './cluster.js';
import { registerGitServer } from './git-server.js';
import { registerInstall } from './install.js';
import { registerControllers } from './controllers.js';
import { registerCheck } from './check.js';
import { registerUninstall } from './uninstall.js';
import { registerBootstrap } from './bootstrap.js';
import { registerCompletion } from './completion.js';
import { registerReconcile } from './reconcile.js';
import { registerEvents } from './events.js';
import { registerLogs } from './logs.js';
import { registerTree } from './tree.js';
import { registerBuild } from './build-ks.js';
import { registerDiff } from './diff-ks.js';
import { registerService } from './service.js';
import { registerCreate } from './create.js';
import { registerGet } from './get.js';
import { registerExport } from './export.js';
import { registerSuspend } from './suspend.js';
import { registerDelete } from './delete.js';
import { VERSION } from './version.js';
import { registerVersion } from './version-verb.js';

export function makeProgram(): Command {
  const program = new Command('fluxion')
    .description('GitOps toolkit for Kubernetes, compatible with Flux v2')
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError()
    .exitOverride();
  registerVersion(program);
  registerKustomize(program);
  registerCluster(program);
  registerGitServer(program);
  registerInstall(program);
  registerControllers(program);
  registerCheck(program);
  registerUninstall(program);
  registerBootstrap(program);
  registerCompletion(program);
  registerReconcile(program);
  registerEvents(program);
  registerLogs(program);
  registerTree(program);
  registerBuild(program);
  registerDiff(program);
  registerService(program);
  registerCreate(program);
  registerGet(program);
  registerExport(program);
  registerSuspend(program);
  registerDelete(program);
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
