/**
 * A GitRepository's Secret turned into git credentials, with Flux's keys and checks:
 * `username`+`password` or `bearerToken` (HTTP/S), `identity`+`known_hosts` [+`password`]
 * (SSH), `ca.crt` (or the older `caFile`) and `tls.crt`+`tls.key` for TLS.
 */
import type { GitAuth, GitTls } from '../../git/index.js';

export interface GitAuthOptions {
  auth: GitAuth;
  tls: GitTls;
  /** Every secret value, to blank out of any message. */
  secrets: string[];
}

export class AuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigError';
  }
}

function decode(data: Record<string, string> | undefined, key: string): string | undefined {
  const v = data?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/** Builds the options for `url` from a Secret's data (base64 values, as the API returns them). */
export function gitAuthFromSecret(url: URL, data: Record<string, string> | undefined): GitAuthOptions {
  const transport = url.protocol.replace(/:$/, '');
  const username = decode(data, 'username') ?? (url.username ? decodeURIComponent(url.username) : '');
  const password = decode(data, 'password') ?? '';
  const bearerToken = decode(data, 'bearerToken') ?? '';
  const identity = decode(data, 'identity') ?? '';
  const knownHosts = decode(data, 'known_hosts') ?? '';
  const caCert = decode(data, 'ca.crt') ?? decode(data, 'caFile');
  const clientCert = decode(data, 'tls.crt');
  const clientKey = decode(data, 'tls.key');
  const secrets = Object.keys(data ?? {})
    .filter((k) => k !== 'username' && k !== 'known_hosts' && k !== 'ca.crt' && k !== 'caFile' && k !== 'tls.crt')
    .map((k) => decode(data, k)!.trim())
    .filter((v) => v.length >= 4);
  if (username && bearerToken) throw new AuthConfigError(`invalid '${transport}' auth option: 'username' and 'bearerToken' cannot be set both`);
  const tls: GitTls = {};
  if (caCert) tls.caCert = caCert;
  if (clientCert && clientKey) {
    tls.clientCert = clientCert;
    tls.clientKey = clientKey;
  }
  switch (transport) {
    case 'http':
    case 'https':
      if (!username && password) throw new AuthConfigError(`invalid '${transport}' auth option: 'password' requires 'username' to be set`);
      if (bearerToken) return { auth: { kind: 'bearer', token: bearerToken }, tls, secrets };
      if (username && password) return { auth: { kind: 'basic', username, password }, tls, secrets };
      return { auth: { kind: 'none' }, tls, secrets };
    case 'ssh':
      if (!url.host) throw new AuthConfigError(`invalid 'ssh' auth option: 'host' is required`);
      if (!identity) throw new AuthConfigError(`invalid 'ssh' auth option: 'identity' is required`);
      if (!knownHosts) throw new AuthConfigError(`invalid 'ssh' auth option: 'known_hosts' is required`);
      return { auth: { kind: 'ssh', identity, knownHosts, ...(password ? { password } : {}) }, tls, secrets };
    default:
      throw new AuthConfigError(`unknown transport '${transport}'`);
  }
}
