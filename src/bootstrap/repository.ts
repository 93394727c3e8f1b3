/**
 * The bootstrap's working copy of the repository: a clone of one branch (or a fresh branch of
 * an empty repository), files written under it, commits with flux's author, and pushes. git
 * runs through src/git: no shell, credentials only in private files (GIT_ASKPASS, ssh key
 * files), error text scrubbed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { materializeCredentials, runGit, type GitAuth, type GitCredentials } from '../git/index.js';

export interface Author {
  name: string;
  email: string;
}

export interface RepositoryOptions {
  url: string;
  branch: string;
  auth: GitAuth;
  caCert?: string;
  timeoutMs: number;
}

export class WorkingCopy {
  private constructor(
    readonly dir: string,
    private readonly opts: RepositoryOptions,
    private readonly creds: GitCredentials,
  ) {}

  /** Clones `branch`; a remote without that branch (an empty repository) starts it fresh. */
  static async clone(opts: RepositoryOptions): Promise<WorkingCopy> {
    const dir = await mkdtemp(join(tmpdir(), 'fluxion-bootstrap-'));
    const creds = await materializeCredentials(opts.url, { auth: opts.auth, tls: opts.caCert ? { caCert: opts.caCert } : undefined });
    const wc = new WorkingCopy(dir, opts, creds);
    try {
      const heads = await wc.git(['ls-remote', '--heads', '--', opts.url, `refs/heads/${opts.branch}`]);
      if (heads.trim() === '') {
        await wc.git(['init', '--quiet', '-b', opts.branch, dir]);
        await wc.git(['remote', 'add', 'origin', '--', opts.url], dir);
      } else {
        await wc.git(['clone', '--quiet', '--no-tags', '--single-branch', '--branch', opts.branch, '--', opts.url, dir]);
      }
    } catch (e) {
      await wc.dispose();
      throw e;
    }
    return wc;
  }

  private async git(args: string[], cwd?: string): Promise<string> {
    const { stdout } = await runGit(args, { cwd, env: this.creds.env, secrets: this.creds.secrets, timeoutMs: this.opts.timeoutMs });
    return stdout;
  }

  /** A path inside the working copy; refuses anything that would leave it. */
  private inside(relPath: string): string {
    const abs = resolve(this.dir, relPath);
    if (abs !== this.dir && !abs.startsWith(this.dir + sep)) throw new Error(`path '${relPath}' is outside the repository`);
    if (relative(this.dir, abs).split(sep)[0] === '.git') throw new Error(`path '${relPath}' is inside .git`);
    return abs;
  }

  async read(relPath: string): Promise<string | undefined> {
    try {
      return await readFile(this.inside(relPath), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async write(relPath: string, content: string): Promise<void> {
    const abs = this.inside(relPath);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }

  /** Commits the given paths; undefined when they hold no change (flux: ErrNoStagedFiles). */
  async commit(paths: string[], message: string, author: Author): Promise<string | undefined> {
    for (const p of paths) this.inside(p);
    await this.git(['add', '--', ...paths], this.dir);
    const staged = await this.git(['diff', '--cached', '--name-only'], this.dir);
    if (staged.trim() === '') return undefined;
    const who = ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`];
    await this.git([...who, 'commit', '--quiet', '--no-verify', '-m', message], this.dir);
    return this.head();
  }

  async head(): Promise<string> {
    return (await this.git(['rev-parse', 'HEAD'], this.dir)).trim();
  }

  async push(): Promise<void> {
    await this.git(['push', '--quiet', 'origin', `HEAD:refs/heads/${this.opts.branch}`], this.dir);
  }

  async dispose(): Promise<void> {
    await this.creds.dispose();
    await rm(this.dir, { recursive: true, force: true });
  }
}
