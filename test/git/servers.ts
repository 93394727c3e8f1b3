/**
 * Real git servers for tests: bare repositories served over HTTP by src/gitserver (`git
 * http-backend`; basic or bearer auth, push included), and by `sshd` on loopback with a key
 * and known_hosts. Each test starts what it needs and stops it in `after`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createConnection, createServer as createNetServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

export const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_TERMINAL_PROMPT: '0',
};

export function git(args: string[], cwd?: string): string {
  const r = spawnSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A bare repository plus a work tree used to make commits and push them. */
export class TestRepo {
  readonly work: string;
  constructor(
    readonly bare: string,
    readonly branch = 'main',
  ) {
    this.work = mkdtempSync(join(tmpdir(), 'fluxion-work-'));
    git(['init', '--quiet', '-b', branch, this.work]);
    git(['remote', 'add', 'origin', bare], this.work);
  }

  static create(root: string, name: string, branch = 'main'): TestRepo {
    const bare = join(root, `${name}.git`);
    mkdirSync(dirname(bare), { recursive: true });
    git(['init', '--quiet', '--bare', '-b', branch, bare]);
    // Lets clients fetch a commit by hash (Flux's ref.commit) over protocol v0 too.
    git(['config', 'uploadpack.allowReachableSHA1InWant', 'true'], bare);
    return new TestRepo(bare, branch);
  }

  /** Writes (or, for null, deletes) files, commits them on `branch` and pushes; returns the hash. */
  commit(files: Record<string, string | null>, message: string, branch = this.branch): string {
    const current = spawnSync('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: this.work, env: GIT_ENV, encoding: 'utf8' }).stdout.trim();
    if (current !== branch) {
      const exists = spawnSync('git', ['rev-parse', '--verify', '--quiet', branch], { cwd: this.work, env: GIT_ENV }).status === 0;
      git(['checkout', '--quiet', ...(exists ? [] : ['-b']), branch], this.work);
    }
    for (const [path, content] of Object.entries(files)) {
      const abs = join(this.work, path);
      if (content === null) rmSync(abs, { force: true, recursive: true });
      else {
        mkdirSync(dirname(abs), { recursive: true });
        writeFileSync(abs, content);
      }
    }
    git(['add', '-A'], this.work);
    git(['commit', '--quiet', '--allow-empty', '-m', message], this.work);
    git(['push', '--quiet', 'origin', branch], this.work);
    return git(['rev-parse', 'HEAD'], this.work);
  }

  tag(name: string, annotated = false): string {
    git(annotated ? ['tag', '-a', '-m', `release ${name}`, name] : ['tag', name], this.work);
    git(['push', '--quiet', 'origin', `refs/tags/${name}`], this.work);
    return git(['rev-parse', `${name}^{commit}`], this.work);
  }

  cleanup(): void {
    rmSync(this.work, { recursive: true, force: true });
  }
}

/** Serves `root/**.git` over smart HTTP through `git http-backend` (the project's own server). */
export { startGitHttpServer, type GitHttpServer, type GitHttpOptions } from '../../src/gitserver/index.js';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const SSHD = '/usr/sbin/sshd';

export function sshdMissing(): string | false {
  return existsSync(SSHD) ? false : `${SSHD} is absent (Debian package openssh-server); skipped`;
}

export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateKey(dir: string, name: string, passphrase = ''): SshKeyPair {
  const path = join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
  return { privateKey: readFileSync(path, 'utf8'), publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
}

export interface SshServer {
  port: number;
  user: string;
  /** A known_hosts line for this server. */
  knownHosts: string;
  /** ssh://user@127.0.0.1:port<absolute path>. */
  urlFor(absPath: string): string;
  close(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const c = createConnection({ host: '127.0.0.1', port });
      c.once('connect', () => {
        c.destroy();
        resolve();
      });
      c.once('error', () => {
        c.destroy();
        if (Date.now() > deadline) reject(new Error(`sshd did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/** Starts sshd on 127.0.0.1 accepting the given public keys for the current user. */
export async function startSshd(authorizedKeys: string[]): Promise<SshServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-sshd-'));
  chmodSync(dir, 0o700);
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const host = generateKey(dir, 'host_key');
  writeFileSync(join(dir, 'authorized_keys'), `${authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  const port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, 10_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`${(e as Error).message}: ${stderr}`);
  }
  const user = userInfo().username;
  const [type, key] = host.publicKey.split(' ');
  return {
    port,
    user,
    knownHosts: `[127.0.0.1]:${port} ${type} ${key}`,
    urlFor: (absPath) => `ssh://${user}@127.0.0.1:${port}${absPath}`,
    close: () =>
      new Promise<void>((done) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}
