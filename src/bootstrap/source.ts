/**
 * How the cluster will reach the repository, decided from the bootstrap URL and flags as
 * `flux bootstrap git` decides it: with --token-auth the GitRepository uses the URL over
 * HTTPS (HTTP only with --allow-insecure-http) and a username/password Secret; otherwise it
 * uses the same host over SSH with a deploy key (`ssh://<username>@host/path`).
 */

export interface SyncSourceFlags {
  url: string;
  tokenAuth: boolean;
  allowInsecureHttp: boolean;
  /** --username (flux's default: git). */
  username: string;
  /** Replaces the host of the SSH sync URL (--ssh-hostname). */
  sshHostname?: string;
}

export interface SyncSource {
  /** The URL bootstrap clones and pushes to. */
  repositoryUrl: URL;
  /** The URL written into the GitRepository. */
  syncUrl: string;
  auth: 'basic' | 'ssh';
  /** For SSH: the host and port whose keys go into known_hosts. */
  sshHost?: { host: string; port: number };
}

export function syncSourceOf(flags: SyncSourceFlags): SyncSource {
  let u: URL;
  try {
    u = new URL(flags.url);
  } catch {
    throw new Error(`--url '${flags.url}' is not a URL (want https://host/org/repo or ssh://git@host/org/repo)`);
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme === 'http' && !flags.allowInsecureHttp) throw new Error('scheme http is insecure, pass --allow-insecure-http=true to allow it');
  if (!['http', 'https', 'ssh'].includes(scheme)) throw new Error(`scheme "${scheme}" is not supported`);
  const sync = new URL(u.href);
  if (flags.tokenAuth) {
    sync.username = '';
    sync.password = '';
    // Off HTTP(S) the port belonged to another protocol.
    if (scheme !== 'http' && scheme !== 'https') sync.port = '';
    const text = flags.allowInsecureHttp ? sync.href : sync.href.replace(/^[a-z]+:/, 'https:');
    return { repositoryUrl: u, syncUrl: text, auth: 'basic' };
  }
  // A URL object keeps the scheme's parsing rules, so the SSH URL is assembled as text.
  const user = u.username !== '' && flags.username === 'git' ? decodeURIComponent(u.username) : flags.username;
  const host = flags.sshHostname ?? u.host;
  const syncUrl = `ssh://${encodeURIComponent(user)}@${host}${u.pathname}${u.search}`;
  const parsed = new URL(syncUrl);
  return { repositoryUrl: u, syncUrl, auth: 'ssh', sshHost: { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : 22 } };
}
