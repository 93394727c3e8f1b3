/**
 * The git CLI behind a small typed API: argv arrays (never a shell), no prompts, timeouts,
 * and error output scrubbed of credentials before it reaches a message.
 */
import { spawnSync } from 'node:child_process';

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

/** Removes user:password@ from URLs and anything that looks like a token. */
export function scrubCredentials(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@')
    .replace(/\b(gh[pousr]_[A-Za-z0-9]{20,}|glpat-[A-Za-z0-9_-]{20,})\b/g, '***');
}

export interface GitRunOptions {
  cwd?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs git synchronously; throws GitError with scrubbed stderr on failure or timeout. */
export function gitSync(args: string[], opts: GitRunOptions = {}): string {
  const r = spawnSync('git', args, {
    cwd: opts.cwd,
    timeout: opts.timeoutMs ?? 60_000,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, ...opts.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: opts.env?.GIT_ASKPASS ?? 'true' },
  });
  if (r.error) {
    const timedOut = (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    throw new GitError(timedOut ? `git ${args[0]} timed out after ${(opts.timeoutMs ?? 60_000) / 1000}s` : `git ${args[0]}: ${r.error.message}`);
  }
  if (r.status !== 0) throw new GitError(`git ${args[0]} failed: ${scrubCredentials(r.stderr.trim())}`);
  return r.stdout;
}

/** A shallow clone of one ref (branch or tag) or, for a commit, a fetch of that commit. */
export function shallowCloneSync(url: string, dir: string, ref: string | undefined, opts: GitRunOptions = {}): void {
  gitSync(['init', '--quiet', dir], opts);
  gitSync(['-C', dir, 'remote', 'add', 'origin', url], opts);
  gitSync(['-C', dir, 'fetch', '--quiet', '--depth=1', 'origin', ref ?? 'HEAD'], opts);
  gitSync(['-C', dir, 'checkout', '--quiet', 'FETCH_HEAD'], opts);
}
