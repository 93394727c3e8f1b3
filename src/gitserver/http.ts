/**
 * A git smart-HTTP server: bare repositories under a root directory, served by the CGI that
 * ships with git (`git http-backend`) behind Node's HTTP server. Clone, fetch and push work
 * with any git client; basic or bearer auth is optional; a push to a repository that does not
 * exist yet can create it, as hosted forges do.
 */
import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { initBareRepository, repositoryPath } from './repos.js';

export interface GitHttpOptions {
  /** The directory holding the bare repositories: `root/team/app.git` is `URL/team/app.git`. */
  root: string;
  /** Address to listen on; loopback unless told otherwise. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** With a username, every request needs basic auth with these credentials. */
  username?: string;
  password?: string;
  /** With a token, every request needs `Authorization: Bearer <token>`. */
  bearerToken?: string;
  /** A push to a missing `NAME.git` creates the bare repository first. */
  createOnPush?: boolean;
  /** The branch HEAD names in repositories created on push (default main). */
  defaultBranch?: string;
  /** Called once per answered request (no credentials in it). */
  onRequest?: (entry: GitRequestLog) => void;
}

export interface GitRequestLog {
  method: string;
  /** Path and query, as requested. */
  path: string;
  status: number;
  user: string;
}

export interface GitHttpServer {
  /** http://HOST:PORT, without a trailing slash. */
  url: string;
  port: number;
  root: string;
  /** Requests answered, by outcome. */
  stats: { ok: number; unauthorized: number };
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The authenticated user ('anonymous' without auth), or undefined when refused. */
function authorize(req: IncomingMessage, opts: GitHttpOptions): string | undefined {
  const header = req.headers.authorization ?? '';
  if (opts.bearerToken !== undefined) return sameSecret(header, `Bearer ${opts.bearerToken}`) ? 'bearer' : undefined;
  if (opts.username === undefined) return 'anonymous';
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Both compared, whatever the first gives, so the time taken tells nothing.
  const userOk = sameSecret(user, opts.username);
  const passwordOk = sameSecret(password, opts.password ?? '');
  return userOk && passwordOk ? user : undefined;
}

/**
 * Server-wide git configuration for http-backend, through the environment so that it holds
 * for every repository under the root however it was made: pushes accepted from any
 * authorized user, and fetches by commit hash (Flux's `ref.commit`) over protocol v0 too.
 */
const BACKEND_CONFIG: [string, string][] = [
  ['http.receivepack', 'true'],
  ['uploadpack.allowReachableSHA1InWant', 'true'],
];

function backendEnv(opts: GitHttpOptions, req: IncomingMessage, url: URL, user: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: opts.root,
    GIT_HTTP_EXPORT_ALL: '1',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_COUNT: String(BACKEND_CONFIG.length),
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    REMOTE_USER: user,
  };
  BACKEND_CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  if (req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = String(req.headers['content-length']);
  if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);
  if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  return env;
}

/** The repository a push is about to target, when it does not exist yet; undefined otherwise. */
function missingPushTarget(root: string, url: URL): string | undefined {
  if (url.searchParams.get('service') !== 'git-receive-pack') return undefined;
  const m = /^\/(.+\.git)\/info\/refs$/.exec(decodeURIComponent(url.pathname));
  if (!m) return undefined;
  const path = repositoryPath(root, m[1]!);
  return path !== undefined && !existsSync(join(path, 'HEAD')) ? path : undefined;
}

/** Runs http-backend for one request and relays its CGI response; resolves with the status. */
function relay(req: IncomingMessage, res: ServerResponse, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let status = 200;
    let head = Buffer.alloc(0);
    let headersDone = false;
    let stderr = '';
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A client that goes away mid-transfer must not leave git running.
    res.on('close', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const key = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[key] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.on('error', (e) => {
      stderr += e.message;
    });
    child.on('close', () => {
      if (!headersDone) {
        status = 500;
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`git http-backend failed: ${stderr.trim() || 'no response'}\n`);
      } else res.end();
      done(status);
    });
  });
}

/** Serves `root/**.git` over smart HTTP; resolves once listening. */
export function startGitHttpServer(opts: GitHttpOptions): Promise<GitHttpServer> {
  const stats = { ok: 0, unauthorized: 0 };
  const host = opts.host ?? '127.0.0.1';
  const log = (req: IncomingMessage, status: number, user: string) => opts.onRequest?.({ method: req.method ?? 'GET', path: req.url ?? '/', status, user });
  const server: Server = createServer((req, res) => {
    void (async () => {
      const user = authorize(req, opts);
      if (user === undefined) {
        stats.unauthorized++;
        req.resume();
        res.writeHead(401, { 'WWW-Authenticate': opts.bearerToken !== undefined ? 'Bearer' : 'Basic realm="git"', 'Content-Type': 'text/plain' });
        res.end('authentication required\n');
        log(req, 401, '-');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (opts.createOnPush) {
        const missing = missingPushTarget(opts.root, url);
        if (missing !== undefined) await initBareRepository(missing, opts.defaultBranch ?? 'main');
      }
      const status = await relay(req, res, backendEnv(opts, req, url, user));
      stats.ok++;
      log(req, status, user);
    })().catch((e: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`${e.message}\n`);
      log(req, 500, '-');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const port = (server.address() as { port: number }).port;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
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
