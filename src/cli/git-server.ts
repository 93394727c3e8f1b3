/**
 * `fluxion git-server start|stop|delete|list`: a local git server for trying GitOps without a
 * forge. Bare repositories are served over HTTP on 127.0.0.1 (clone, fetch, push; a push to a
 * new NAME.git creates it). State (pid, port, directory) lives under
 * $FLUXION_HOME/git-servers/NAME (default ~/.fluxion), as `fluxion cluster` keeps its own.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { CliError, formatTable, say } from './common.js';
import { checkServerName, fluxionHome, processAlive, readStateFile, writeStateFile } from './local-state.js';

const gitserver = () => import('../gitserver/index.js');

export const DEFAULT_GIT_SERVER = 'default';
/** How a detached server receives its password: never on a command line others can read. */
const PASSWORD_ENV = 'FLUXION_GIT_SERVER_PASSWORD';

interface ServerState {
  name: string;
  dir: string;
  port?: number;
  pid?: number;
  username?: string;
  startedAt?: string;
}

function serversDir(): string {
  return join(fluxionHome(), 'git-servers');
}

function serverDir(name: string): string {
  return join(serversDir(), name);
}

function statePath(name: string): string {
  return join(serverDir(name), 'server.json');
}

function readState(name: string): ServerState | undefined {
  return readStateFile<ServerState>(statePath(name));
}

function writeState(s: ServerState): void {
  writeStateFile(statePath(s.name), s);
}


function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const urlOf = (port: number) => `http://127.0.0.1:${port}`;

const checkName = (name: string) => checkServerName(name, 'git server');

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new CliError(`--port must be a port number, not '${text}'`);
  return n;
}

/** Is this server up and answering on its port? */
async function running(s: ServerState | undefined): Promise<(ServerState & { port: number; pid: number }) | undefined> {
  return s !== undefined && processAlive(s.pid) && s.port !== undefined && (await listening(s.port)) ? (s as ServerState & { port: number; pid: number }) : undefined;
}

interface StartOptions {
  port?: string;
  dir?: string;
  detach?: boolean;
  username?: string;
  password?: string;
}

interface Wanted {
  port: number | undefined;
  dir: string;
  username: string | undefined;
  password: string | undefined;
}

function wanted(name: string, opts: StartOptions, prev: ServerState | undefined): Wanted {
  const password = opts.password ?? process.env[PASSWORD_ENV];
  if ((opts.username === undefined) !== (password === undefined)) {
    throw new CliError(opts.username === undefined ? '--password needs --username' : `--username needs --password (or ${PASSWORD_ENV} in the environment)`);
  }
  return {
    port: parsePort(opts.port),
    dir: opts.dir !== undefined ? resolve(opts.dir) : (prev?.dir ?? join(serverDir(name), 'repositories')),
    username: opts.username,
    password,
  };
}

/** Explains why a running server does not match what was asked, if it does not. */
function mismatch(s: ServerState & { port: number }, w: Wanted): string | undefined {
  if (w.port !== undefined && w.port !== 0 && w.port !== s.port) return `it listens on port ${s.port}`;
  if (w.dir !== s.dir) return `it serves ${s.dir}`;
  if (w.username !== s.username) return s.username === undefined ? 'it asks no credentials' : `it asks credentials of user ${s.username}`;
  return undefined;
}

async function start(name: string, opts: StartOptions): Promise<void> {
  checkName(name);
  const prev = readState(name);
  const w = wanted(name, opts, prev);
  const up = await running(prev);
  if (up) {
    const why = mismatch(up, w);
    if (why) throw new CliError(`git server ${name} is already running at ${urlOf(up.port)} and ${why}; stop it first: fluxion git-server stop ${name}`);
    say.success(`git server ${name} is already running at ${urlOf(up.port)} (pid ${up.pid})`);
    process.stdout.write(`${urlOf(up.port)}\n`);
    return;
  }
  if (opts.detach) return startDetached(name, w, prev);
  await serve(name, w, prev);
}

async function serve(name: string, w: Wanted, prev: ServerState | undefined): Promise<void> {
  const { startGitHttpServer } = await gitserver();
  mkdirSync(w.dir, { recursive: true });
  const options = {
    root: w.dir,
    username: w.username,
    password: w.password,
    createOnPush: true,
    onRequest: (r: { method: string; path: string; status: number; user: string }) => process.stderr.write(`${new Date().toISOString()} ${r.user} ${r.method} ${r.path} ${r.status}\n`),
  };
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;
  try {
    server = await startGitHttpServer({ ...options, port: w.port ?? prev?.port ?? 0 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // The previous port is only a preference: someone else may hold it now.
    if (w.port === undefined && prev?.port && code === 'EADDRINUSE') server = await startGitHttpServer({ ...options, port: 0 });
    else if (code === 'EADDRINUSE') throw new CliError(`port ${w.port} is in use; choose another with --port`);
    else throw e;
  }
  writeState({ name, dir: w.dir, port: server.port, pid: process.pid, username: w.username, startedAt: new Date().toISOString() });
  say.success(`git server ${name} is serving ${w.dir} at ${server.url}${w.username ? ` (basic auth, user ${w.username})` : ''}`);
  say.plain(`  clone with: git clone ${server.url}/NAME.git; a push to a new NAME.git creates it`);
  process.stdout.write(`${server.url}\n`);
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().finally(() => {
        const s = readState(name);
        if (s && s.pid === process.pid) writeState({ ...s, pid: undefined });
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function startDetached(name: string, w: Wanted, prev: ServerState | undefined): Promise<void> {
  mkdirSync(serverDir(name), { recursive: true, mode: 0o700 });
  const logPath = join(serverDir(name), 'server.log');
  const args = [...process.execArgv, process.argv[1]!, 'git-server', 'start', name, '--dir', w.dir];
  const port = w.port ?? prev?.port;
  if (port !== undefined) args.push('--port', String(port));
  if (w.username !== undefined) args.push('--username', w.username);
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env[PASSWORD_ENV];
  if (w.password !== undefined) env[PASSWORD_ENV] = w.password;
  const log = openSync(logPath, 'a');
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', log], env });
  closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));
  child.unref();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && exited === undefined) {
    const s = readState(name);
    if (s && s.pid === child.pid && s.port !== undefined && (await listening(s.port))) {
      say.success(`git server ${name} is ready at ${urlOf(s.port)} (pid ${child.pid}, repositories in ${s.dir}, log ${logPath})`);
      process.stdout.write(`${urlOf(s.port)}\n`);
      return;
    }
    await sleep(50);
  }
  const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n') : '';
  if (exited === undefined && child.pid) {
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  throw new CliError(`git server ${name} did not start${exited !== undefined ? ` (exit code ${exited})` : ' within 30s'}; log ${logPath}:\n${tail}`);
}

async function stop(name: string, quiet = false): Promise<void> {
  checkName(name);
  const s = readState(name);
  if (!s) throw new CliError(`git server ${name} not found in ${serversDir()}`);
  if (!processAlive(s.pid)) {
    if (s.pid) writeState({ ...s, pid: undefined });
    if (!quiet) say.success(`git server ${name} is not running`);
    return;
  }
  process.kill(s.pid!, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (processAlive(s.pid) && Date.now() < deadline) await sleep(50);
  if (processAlive(s.pid)) process.kill(s.pid!, 'SIGKILL');
  while (processAlive(s.pid)) await sleep(20);
  const now = readState(name);
  if (now) writeState({ ...now, pid: undefined });
  if (!quiet) say.success(`git server ${name} stopped (repositories kept in ${s.dir})`);
}

async function remove(name: string): Promise<void> {
  checkName(name);
  const s = readState(name);
  if (!s && !existsSync(serverDir(name))) throw new CliError(`git server ${name} not found in ${serversDir()}`);
  if (s) await stop(name, true);
  rmSync(serverDir(name), { recursive: true, force: true });
  const outside = s && !resolve(s.dir).startsWith(serverDir(name) + sep);
  say.success(`git server ${name} deleted${outside ? ` (its repositories in ${s.dir} are kept)` : ''}`);
}

async function list(): Promise<void> {
  const { listRepositories } = await gitserver();
  const names = existsSync(serversDir()) ? readdirSync(serversDir()).filter((n) => existsSync(statePath(n))).sort() : [];
  const rows: string[][] = [];
  for (const n of names) {
    const s = readState(n)!;
    const up = await running(s);
    rows.push([n, up ? 'Running' : 'Stopped', up ? urlOf(up.port) : '', s.username ? `basic (${s.username})` : 'none', s.dir, listRepositories(s.dir).join(',')]);
  }
  process.stdout.write(formatTable(['name', 'status', 'url', 'auth', 'directory', 'repositories'], rows));
}

export function registerGitServer(program: Command): void {
  const cmd = program.command('git-server').description('serve local git repositories over HTTP on 127.0.0.1 (clone, fetch, push)');
  cmd
    .command('start')
    .description('start a git server; prints its URL on stdout once it is ready')
    .argument('[name]', 'server name', DEFAULT_GIT_SERVER)
    .option('--port <port>', 'port to listen on at 127.0.0.1 (default: the previous one, else a free one)')
    .option('--dir <dir>', 'directory of the bare repositories (default: $FLUXION_HOME/git-servers/NAME/repositories)')
    .option('--detach', 'run in the background and return once the server is ready')
    .option('--username <name>', 'ask basic auth credentials for this user on every request')
    .option('--password <password>', `the password for --username (or ${PASSWORD_ENV} in the environment)`)
    .action((name: string, opts: StartOptions) => start(name, opts));
  cmd
    .command('stop')
    .description('stop a running git server (its repositories stay)')
    .argument('[name]', 'server name', DEFAULT_GIT_SERVER)
    .action((name: string) => stop(name));
  cmd
    .command('delete')
    .description('stop a git server and remove its state and the repositories kept there')
    .argument('[name]', 'server name', DEFAULT_GIT_SERVER)
    .action((name: string) => remove(name));
  cmd
    .command('list')
    .description('list git servers')
    .action(() => list());
}
