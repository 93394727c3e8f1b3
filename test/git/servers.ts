/**
 * Real git servers for tests: bare repositories served by `git http-backend` behind a small
 * Node HTTP server (basic or bearer auth, push included), and by `sshd` on loopback with a
 * key and known_hosts. Each test starts what it needs and stops it in `after`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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

export interface GitHttpServer {
  url: string;
  port: number;
  root: string;
  /** Requests answered, by outcome. */
  stats: { ok: number; unauthorized: number };
  close(): Promise<void>;
}

export interface GitHttpOptions {
  root: string;
  username?: string;
  password?: string;
  bearerToken?: string;
}

function authorized(req: IncomingMessage, opts: GitHttpOptions): string | undefined {
  const h = req.headers.authorization ?? '';
  if (opts.bearerToken !== undefined) return h === `Bearer ${opts.bearerToken}` ? 'bearer' : undefined;
  if (opts.username === undefined) return 'anonymous';
  if (!h.startsWith('Basic ')) return undefined;
  const [u, ...p] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':');
  return u === opts.username && p.join(':') === opts.password ? u : undefined;
}

/** Serves `root/**.git` over smart HTTP through `git http-backend` (CGI). */
export function startGitHttpServer(opts: GitHttpOptions): Promise<GitHttpServer> {
  const stats = { ok: 0, unauthorized: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const user = authorized(req, opts);
    if (!user) {
      stats.unauthorized++;
      req.resume();
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
      res.end('authentication required\n');
      return;
    }
    const u = new URL(req.url ?? '/', 'http://localhost');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: opts.root,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      PATH_INFO: decodeURIComponent(u.pathname),
      QUERY_STRING: u.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: user,
    };
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => {
      stats.ok++;
      if (!headersDone) res.writeHead(500).end();
      else res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        root: opts.root,
        stats,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

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
