/**
 * `fluxion create source git | kustomization | secret git`: flux's flags. With --export the
 * object is printed as flux prints it; without, it is created or updated in the cluster and
 * (for the Flux kinds) waited for until its controller reports it Ready.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../runtime/duration.js';
import { withKubeFlags } from './common.js';
import type { SourceGitFlags } from './create-source-git.js';
import type { KustomizationFlags } from './create-kustomization.js';
import type { SecretGitFlags } from './create-secret-git.js';

/** A duration flag (Go's syntax), checked when parsed so that the error names the flag. */
export function durationArg(value: string): string {
  if (parseDuration(value) === undefined) throw new InvalidArgumentError(`expected a duration such as 30s, 5m or 1h, not '${value}'`);
  return value;
}

/** A repeatable flag that also takes comma-separated values (pflag's StringSlice). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** A boolean flag that, like pflag's, may be written bare or as --flag=true|false. */
export function boolArg(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError(`expected true or false, not '${value}' (write --flag=true, or put NAME before the flags)`);
}

/** The flags every `create` subcommand takes. */
function withCreateFlags(cmd: Command): Command {
  cmd
    .option('--export', 'export in YAML format to stdout')
    .option('--interval <duration>', 'source sync interval', durationArg, '1m0s')
    .option('--label <key=value>', 'set labels on the resource (repeatable, or comma-separated: label1=value1,label2=value2)', collect);
  return withKubeFlags(cmd);
}

export function registerCreate(program: Command): void {
  const create = program.command('create').description('create or update sources and resources');
  const source = create.command('source').description('create or update sources');

  withCreateFlags(
    source
      .command('git')
      .argument('[name]', 'the GitRepository name')
      .description('create or update a GitRepository source')
      .option('--url <url>', 'git address, e.g. ssh://git@host/org/repository')
      .option('--branch <branch>', 'git branch')
      .option('--tag <tag>', 'git tag')
      .option('--tag-semver <range>', 'git tag semver range')
      .option('--ref-name <ref>', 'git reference name')
      .option('--commit <sha>', 'git commit')
      .option('-u, --username <username>', 'basic authentication username')
      .option('-p, --password <password>', 'basic authentication password')
      .option('--secret-ref <name>', 'the name of an existing secret containing SSH or basic credentials')
      .option('--ca-file <file>', 'path to TLS CA file used for validating self-signed certificates')
      .option('--private-key-file <file>', 'path to a passwordless private key file used for authenticating to the Git SSH server')
      .option('--ssh-key-algorithm <algorithm>', 'SSH public key algorithm (rsa, ecdsa, ed25519)', 'ecdsa')
      .option('--ssh-rsa-bits <bits>', 'SSH RSA public key bit size (multiplies of 8, min 1024, max 8192)', '2048')
      .option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA public key curve (p256, p384, p521)', 'p384')
      .option('--recurse-submodules [bool]', 'initialize and include Git submodules in the artifact', boolArg)
      .option('--ignore-paths <paths>', 'set paths to ignore in git resource (repeatable, or comma-separated: path1,path2)', collect)
      .option('--provider <provider>', 'the Git provider (generic, azure, github)')
      .option('--sparse-checkout-paths <paths>', 'directories to check out (repeatable, or comma-separated)', collect)
      .option('--fetch-timeout <duration>', "timeout for the source-controller's git operations", durationArg)
      .option('-s, --silent', 'assumes the deploy key is already setup, skips confirmation'),
  ).action(async (name: string | undefined, flags: SourceGitFlags) => {
    const { createSourceGit } = await import('./create-source-git.js');
    await createSourceGit(name, flags);
  });

  withCreateFlags(
    create
      .command('kustomization')
      .alias('ks')
      .argument('[name]', 'the Kustomization name')
      .description('create or update a Kustomization resource')
      .option('--source <source>', "source that contains the Kubernetes manifests in the format '[<kind>/]<name>.<namespace>', where kind must be one of: (OCIRepository, GitRepository, Bucket), if kind is not specified it defaults to GitRepository")
      .option('--path <path>', 'path to the directory containing a kustomization.yaml file', './')
      .option('--prune [bool]', 'enable garbage collection', boolArg)
      .option('--wait [bool]', 'enable health checking of all the applied resources', boolArg)
      .option('--health-check <kind/name.namespace>', "workload to be included in the health assessment, in the format '<kind>/<name>.<namespace>' (repeatable)", collect)
      .option('--health-check-timeout <duration>', 'timeout of health checking operations', durationArg, '2m0s')
      .option('--depends-on <name>', "Kustomization that must be ready before this Kustomization can be applied, '<name>' or '<namespace>/<name>' (repeatable)", collect)
      .option('--service-account <name>', 'the name of the service account to impersonate when reconciling this Kustomization')
      .option('--target-namespace <namespace>', 'overrides the namespace of all Kustomization objects reconciled by this Kustomization')
      .option('--kubeconfig-secret-ref <name>', 'the name of the Kubernetes Secret that contains a key with the kubeconfig file for connecting to a remote cluster')
      .option('--retry-interval <duration>', 'the interval at which to retry a previously failed reconciliation', durationArg)
      .option('--decryption-provider <provider>', 'decryption provider (sops: not supported by fluxion yet)')
      .option('--decryption-secret <name>', 'the Kubernetes secret with the keys for decryption (not supported by fluxion yet)'),
  ).action(async (name: string | undefined, flags: KustomizationFlags) => {
    const { createKustomization } = await import('./create-kustomization.js');
    await createKustomization(name, flags);
  });

  const secret = create.command('secret').description('create or update Kubernetes secrets');
  withCreateFlags(
    secret
      .command('git')
      .argument('[name]', 'the Secret name')
      .description('create or update a Kubernetes secret for Git authentication')
      .option('--url <url>', 'git address, e.g. ssh://git@host/org/repository')
      .option('-u, --username <username>', 'basic authentication username')
      .option('-p, --password <password>', 'basic authentication password (or the passphrase of --private-key-file)')
      .option('--bearer-token <token>', 'bearer authentication token')
      .option('--ca-file <file>', 'path to TLS CA file used for validating self-signed certificates')
      .option('--ca-crt-file <file>', 'path to TLS CA certificate file; takes precedence over --ca-file')
      .option('--private-key-file <file>', 'path to a private key file used for authenticating to the Git SSH server')
      .option('--ssh-key-algorithm <algorithm>', 'SSH public key algorithm (rsa, ecdsa, ed25519)', 'ecdsa')
      .option('--ssh-rsa-bits <bits>', 'SSH RSA public key bit size (multiplies of 8, min 1024, max 8192)', '2048')
      .option('--ssh-ecdsa-curve <curve>', 'SSH ECDSA public key curve (p256, p384, p521)', 'p384'),
  ).action(async (name: string | undefined, flags: SecretGitFlags) => {
    const { createSecretGit } = await import('./create-secret-git.js');
    await createSecretGit(name, flags);
  });
}
