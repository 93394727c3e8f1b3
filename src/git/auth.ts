/**
 * Credentials for git, kept where only this process can read them: a 0700 temporary
 * directory holding 0600 files. git learns of them through file paths only — GIT_ASKPASS
 * (a script that prints the username or password file), a private git config (bearer
 * header, CA and client certificates, the ssh command) and ssh's identity and known_hosts
 * files — so no secret ever appears in argv, a URL or the environment.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type GitAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  | { kind: 'ssh'; identity: string; knownHosts: string; password?: string };

export interface GitTls {
  /** PEM CA bundle to trust for https remotes. */
  caCert?: string;
  /** PEM client certificate and key (mutual TLS). */
  clientCert?: string;
  clientKey?: string;
}

export interface GitCredentialOptions {
  auth?: GitAuth;
  tls?: GitTls;
  /** Protocols git may use, colon separated (GIT_ALLOW_PROTOCOL); http:https:ssh by default. */
  allowProtocols?: string;
  /** Seconds ssh waits for a TCP connection. */
  sshConnectTimeoutSeconds?: number;
}

/** Materialized credentials: the environment to run git with, and what to scrub. */
export interface GitCredentials {
  env: Record<string, string>;
  secrets: string[];
  dispose(): Promise<void>;
}

/** Quotes a value for a git config file (double quotes; backslash and quote escaped). */
function configValue(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Quotes a path for the shell that git runs core.sshCommand with. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The URL prefix git config's `http.<url>.*` sections match: scheme://host[:port]/. */
export function urlScope(url: string): string | undefined {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/`;
  } catch {
    return undefined;
  }
}

/**
 * Writes the credential files for one git operation against `url`. Always call dispose(),
 * which removes the directory.
 */
export async function materializeCredentials(url: string, opts: GitCredentialOptions = {}): Promise<GitCredentials> {
  const auth = opts.auth ?? { kind: 'none' };
  const dir = await mkdtemp(join(tmpdir(), 'fluxion-git-cred-'));
  await chmod(dir, 0o700);
  const file = async (name: string, content: string, mode = 0o600) => {
    const p = join(dir, name);
    await writeFile(p, content, { mode });
    await chmod(p, mode);
    return p;
  };
  const secrets: string[] = [];
  // Checkouts are scratch space, archived and deleted: syncing them to disk only costs time.
  const config: string[] = ['[credential]', '\thelper =', '[core]', '\tfsync = none', '\tfsyncObjectFiles = false', '[init]', '\ttemplateDir ='];
  const env: Record<string, string> = { HOME: dir, GIT_ALLOW_PROTOCOL: opts.allowProtocols ?? 'http:https:ssh' };
  const scope = urlScope(url);

  // One askpass script answers both git's "Username for …" and every other prompt
  // (password, ssh key passphrase) from files beside it. Without credentials nothing answers.
  const needsAskpass = auth.kind === 'basic' || (auth.kind === 'ssh' && auth.password !== undefined);
  const askpass = needsAskpass
    ? await file(
        'askpass',
        // Shell built-ins only: no process beyond the shell itself per prompt.
        `#!/bin/sh\ncase "$1" in\n  Username*) f=${shellQuote(join(dir, 'username'))} ;;\n  *) f=${shellQuote(join(dir, 'password'))} ;;\nesac\nIFS= read -r v < "$f" || true\nprintf '%s\\n' "$v"\n`,
        0o700,
      )
    : undefined;
  if (askpass) env.GIT_ASKPASS = askpass;

  switch (auth.kind) {
    case 'basic':
      await file('username', auth.username);
      await file('password', auth.password);
      secrets.push(auth.password);
      break;
    case 'bearer':
      if (scope) config.push(`[http ${configValue(scope)}]`, `\textraHeader = ${configValue(`Authorization: Bearer ${auth.token}`)}`);
      secrets.push(auth.token);
      break;
    case 'ssh': {
      // ssh refuses keys without a trailing newline on some versions.
      const identity = await file('identity', auth.identity.endsWith('\n') ? auth.identity : `${auth.identity}\n`);
      const knownHosts = await file('known_hosts', auth.knownHosts.endsWith('\n') ? auth.knownHosts : `${auth.knownHosts}\n`);
      if (auth.password !== undefined) {
        await file('password', auth.password);
        secrets.push(auth.password);
        env.SSH_ASKPASS = askpass!;
        env.SSH_ASKPASS_REQUIRE = 'force';
        env.DISPLAY = env.DISPLAY ?? ':0';
      }
      const sshArgs = [
        'ssh',
        '-F /dev/null',
        `-i ${shellQuote(identity)}`,
        '-o IdentitiesOnly=yes',
        `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
        '-o GlobalKnownHostsFile=/dev/null',
        '-o StrictHostKeyChecking=yes',
        '-o PasswordAuthentication=no',
        '-o KbdInteractiveAuthentication=no',
        `-o ConnectTimeout=${opts.sshConnectTimeoutSeconds ?? 30}`,
        // Without a passphrase nothing may prompt; with one, only the askpass answers.
        auth.password === undefined ? '-o BatchMode=yes' : '-o NumberOfPasswordPrompts=1',
      ];
      config.push('[core]', `\tsshCommand = ${configValue(sshArgs.join(' '))}`);
      secrets.push(auth.identity.trim());
      break;
    }
    case 'none':
      break;
  }
  // ssh remotes without a key still must not prompt for host keys or passwords.
  if (auth.kind !== 'ssh') config.push('[core]', `\tsshCommand = ${configValue('ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null -o UserKnownHostsFile=/dev/null')}`);
  if (opts.tls?.caCert) config.push('[http]', `\tsslCAInfo = ${configValue(await file('ca.crt', opts.tls.caCert))}`);
  if (opts.tls?.clientCert && opts.tls.clientKey) {
    config.push('[http]', `\tsslCert = ${configValue(await file('tls.crt', opts.tls.clientCert))}`, `\tsslKey = ${configValue(await file('tls.key', opts.tls.clientKey))}`);
    secrets.push(opts.tls.clientKey.trim());
  }
  env.GIT_CONFIG_GLOBAL = await file('gitconfig', `${config.join('\n')}\n`);
  return {
    env,
    secrets,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
