/**
 * Fetches remote resources as kustomize does: `https://` files over HTTP, and git repositories
 * named by kustomize's URL forms (`https://host/org/repo//path?ref=v1`, `github.com/org/repo/path`,
 * `git@host:org/repo.git//path`, `file:///path/repo.git//path`). Timeouts and size limits apply;
 * the build stays synchronous, so the HTTP fetch runs in a short-lived child process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GitError, scrubCredentials, shallowCloneSync } from '../git/cli.js';
import { KustomizeError } from './errors.js';
import type { RemoteFetcher } from './remote.js';

export interface RemoteLimits {
  timeoutMs: number;
  maxBytes: number;
}

const DEFAULT_LIMITS: RemoteLimits = { timeoutMs: 60_000, maxBytes: 32 << 20 };

const FETCH_SCRIPT = `
const [url, max, timeout] = process.argv.slice(1);
const ctl = AbortSignal.timeout(Number(timeout));
const res = await fetch(url, { signal: ctl, redirect: 'follow' });
if (!res.ok) { process.stderr.write('HTTP Error: status code ' + res.status + ' (' + res.statusText + ')'); process.exit(3); }
const chunks = []; let n = 0;
for await (const c of res.body) { n += c.length; if (n > Number(max)) { process.stderr.write('response larger than ' + max + ' bytes'); process.exit(4); } chunks.push(c); }
process.stdout.write(Buffer.concat(chunks));
`;

export interface RepoSpec {
  cloneUrl: string;
  subPath: string;
  ref?: string;
}

/** Splits kustomize's remote base forms into what to clone, which ref, and the path inside. */
export function parseRepoUrl(raw: string): RepoSpec {
  let url = raw;
  let ref: string | undefined;
  const q = url.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(url.slice(q + 1));
    ref = params.get('ref') ?? params.get('version') ?? undefined;
    url = url.slice(0, q);
  }
  if (/^github\.com\//.test(url)) url = `https://${url}`;
  let subPath = '';
  const scheme = url.match(/^[a-z]+:\/\//)?.[0] ?? '';
  const rest = url.slice(scheme.length);
  const dbl = rest.indexOf('//');
  let repoPart = rest;
  if (dbl >= 0) {
    repoPart = rest.slice(0, dbl);
    subPath = rest.slice(dbl + 2);
  } else if (/^(https?:\/\/)?(github\.com|gitlab\.com|bitbucket\.org)\//.test(url)) {
    // host/org/repo/path...: the first two segments after the host name the repository.
    const segs = rest.split('/');
    repoPart = segs.slice(0, 3).join('/');
    subPath = segs.slice(3).join('/');
  } else {
    const git = rest.indexOf('.git/');
    if (git >= 0) {
      repoPart = rest.slice(0, git + 4);
      subPath = rest.slice(git + 5);
    }
  }
  return { cloneUrl: scheme + repoPart, subPath, ref };
}

export function remoteFetcher(limits: Partial<RemoteLimits> = {}): RemoteFetcher & { cleanup(): void } {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const dirs: string[] = [];
  return {
    fetchFile(url: string): Buffer {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', FETCH_SCRIPT, url, String(lim.maxBytes), String(lim.timeoutMs)], {
        timeout: lim.timeoutMs + 5_000,
        maxBuffer: lim.maxBytes + 1024,
      });
      if (r.status !== 0) {
        const why = r.error ? r.error.message : r.stderr.toString().trim().split('\n').pop() ?? 'failed';
        throw new KustomizeError(`${scrubCredentials(url)}: ${scrubCredentials(why)}`);
      }
      return r.stdout;
    },
    fetchRepo(url: string): string {
      const spec = parseRepoUrl(url);
      const dir = mkdtempSync(path.join(tmpdir(), 'fluxion-remote-'));
      dirs.push(dir);
      try {
        shallowCloneSync(spec.cloneUrl, dir, spec.ref, { timeoutMs: lim.timeoutMs });
      } catch (e) {
        throw new KustomizeError(`fetching remote base ${scrubCredentials(url)}: ${e instanceof GitError ? e.message : String(e)}`);
      }
      const target = path.resolve(dir, spec.subPath);
      if (target !== dir && !target.startsWith(dir + path.sep)) throw new KustomizeError(`remote base ${url}: path escapes the repository`);
      return target;
    },
    cleanup(): void {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}
