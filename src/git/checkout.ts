/**
 * Shallow checkouts of one reference of a remote, as Flux's GitRepository asks for them:
 * a branch, a tag, the highest tag in a semver range, a full ref name, or a commit. When
 * the caller knows the revision it already has, the remote is asked first (ls-remote) and
 * nothing is cloned if that revision is still current.
 */
import { mkdir } from 'node:fs/promises';
import { GitError } from './cli.js';
import { materializeCredentials, type GitCredentials } from './auth.js';
import { runGit, GitTimeoutError } from './process.js';
import { parseLsRemote, tagsOf, type RemoteOptions } from './remote.js';
import { highestMatchingTag, SemverConstraint } from './semver.js';

export interface CheckoutReference {
  branch?: string;
  tag?: string;
  /** A Masterminds semver constraint over the remote's tags. */
  semver?: string;
  /** A full reference name such as refs/pull/1/head. */
  name?: string;
  commit?: string;
}

export interface CheckoutOptions extends RemoteOptions {
  ref?: CheckoutReference;
  recurseSubmodules?: boolean;
  /**
   * The revision already held (`main@sha1:…`, `sha1:…`); when the remote still points
   * there the checkout is skipped and a partial commit returned.
   */
  lastObservedRevision?: string;
}

export interface Commit {
  /** 40 hex digits. */
  hash: string;
  /** The full reference the commit was reached through (refs/heads/main), or '' for a bare commit. */
  reference: string;
  /** Present only for concrete checkouts. */
  message?: string;
  author?: { name: string; email: string; when: string };
}

export interface CheckoutResult {
  commit: Commit;
  /** False when nothing was cloned because the remote still matches lastObservedRevision. */
  concrete: boolean;
}

export const DEFAULT_BRANCH = 'master';

/** Flux's revision string: `<short ref>@sha1:<hex>`, or `sha1:<hex>` for a bare commit. */
export function revisionOf(commit: Commit): string {
  const parts = commit.reference.split('/');
  if (parts.length >= 3) return `${parts.slice(2).join('/')}@sha1:${commit.hash}`;
  return `sha1:${commit.hash}`;
}

/** The revision with the full reference name (used for `ref.name`). */
export function absoluteRevisionOf(commit: Commit): string {
  return commit.reference ? `${commit.reference}@sha1:${commit.hash}` : `sha1:${commit.hash}`;
}

/** The first line of the commit message, cut at 50 characters as Flux's events show it. */
export function shortMessage(commit: Commit): string {
  const subject = (commit.message ?? '').split('\n')[0]!;
  const chars = [...subject];
  return chars.length > 50 ? `${chars.slice(0, 50).join('')}...` : subject;
}

/** Splits a revision (`main@sha1:abc`, `sha1:abc`, or the older `main/abc`) into ref and hash. */
export function parseRevision(revision: string): { ref: string; hash: string } {
  const at = revision.lastIndexOf('@');
  if (at >= 0) return { ref: revision.slice(0, at), hash: revision.slice(at + 1).replace(/^sha1:/, '') };
  if (revision.startsWith('sha1:')) return { ref: '', hash: revision.slice(5) };
  const slash = revision.lastIndexOf('/');
  if (slash >= 0 && /^[0-9a-f]{40}$/.test(revision.slice(slash + 1))) return { ref: revision.slice(0, slash), hash: revision.slice(slash + 1) };
  return { ref: '', hash: revision };
}

class Deadline {
  private readonly end: number;
  constructor(timeoutMs: number) {
    this.end = Date.now() + timeoutMs;
  }
  remaining(): number {
    const left = this.end - Date.now();
    if (left <= 0) throw new GitTimeoutError('git operation timed out');
    return left;
  }
}

interface Session {
  url: string;
  creds: GitCredentials;
  deadline: Deadline;
  signal?: AbortSignal;
}

async function git(s: Session, args: string[], cwd?: string): Promise<string> {
  const { stdout } = await runGit(args, { cwd, env: s.creds.env, secrets: s.creds.secrets, timeoutMs: s.deadline.remaining(), signal: s.signal });
  return stdout;
}

/** Wraps a git failure the way Flux words clone errors: "unable to clone '<url>': …". */
function cloneError(url: string, e: unknown): Error {
  if (e instanceof GitTimeoutError) return new GitTimeoutError(`unable to clone '${url}': ${e.message}`);
  const msg = e instanceof Error ? e.message : String(e);
  return new GitError(`unable to clone '${url}': ${msg}`);
}

async function lsRemoteIn(s: Session, patterns: string[]): Promise<Map<string, string>> {
  try {
    return parseLsRemote(await git(s, ['ls-remote', '--', s.url, ...patterns]));
  } catch (e) {
    throw cloneError(s.url, e);
  }
}

/** Reads hash, author and message of HEAD in one git call. */
async function headCommit(s: Session, dir: string, reference: string): Promise<Commit> {
  const out = await git(s, ['log', '-1', '--format=%H%x00%an%x00%ae%x00%aI%x00%B'], dir);
  const [hash, name, email, when, ...message] = out.split('\0');
  return { hash: hash!.trim(), reference, author: { name: name!, email: email!, when: when! }, message: message.join('\0').replace(/\n+$/, '') };
}

async function cloneRef(s: Session, dir: string, shortName: string, recurse: boolean): Promise<void> {
  try {
    await git(s, ['clone', '--quiet', '--depth=1', '--no-tags', '--single-branch', '--branch', shortName, '--', s.url, dir]);
  } catch (e) {
    throw cloneError(s.url, e);
  }
  if (recurse) await submodules(s, dir);
}

async function fetchInto(s: Session, dir: string, what: string, recurse: boolean, depth = true): Promise<void> {
  await mkdir(dir, { recursive: true });
  try {
    await git(s, ['init', '--quiet', dir]);
    await git(s, ['remote', 'add', 'origin', '--', s.url], dir);
    await git(s, ['fetch', '--quiet', '--no-tags', ...(depth ? ['--depth=1'] : []), 'origin', what], dir);
  } catch (e) {
    throw cloneError(s.url, e);
  }
  if (recurse) await submodules(s, dir);
}

async function submodules(s: Session, dir: string): Promise<void> {
  try {
    await git(s, ['submodule', 'update', '--init', '--recursive', '--depth=1'], dir);
  } catch (e) {
    throw cloneError(s.url, e);
  }
}

function unchanged(last: string | undefined, reference: string, hash: string | undefined, absolute: boolean): boolean {
  if (!last || !hash) return false;
  const prev = parseRevision(last);
  const short = absolute ? reference : reference.split('/').slice(2).join('/');
  return prev.hash === hash && prev.ref === short;
}

/**
 * Checks `ref` of `url` out into `dir` (which must not exist or be empty). Throws GitError
 * (message scrubbed of credentials) or GitTimeoutError.
 */
export async function checkout(url: string, dir: string, opts: CheckoutOptions = {}): Promise<CheckoutResult> {
  const creds = await materializeCredentials(url, opts);
  const s: Session = { url, creds, deadline: new Deadline(opts.timeoutMs ?? 60_000), signal: opts.signal };
  try {
    return await checkoutIn(s, dir, opts);
  } finally {
    await creds.dispose();
  }
}

/**
 * What `ref` of the remote points at now, asked with ls-remote (no clone): a partial commit
 * (hash and reference, no message). A bare `ref.commit` needs no asking and is returned as is.
 */
export async function resolveReference(url: string, opts: CheckoutOptions = {}): Promise<Commit> {
  const creds = await materializeCredentials(url, opts);
  const s: Session = { url, creds, deadline: new Deadline(opts.timeoutMs ?? 60_000), signal: opts.signal };
  try {
    return await resolveIn(s, opts.ref ?? {});
  } finally {
    await creds.dispose();
  }
}

async function resolveIn(s: Session, ref: CheckoutReference): Promise<Commit> {
  if (ref.commit) return { hash: ref.commit, reference: ref.branch ? `refs/heads/${ref.branch}` : '' };
  if (ref.name) {
    const hash = (await lsRemoteIn(s, [ref.name])).get(ref.name);
    if (!hash) throw new GitError(`unable to clone '${s.url}': couldn't find remote ref '${ref.name}'`);
    return { hash, reference: ref.name };
  }
  if (ref.semver) {
    let constraint: SemverConstraint;
    try {
      constraint = SemverConstraint.parse(ref.semver);
    } catch (e) {
      throw new GitError(`semver parse error: ${(e as Error).message}`);
    }
    const tags = tagsOf(await lsRemoteIn(s, ['refs/tags/*']));
    const tag = highestMatchingTag(tags.keys(), constraint);
    if (tag === undefined) throw new GitError(`no match found for semver: ${ref.semver}`);
    return { hash: tags.get(tag)!, reference: `refs/tags/${tag}` };
  }
  const isTag = ref.tag !== undefined && ref.tag !== '';
  const reference = isTag ? `refs/tags/${ref.tag}` : `refs/heads/${ref.branch || DEFAULT_BRANCH}`;
  const hash = (await lsRemoteIn(s, isTag ? [reference, `${reference}^{}`] : [reference])).get(reference);
  if (!hash) throw new GitError(`unable to clone '${s.url}': couldn't find remote ref '${reference}'`);
  return { hash, reference };
}

async function checkoutIn(s: Session, dir: string, opts: CheckoutOptions): Promise<CheckoutResult> {
  const ref = opts.ref ?? {};
  const recurse = opts.recurseSubmodules ?? false;
  const last = opts.lastObservedRevision;

  if (ref.commit) {
    const reference = ref.branch ? `refs/heads/${ref.branch}` : '';
    if (last && unchanged(last, reference, ref.commit, false)) return { commit: { hash: ref.commit, reference }, concrete: false };
    try {
      await fetchInto(s, dir, ref.commit, false);
    } catch (e) {
      // Servers that refuse a want by hash: fetch the branch's history and look for it there.
      if (!ref.branch) throw e;
      await fetchInto(s, dir, `+refs/heads/${ref.branch}:refs/remotes/origin/${ref.branch}`, false, false);
    }
    try {
      await git(s, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', ref.commit], dir);
    } catch (e) {
      throw new GitError(`unable to clone '${s.url}': failed to checkout commit '${ref.commit}': ${(e as Error).message}`);
    }
    if (recurse) await submodules(s, dir);
    return { commit: await headCommit(s, dir, reference), concrete: true };
  }

  // Refs that must be resolved first (semver, names), or may be skipped when unchanged.
  let head: Commit | undefined;
  if (ref.name || ref.semver || last) {
    head = await resolveIn(s, ref);
    if (unchanged(last, head.reference, head.hash, Boolean(ref.name))) return { commit: head, concrete: false };
  }

  if (ref.name) {
    await fetchInto(s, dir, ref.name, false);
    await git(s, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', 'FETCH_HEAD'], dir);
    if (recurse) await submodules(s, dir);
    return { commit: await headCommit(s, dir, ref.name), concrete: true };
  }
  if (ref.semver) {
    const tag = head!.reference.slice('refs/tags/'.length);
    await cloneRef(s, dir, tag, recurse);
    return { commit: await headCommit(s, dir, head!.reference), concrete: true };
  }
  const isTag = ref.tag !== undefined && ref.tag !== '';
  const short = isTag ? ref.tag! : ref.branch || DEFAULT_BRANCH;
  await cloneRef(s, dir, short, recurse);
  return { commit: await headCommit(s, dir, isTag ? `refs/tags/${short}` : `refs/heads/${short}`), concrete: true };
}
