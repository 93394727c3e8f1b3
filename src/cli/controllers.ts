/**
 * `fluxion controllers`: runs the chosen Flux controllers against the current kubeconfig
 * context until SIGINT/SIGTERM, with Flux's flags for listeners, storage and retries.
 */
import { Command } from 'commander';
import type { ManagerOptions } from '../controllers/manager.js';

export interface ControllersFlags {
  controllers: string;
  concurrent: string;
  storagePath?: string;
  storageAddr: string;
  storageAdvAddr?: string;
  metricsAddr: string;
  healthAddr: string;
  eventsAddr?: string;
  logLevel: string;
  logEncoding: string;
  watchAllNamespaces: string;
  namespace?: string;
  requeueDependency: string;
  minRetryDelay: string;
  maxRetryDelay: string;
  intervalJitterPercentage: string;
  artifactRetentionTtl: string;
  artifactRetentionRecords: string;
  kubeconfig?: string;
  context?: string;
  allowExecPlugins?: boolean;
  enableLeaderElection?: boolean;
  remoteBases: boolean;
  crossNamespaceRefs: boolean;
  defaultServiceAccount?: string;
  featureGates?: string;
  customApplyStageKinds?: string;
}

const FEATURE_GATES: Record<string, boolean> = { StrictPostBuildSubstitutions: true };

/** `--feature-gates=A=true,B=false` over the defaults; an unknown gate is an error. */
function parseFeatureGates(flag: string | undefined): Record<string, boolean> {
  const gates = { ...FEATURE_GATES };
  for (const item of (flag ?? '').split(',').map((x) => x.trim()).filter(Boolean)) {
    const [name, value = 'true'] = item.split('=');
    if (!(name! in FEATURE_GATES)) throw new Error(`--feature-gates: unknown gate '${name}' (known: ${Object.keys(FEATURE_GATES).join(', ')})`);
    if (value !== 'true' && value !== 'false') throw new Error(`--feature-gates: ${name} must be true or false, not '${value}'`);
    gates[name!] = value === 'true';
  }
  return gates;
}

/** Adds the flags of `fluxion controllers` (the container args of the controller Deployments). */
export function addControllerOptions(cmd: Command): Command {
  return cmd
    .option('--controllers <list>', 'comma-separated controllers to run (source, kustomize)', 'source,kustomize')
    .option('--concurrent <n>', 'objects reconciled in parallel, per controller', '2')
    .option('--storage-path <dir>', 'where artifacts are stored ($FLUXION_HOME/storage by default)')
    .option('--storage-addr <addr>', 'listen address of the artifact server', ':9090')
    .option('--storage-adv-addr <host:port>', 'host[:port] written into artifact URLs (the bound address by default)')
    .option('--metrics-addr <addr>', 'listen address of /metrics', ':8080')
    .option('--health-addr <addr>', 'listen address of /healthz and /readyz', ':9440')
    .option('--events-addr <url>', "notification-controller's event endpoint (events are only recorded in Kubernetes when unset)")
    .option('--log-level <level>', 'trace, debug, info or error', 'info')
    .option('--log-encoding <encoding>', 'json (the only encoding)', 'json')
    .option('--watch-all-namespaces <bool>', 'watch every namespace (false: only --namespace)', 'true')
    .option('-n, --namespace <namespace>', 'the namespace watched when not watching all (RUNTIME_NAMESPACE or the context namespace by default)')
    .option('--requeue-dependency <duration>', 'requeue interval while a dependency is not ready', '30s')
    .option('--min-retry-delay <duration>', 'first backoff delay after a failure', '750ms')
    .option('--max-retry-delay <duration>', 'longest backoff delay after failures', '15m')
    .option('--interval-jitter-percentage <n>', '± jitter applied to reconcile intervals', '5')
    .option('--artifact-retention-ttl <duration>', 'how long superseded artifacts are kept', '60s')
    .option('--artifact-retention-records <n>', 'artifacts kept per object', '2')
    .option('--kubeconfig <file>', 'the kubeconfig file (KUBECONFIG or ~/.kube/config by default; in-cluster when none)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--allow-exec-plugins', 'let kubeconfig exec credential plugins run')
    .option('--enable-leader-election', 'accepted for compatibility; leader election is not implemented yet')
    .option('--no-remote-bases', 'kustomize: refuse remote bases (git, https) in builds')
    .option('--no-cross-namespace-refs', 'kustomize: refuse sources in other namespaces')
    .option('--default-service-account <name>', 'kustomize: impersonate this service account when spec.serviceAccountName is empty')
    .option('--feature-gates <list>', 'comma-separated gate=true|false; StrictPostBuildSubstitutions (default true)')
    .option('--custom-apply-stage-kinds <list>', 'kustomize: group/Kind list applied in a stage of their own before the rest');
}

/**
 * Parses `controllers …` container args (without the leading verb) as `fluxion controllers`
 * would; errors name the flag.
 */
export function parseControllerArgs(args: string[]): ControllersFlags {
  const cmd = addControllerOptions(new Command('controllers'))
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .allowExcessArguments(false);
  try {
    cmd.parse(args, { from: 'user' });
  } catch (e) {
    throw new Error(`controllers ${args.join(' ')}: ${(e as Error).message.replace(/^error: /, '')}`);
  }
  return cmd.opts<ControllersFlags>();
}

/** The manager options the flags stand for (the client and log destination are the caller's). */
export async function managerOptionsFromFlags(flags: ControllersFlags): Promise<Omit<ManagerOptions, 'client'>> {
  const { parseDuration } = await import('../runtime/duration.js');
  const duration = (name: string, v: string) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms < 0) throw new Error(`--${name} must be a duration such as 30s or 5m, not '${v}'`);
    return ms;
  };
  const int = (name: string, v: string, min = 0) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not '${v}'`);
    return n;
  };
  if (!['trace', 'debug', 'info', 'error'].includes(flags.logLevel)) throw new Error(`--log-level must be trace, debug, info or error, not '${flags.logLevel}'`);
  if (flags.logEncoding !== 'json') throw new Error(`--log-encoding must be json, not '${flags.logEncoding}'`);
  if (flags.watchAllNamespaces !== 'true' && flags.watchAllNamespaces !== 'false') throw new Error(`--watch-all-namespaces must be true or false`);
  return {
    controllers: flags.controllers.split(',').map((s) => s.trim()).filter(Boolean),
    concurrency: int('concurrent', flags.concurrent, 1),
    watchAllNamespaces: flags.watchAllNamespaces === 'true',
    namespace: flags.namespace ?? process.env.RUNTIME_NAMESPACE,
    metricsAddr: flags.metricsAddr,
    healthAddr: flags.healthAddr,
    logLevel: flags.logLevel as 'info',
    eventsAddr: flags.eventsAddr,
    requeueDependencyMs: duration('requeue-dependency', flags.requeueDependency),
    minRetryDelayMs: duration('min-retry-delay', flags.minRetryDelay),
    maxRetryDelayMs: duration('max-retry-delay', flags.maxRetryDelay),
    jitterPercent: int('interval-jitter-percentage', flags.intervalJitterPercentage),
    storagePath: flags.storagePath,
    storageAddr: flags.storageAddr,
    storageAdvAddr: flags.storageAdvAddr,
    retentionTtlMs: duration('artifact-retention-ttl', flags.artifactRetentionTtl),
    retentionRecords: int('artifact-retention-records', flags.artifactRetentionRecords, 1),
    noRemoteBases: flags.remoteBases === false,
    noCrossNamespaceRefs: flags.crossNamespaceRefs === false,
    defaultServiceAccount: flags.defaultServiceAccount,
    strictSubstitute: parseFeatureGates(flags.featureGates).StrictPostBuildSubstitutions,
    customApplyStageKinds: flags.customApplyStageKinds,
  };
}

export function registerControllers(program: Command): void {
  addControllerOptions(program.command('controllers').description('run Flux controllers (source, …) against the current kubeconfig context'))
    .action(async (flags: ControllersFlags) => {
      const { loadKubeConfig, KubeClient } = await import('../kube/index.js');
      const { startControllers } = await import('../controllers/manager.js');
      const options = await managerOptionsFromFlags(flags);
      const conn = await loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context, allowExecPlugins: flags.allowExecPlugins });
      const client = new KubeClient(conn, 'fluxion-controllers');
      const running = await startControllers({ ...options, client });
      const listeners = [
        running.metricsServer && `metrics ${running.metricsServer.address}`,
        running.healthServer && `health ${running.healthServer.address}`,
        running.storageAddress && `artifacts ${running.storageAddress}`,
      ].filter(Boolean);
      running.log.info({ context: conn.contextName, server: conn.server }, `controllers started: ${flags.controllers} (${listeners.join(', ')})`);
      if (flags.enableLeaderElection) running.log.info('leader election is not implemented yet; running as the only instance');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          running.log.info('shutting down');
          void running.stop().finally(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
