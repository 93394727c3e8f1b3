/**
 * A sandbox for running the tutorial as a user would: the CLI, git and kubectl as processes,
 * with a temporary FLUXION_HOME, KUBECONFIG and HOME, so nothing touches the user's setup.
 * Everything runs asynchronously: a synchronous spawn would block the event loop of a process
 * that may serve what the child talks to.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EXAMPLE = join(ROOT, 'examples/tutorial');
/**
 * The CLI from the sources (the bundle in dist/ may be older or absent). tsx by its full
 * address: a bare `--import tsx` resolves from the working directory, and the tutorial runs
 * commands inside a clone.
 */
export const FLUXION_ARGV = [process.execPath, '--import', import.meta.resolve('tsx'), join(ROOT, 'src/cli/main.ts')];

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${opts.timeoutMs ?? 300_000}ms)`;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 300_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code: code ?? -1, stdout, stderr });
    });
  });
}

export class Sandbox {
  readonly dir = mkdtempSync(join(tmpdir(), 'fluxion-tutorial-test-'));
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    this.env = {
      ...process.env,
      HOME: this.dir,
      FLUXION_HOME: join(this.dir, 'fluxion-home'),
      KUBECONFIG: join(this.dir, 'kubeconfig'),
      KUBECACHEDIR: join(this.dir, 'kube-cache'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Tutorial Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Tutorial Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    };
    delete this.env.FLUXION_GIT_SERVER_PASSWORD;
  }

  fluxion(args: string[], opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
    return run(FLUXION_ARGV[0]!, [...FLUXION_ARGV.slice(1), ...args], { ...opts, env: { ...this.env, ...opts.env } });
  }

  kubectl(args: string[]): Promise<Result> {
    return run('kubectl', args, { env: this.env, timeoutMs: 60_000 });
  }

  /** Credentials git sends to the git server (through its configuration in the environment). */
  gitCredentials?: { username: string; password: string };

  async git(args: string[], cwd: string): Promise<string> {
    const env = { ...this.env };
    if (this.gitCredentials) {
      const { username, password } = this.gitCredentials;
      Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` });
    }
    const r = await run('git', args, { cwd, env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Pushes examples/tutorial, less the given paths, as the first commit of `url`. */
  async seed(url: string, without: string[]): Promise<string> {
    const work = join(this.dir, 'seed');
    cpSync(EXAMPLE, work, { recursive: true });
    for (const p of without) rmSync(join(work, p), { force: true });
    await this.git(['init', '--quiet', '--initial-branch=main'], work);
    await this.git(['add', '--all'], work);
    await this.git(['commit', '--quiet', '-m', 'The tutorial monorepo, no cluster configuration yet'], work);
    await this.git(['push', '--quiet', url, 'HEAD:refs/heads/main'], work);
    return this.git(['rev-parse', 'HEAD'], work);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The example's file with the git server's address in place of the placeholder. */
export function exampleFile(path: string, repoUrl: string): string {
  return readFileSync(join(EXAMPLE, path), 'utf8').replace('http://127.0.0.1:PORT/tutorial.git', repoUrl);
}


/** Rows of a flux-style table (cells padded, then a tab), header first; blank lines between tables dropped. */
export function tableRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/\t\s*$/, '').split('\t').map((c) => c.trim()));
}

/** Rows of a kubectl table (columns separated by runs of spaces), header first. */
export function kubectlRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.trim().split(/\s{2,}/));
}
