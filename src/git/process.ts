/**
 * Runs the git CLI asynchronously: an argv array (never a shell), no prompts, a hermetic
 * configuration (the user's and the system's git config are not read), a deadline that kills
 * the whole process group, and error output scrubbed of credentials before it reaches a
 * message.
 */
import { spawn } from 'node:child_process';
import { GitError, scrubCredentials } from './cli.js';

export interface GitProcessOptions {
  cwd?: string;
  /** Kill git (and its helpers) after this many milliseconds. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra environment; the credential layer puts file paths here, never secrets. */
  env?: Record<string, string>;
  /** Literal values to blank out of any error text (passwords, tokens). */
  secrets?: string[];
  /** Data written to git's standard input. */
  input?: string;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
}

/** Thrown when git ran out of time; `GitError` otherwise. */
export class GitTimeoutError extends GitError {
  constructor(message: string) {
    super(message);
    this.name = 'GitTimeoutError';
  }
}

/** Environment variables git and ssh read that could leak the user's setup into a run. */
const DROPPED_ENV = /^(GIT_|SSH_ASKPASS|SSH_AUTH_SOCK$)/;

/** The environment every git run starts from: the process's, minus git's own knobs. */
export function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROPPED_ENV.test(k)) env[k] = v;
  return {
    ...env,
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_ALLOW_PROTOCOL: 'http:https:ssh',
    ...extra,
  };
}

/** Removes credentials from git's output: URL userinfo, token shapes, and the given literals. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = scrubCredentials(text);
  for (const s of secrets) if (s.length >= 3) out = out.split(s).join('***');
  return out;
}

/**
 * git's error in one line: the first "fatal:"/"error:" line (prefix dropped), preceded by
 * what helpers such as ssh printed before it ("Host key verification failed."), without
 * progress, hints and advice.
 */
export function gitMessage(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.test(l));
  const i = lines.findIndex((l) => /^(fatal|error):/.test(l));
  if (i < 0) return lines[lines.length - 1] ?? '';
  return [...lines.slice(0, i), lines[i]!.replace(/^(fatal|error):\s*/, '')].join(' ');
}

const NOISE = /^(hint:|warning:|Warning: Permanently added|Cloning into|remote: (Counting|Compressing|Enumerating|Total)|Please make sure you have|and the repository exists)/;

export function runGit(args: string[], opts: GitProcessOptions = {}): Promise<GitOutput> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const secrets = opts.secrets ?? [];
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new GitTimeoutError(`git ${args[0]} was cancelled`));
      return;
    }
    // detached: git gets its own process group so that a timeout also ends remote helpers and ssh.
    const child = spawn('git', args, { cwd: opts.cwd, env: baseEnv(opts.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errBytes = 0;
    let timedOut = false;
    let cancelled = false;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => {
      cancelled = true;
      kill();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      // Progress output can be long; the message needs only the tail.
      if (errBytes < 1 << 20) {
        err.push(c);
        errBytes += c.length;
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    child.on('error', (e) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new GitError(`git ${args[0]}: ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = scrub(Buffer.concat(err).toString('utf8'), secrets);
      if (timedOut) return reject(new GitTimeoutError(`git ${args[0]} timed out after ${formatSeconds(timeoutMs)}`));
      if (cancelled) return reject(new GitTimeoutError(`git ${args[0]} was cancelled (timeout)`));
      if (code !== 0) {
        const e = new GitError(gitMessage(stderr) || `git ${args[0]} exited with code ${code}`);
        (e as GitError & { stderr?: string }).stderr = stderr;
        return reject(e);
      }
      resolve({ stdout, stderr });
    });
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}
