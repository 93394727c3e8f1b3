/**
 * What the verbs that run local servers in the background (`cluster`, `git-server`) keep under
 * $FLUXION_HOME: a state file per server written atomically and readable only by its owner,
 * DNS-label names, and whether a recorded process still runs.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CliError } from './common.js';

export function fluxionHome(): string {
  return process.env.FLUXION_HOME || join(homedir(), '.fluxion');
}

export function readStateFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a state. */
export function writeStateFile(path: string, state: unknown): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Whether a process runs (a zombie left by an exited parent does not count). */
export function processAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Server names become directory names and kubeconfig entries: DNS labels only. */
export function checkServerName(name: string, what: string): void {
  if (!NAME_RE.test(name) || name.length > 63) {
    throw new CliError(`invalid ${what} name '${name}': use lower case letters, digits and '-' (at most 63 characters)`);
  }
}
