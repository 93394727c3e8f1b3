/**
 * `fluxion bootstrap git`: commits the components and the sync manifests to a branch of a Git
 * repository, installs the components, and configures the cluster to sync itself from the
 * repository — flux bootstrap git's flags, steps and messages (the steps are src/bootstrap).
 */
import type { Command } from 'commander';
import type { SourceSecretData } from '../bootstrap/index.js';
import type { GitAuth } from '../git/index.js';
import { withKubeFlags, type KubeFlags } from './common.js';
import { installOptionsFromFlags, withInstallOptions, type InstallOptionFlags } from './install.js';

interface BootstrapFlags extends KubeFlags, InstallOptionFlags {
  branch: string;
  tokenAuth?: boolean;
  secretName: string;
  caFile?: string;
  privateKeyFile?: string;
  sshHostname?: string;
  authorName: string;
  authorEmail: string;
  commitMessageAppendix?: string;
  recurseSubmodules?: boolean;
  // git
  url?: string;
  interval: string;
  path?: string;
  username: string;
  password?: string;
  silent?: boolean;
  allowInsecureHttp?: boolean;
}

const REQUIRED_COMPONENTS = ['source-controller', 'kustomize-controller'];

export function registerBootstrap(program: Command): void {
  const bootstrap = program.command('bootstrap').description('deploy Flux on a cluster the GitOps way: its manifests committed to Git, synced from there');
  const git = withInstallOptions(bootstrap.command('git'))
    .description('bootstrap the toolkit components in a Git repository (any git server, over HTTPS or SSH)')
    .option('--url <url>', 'Git repository URL')
    .option('--branch <branch>', 'Git branch', 'main')
    .option('--path <path>', 'path relative to the repository root; the cluster syncs this directory', '')
    .option('--interval <duration>', 'sync interval of the GitRepository', '1m0s')
    .option('-u, --username <username>', 'basic authentication username', 'git')
    .option('-p, --password <password>', 'basic authentication password (or GIT_PASSWORD)')
    .option('--token-auth', 'sync over HTTPS with --username/--password instead of an SSH deploy key')
    .option('--private-key-file <file>', 'SSH private key for the repository (also the deploy key the cluster uses)')
    .option('--ssh-hostname <host[:port]>', 'SSH host the cluster connects to, when it differs from --url')
    .option('--ca-file <file>', 'TLS CA bundle for the repository host')
    .option('--secret-name <name>', 'name of the Secret holding the Git credentials', 'flux-system')
    .option('-s, --silent', 'assume the deploy key is already set up; do not ask')
    .option('--allow-insecure-http', 'allow http:// repository URLs')
    .option('-v, --version <version>', 'version of the components (the CLI version by default)')
    .option('--author-name <name>', 'author name of the commits', 'Flux')
    .option('--author-email <email>', 'author email of the commits', '')
    .option('--commit-message-appendix <text>', 'text appended to the commit messages')
    .option('--recurse-submodules', 'sync the repository with its submodules');
  withKubeFlags(git).action((flags: BootstrapFlags) => runBootstrapGit(flags));
}

/** flux's SafeRelativePath: relative, no `..`, "/"-separated, without a leading "./". */
function safeRelativePath(p: string): string {
  const clean = p.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '').replace(/\/+/g, '/');
  if (clean.startsWith('/') || clean.split('/').includes('..')) throw new Error(`--path '${p}' must be relative to the repository root, without '..'`);
  return clean === '.' ? '' : clean;
}

/** Reads a password from the terminal without echoing it. */
async function readPassword(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const stdin = process.stdin;
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new Error('aborting'));
          return;
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}

export async function runBootstrapGit(flags: BootstrapFlags): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const { say, timeoutMs, withClient, confirm, CliError } = await import('./common.js');
  const { parseDuration } = await import('../runtime/duration.js');
  const { VERSION } = await import('./version.js');
  const b = await import('../bootstrap/index.js');

  if (!flags.url) throw new CliError('--url is required (the Git repository to bootstrap)');
  const timeout = await timeoutMs(flags);
  const intervalMs = parseDuration(flags.interval);
  if (intervalMs === undefined || intervalMs <= 0) throw new CliError(`--interval must be a duration such as 1m, not '${flags.interval}'`);
  const install = installOptionsFromFlags(flags, VERSION);
  for (const c of REQUIRED_COMPONENTS) if (!install.components.includes(c)) throw new CliError(`component ${c} is required`);
  const path = safeRelativePath(flags.path ?? '');

  // Credentials from the URL move out of it: git must never see them in argv.
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new CliError(`--url '${flags.url}' is not a URL (want https://host/org/repo or ssh://git@host/org/repo)`);
  }
  let username = flags.username;
  let password = flags.password ?? (process.env.GIT_PASSWORD || undefined);
  if (url.protocol !== 'ssh:' && url.username) {
    if (username === 'git') username = decodeURIComponent(url.username);
    password ??= url.password ? decodeURIComponent(url.password) : undefined;
    url.username = '';
    url.password = '';
  }
  if (flags.tokenAuth && !password) {
    if (!process.stdin.isTTY) throw new CliError('--token-auth needs the Git password or token: pass --password or set GIT_PASSWORD (standard input is not a terminal, so it cannot be asked)');
    password = await readPassword('Please enter your Git repository password: ');
  }
  const source = b.syncSourceOf({ url: url.href, tokenAuth: Boolean(flags.tokenAuth), allowInsecureHttp: Boolean(flags.allowInsecureHttp), username, sshHostname: flags.sshHostname });
  const caCert = flags.caFile ? await readFile(flags.caFile, 'utf8').catch((e: Error) => Promise.reject(new CliError(`unable to read TLS CA file: ${e.message}`))) : undefined;
  const privateKey = flags.privateKeyFile ? await readFile(flags.privateKeyFile, 'utf8').catch((e: Error) => Promise.reject(new CliError(`unable to read --private-key-file: ${e.message}`))) : undefined;

  // How git reaches the repository to clone and push.
  let gitAuth: GitAuth = { kind: 'none' };
  let repoKnownHosts: string | undefined;
  if (url.protocol === 'ssh:') {
    if (!privateKey) throw new CliError('an ssh:// --url needs --private-key-file (fluxion does not use an SSH agent)');
    repoKnownHosts = await b.scanHostKeys(url.hostname.replace(/^\[|\]$/g, ''), url.port ? Number(url.port) : 22);
    gitAuth = { kind: 'ssh', identity: privateKey, knownHosts: repoKnownHosts, password };
  } else if (password) gitAuth = { kind: 'basic', username, password };

  // What the cluster authenticates with.
  let secret: SourceSecretData | (() => Promise<SourceSecretData>);
  if (source.auth === 'basic') secret = { kind: 'basic', username, password: password!, caCert };
  else {
    const { host, port } = source.sshHost!;
    const scan = async () => (url.protocol === 'ssh:' && url.hostname === host && (url.port ? Number(url.port) : 22) === port ? repoKnownHosts! : b.scanHostKeys(host, port));
    if (flags.privateKeyFile && privateKey) {
      secret = { kind: 'ssh', identity: privateKey, identityPub: await b.publicKeyOf(flags.privateKeyFile), knownHosts: await scan(), password };
    } else {
      secret = async () => {
        const key = await b.generateDeployKey();
        say.success(`public key: ${key.identityPub}`);
        if (!flags.silent && !(await confirm('Please give the key access to your repository', '--silent'))) throw new CliError('aborting');
        return { kind: 'ssh', identity: key.identity, identityPub: key.identityPub, knownHosts: await scan() };
      };
    }
  }

  await withClient(flags, async (client) => {
    try {
      await b.runBootstrap({
        client,
        repository: { url: url.href, branch: flags.branch, auth: gitAuth, caCert },
        path,
        namespace: flags.namespace,
        install,
        sync: { url: source.syncUrl, intervalMs, secretName: flags.secretName, recurseSubmodules: flags.recurseSubmodules },
        secret,
        author: { name: flags.authorName, email: flags.authorEmail },
        commitMessageAppendix: flags.commitMessageAppendix,
        timeoutMs: timeout,
        pollMs: 1000,
        report: say,
      });
    } catch (e) {
      if (e instanceof CliError) throw e;
      const msg = (e as Error).message;
      // A server asking for credentials nobody gave: say which flags give them.
      if (!password && url.protocol !== 'ssh:' && /Authentication failed|could not read Username|terminal prompts disabled|401/i.test(msg)) {
        throw new CliError(`${msg}: the repository asks for credentials; pass --username and --password (or set GIT_PASSWORD)`);
      }
      throw new CliError(msg);
    }
  });
}
