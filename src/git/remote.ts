/** Asking a remote what it has, without cloning: `git ls-remote`. */
import { materializeCredentials, type GitCredentialOptions } from './auth.js';
import { runGit } from './process.js';

export interface RemoteOptions extends GitCredentialOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Full ref name → commit hash; annotated tags are peeled to the commit they point at. */
export type RemoteRefs = Map<string, string>;

/** Parses `git ls-remote` output, preferring the peeled `^{}` line of annotated tags. */
export function parseLsRemote(output: string): RemoteRefs {
  const refs: RemoteRefs = new Map();
  const peeled = new Map<string, string>();
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const hash = line.slice(0, tab);
    const ref = line.slice(tab + 1);
    if (ref.endsWith('^{}')) peeled.set(ref.slice(0, -3), hash);
    else refs.set(ref, hash);
  }
  for (const [ref, hash] of peeled) refs.set(ref, hash);
  return refs;
}

/** Lists the remote's refs (all of them, or those matching the patterns). */
export async function lsRemote(url: string, patterns: string[] = [], opts: RemoteOptions = {}): Promise<RemoteRefs> {
  const creds = await materializeCredentials(url, opts);
  try {
    const { stdout } = await runGit(['ls-remote', '--', url, ...patterns], { env: creds.env, secrets: creds.secrets, timeoutMs: opts.timeoutMs, signal: opts.signal });
    return parseLsRemote(stdout);
  } finally {
    await creds.dispose();
  }
}

/** The remote's tags by short name (refs/tags/ stripped), peeled to commits. */
export function tagsOf(refs: RemoteRefs): Map<string, string> {
  const tags = new Map<string, string>();
  for (const [ref, hash] of refs) if (ref.startsWith('refs/tags/')) tags.set(ref.slice('refs/tags/'.length), hash);
  return tags;
}
