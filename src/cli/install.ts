/**
 * `fluxion install`: the CRDs, namespace, RBAC and controller Deployments, printed with
 * --export or applied (server-side) to the current context.
 */
import type { Command } from 'commander';

/** The values of the flags withInstallOptions adds. */
export interface InstallOptionFlags {
  version?: string;
  components: string;
  componentsExtra?: string;
  registry: string;
  imagePullSecret?: string;
  watchAllNamespaces: boolean;
  networkPolicy: boolean;
  clusterDomain: string;
  tolerationKeys?: string;
  logLevel: string;
}

/** What those flags ask of the install manifests (the version defaults to the CLI's). */
export function installOptionsFromFlags(flags: InstallOptionFlags, cliVersion: string) {
  if (!['trace', 'debug', 'info', 'error'].includes(flags.logLevel)) throw new Error(`--log-level must be trace, debug, info or error, not '${flags.logLevel}'`);
  const split = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  return {
    version: flags.version ?? cliVersion,
    components: [...split(flags.components), ...split(flags.componentsExtra)],
    registry: flags.registry,
    imagePullSecret: flags.imagePullSecret,
    watchAllNamespaces: flags.watchAllNamespaces,
    networkPolicy: flags.networkPolicy,
    clusterDomain: flags.clusterDomain,
    logLevel: flags.logLevel,
    tolerationKeys: split(flags.tolerationKeys),
  };
}

interface InstallFlags extends InstallOptionFlags {
  export?: boolean;
  namespace: string;
  kubeconfig?: string;
  context?: string;
  timeout: string;
  force?: boolean;
}

const bool = (v: string) => {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new Error(`expected true or false, not '${v}'`);
};

/** The manifest options `install` and `bootstrap` share (flux's install flags). */
export function withInstallOptions(cmd: Command): Command {
  return cmd
    .option('--components <list>', 'comma-separated components to install', 'source-controller,kustomize-controller')
    .option('--components-extra <list>', 'comma-separated extra components to install')
    .option('--registry <registry>', 'container registry of the controller image', 'ghcr.io/fluxion')
    .option('--image-pull-secret <name>', 'Kubernetes secret used to pull the controller image')
    .option('--watch-all-namespaces <bool>', 'watch objects in all namespaces (false: only the install namespace)', bool, true)
    .option('--network-policy <bool>', 'deny ingress to the controllers from other namespaces', bool, true)
    .option('--cluster-domain <domain>', 'internal cluster domain', 'cluster.local')
    .option('--toleration-keys <list>', 'comma-separated toleration keys for the controller pods')
    .option('--log-level <level>', 'controller log level: trace, debug, info or error', 'info');
}

export function registerInstall(program: Command): void {
  withInstallOptions(program.command('install'))
    .description('install or upgrade the controllers and CRDs (--export prints them instead)')
    .option('--export', 'print the install manifests to standard output and exit')
    .option('-v, --version <version>', 'version to install (the CLI version by default)')
    .option('-n, --namespace <namespace>', 'the namespace to install into', 'flux-system')
    .option('--kubeconfig <file>', 'the kubeconfig file (KUBECONFIG or ~/.kube/config by default)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--timeout <duration>', 'how long to wait for the controllers to be ready', '5m0s')
    .option('--force', "override an installation another tool (such as Helm) manages")
    .action(async (flags: InstallFlags) => {
      // Loaded on use: the CLI starts without parsing the code of verbs it does not run.
      const { componentsManifest } = await import('../bootstrap/manifests.js');
      const { VERSION } = await import('./version.js');
      const { say, sayGenerating, timeoutMs, withClient, confirm, CliError } = await import('./common.js');
      const options = installOptionsFromFlags(flags, VERSION);
      const { components } = options;
      const timeout = await timeoutMs(flags);
      if (!flags.export) sayGenerating('generating manifests');
      const manifest = componentsManifest({ ...options, namespace: flags.namespace });
      if (flags.export) {
        process.stdout.write(manifest.content);
        return;
      }
      say.success('manifests build completed');
      say.action(`installing components in ${flags.namespace} namespace`);
      await withClient(flags, async (client) => {
        const { applyManifests, assessDeployments } = await import('../bootstrap/index.js');
        const { fluxClusterInfo, managedByFlux } = await import('../bootstrap/cluster-info.js');
        const { isNotFound } = await import('../kube/errors.js');
        const info = await fluxClusterInfo(client).catch((e: unknown) => {
          if (isNotFound(e)) return undefined;
          throw new CliError(`cluster info unavailable: ${(e as Error).message}`);
        });
        if (info?.bootstrapped) throw new CliError(`this cluster has already been bootstrapped with Flux ${info.version}! Please use 'flux bootstrap' to upgrade`);
        if (info && !flags.force && !managedByFlux(info.managedBy)) {
          process.stderr.write(`Flux ${info.version} has been installed on this cluster with ${info.managedBy}!\n`);
          if (!(await confirm(`Are you sure you want to override the ${info.managedBy} installation?`, '--force'))) throw new CliError('installation cancelled');
        }
        try {
          await applyManifests(client, manifest.objects as never, { timeoutMs: timeout, onEntry: (e) => say.plain(`${e.subject} ${e.action}`) });
        } catch (e) {
          throw new CliError(`install failed: ${(e as Error).message}`);
        }
        say.waiting('verifying installation');
        if (!(await assessDeployments(client, flags.namespace, components, { timeoutMs: timeout, pollMs: 1000 }, say))) throw new CliError('install failed');
      });
      say.success('install finished');
    });
}
