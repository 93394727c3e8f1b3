/**
 * Artifact storage, laid out as Flux lays it out: `<kind>/<namespace>/<name>/<file>` under
 * --storage-path, advertised as `http://<storage-adv-addr>/<path>`. Archives are written
 * atomically; garbage collection keeps the newest --artifact-retention-records files of an
 * object and removes older ones once they are past --artifact-retention-ttl.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join, normalize, sep } from 'node:path';
import type { Artifact } from '../../api/meta.js';
import { archiveDirectory, fileDigest, type ArchiveEntryFilter } from './archive.js';

export interface StorageOptions {
  basePath: string;
  /** host[:port] written into artifact URLs. */
  hostname: string;
  retentionRecords?: number;
  retentionTtlMs?: number;
}

export class StorageError extends Error {
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

function kubeTime(d = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export class Storage {
  readonly basePath: string;
  hostname: string;
  readonly retentionRecords: number;
  readonly retentionTtlMs: number;

  constructor(opts: StorageOptions) {
    this.basePath = normalize(opts.basePath);
    this.hostname = opts.hostname;
    this.retentionRecords = opts.retentionRecords ?? 2;
    this.retentionTtlMs = opts.retentionTtlMs ?? 60_000;
  }

  /** The relative path of an object's artifact file. */
  artifactPath(kind: string, namespace: string, name: string, file: string): string {
    return `${kind.toLowerCase()}/${namespace}/${name}/${file}`;
  }

  urlFor(path: string): string {
    return `http://${this.hostname}/${path}`;
  }

  /** The file of a relative path, refusing anything that would leave the storage root. */
  localPath(path: string): string {
    const p = normalize(join(this.basePath, path));
    if (p !== this.basePath && !p.startsWith(this.basePath + sep)) throw new StorageError(`path '${path}' is outside the storage root`, 'InvalidPath');
    return p;
  }

  async exists(artifact: Artifact): Promise<boolean> {
    try {
      return (await stat(this.localPath(artifact.path))).isFile();
    } catch {
      return false;
    }
  }

  /** Checks the stored file against the artifact's digest; returns an error message or undefined. */
  async verify(artifact: Artifact): Promise<string | undefined> {
    if (!artifact.digest) return 'artifact has no digest';
    const actual = await fileDigest(this.localPath(artifact.path));
    return actual === artifact.digest ? undefined : `computed digest doesn't match '${artifact.digest}'`;
  }

  /** Archives a directory as the artifact at `path`; returns the complete artifact. */
  async archive(dir: string, path: string, revision: string, filter?: ArchiveEntryFilter): Promise<Artifact> {
    const file = this.localPath(path);
    try {
      await mkdir(dirname(file), { recursive: true, mode: 0o750 });
    } catch (e) {
      throw new StorageError(`failed to create artifact directory: ${(e as Error).message}`, 'DirectoryCreationFailed');
    }
    let result: { digest: string; size: number };
    try {
      result = await archiveDirectory(dir, file, filter);
    } catch (e) {
      throw new StorageError(`unable to archive artifact to storage: ${(e as Error).message}`, 'ArchiveOperationFailed');
    }
    return { digest: result.digest, lastUpdateTime: kubeTime(), path, revision, size: result.size, url: this.urlFor(path) };
  }

  /**
   * Removes the object's old artifact files: those past the TTL, and beyond that the
   * oldest until at most `retentionRecords` remain. The current artifact is never removed.
   */
  async garbageCollect(current: Artifact, now = Date.now()): Promise<string[]> {
    const dir = dirname(this.localPath(current.path));
    const keep = this.localPath(current.path);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const files: { path: string; mtime: number }[] = [];
    for (const n of names) {
      if (n.endsWith('.lock') || n.includes('.tmp-')) continue;
      const p = join(dir, n);
      try {
        const st = await stat(p);
        if (st.isFile()) files.push({ path: p, mtime: st.mtimeMs });
      } catch {
        /* vanished */
      }
    }
    files.sort((a, b) => a.mtime - b.mtime);
    const garbage = new Set(files.filter((f) => f.path !== keep && now - f.mtime > this.retentionTtlMs).map((f) => f.path));
    let remaining = files.length - garbage.size;
    for (const f of files) {
      if (remaining <= this.retentionRecords) break;
      if (f.path === keep || garbage.has(f.path)) continue;
      garbage.add(f.path);
      remaining--;
    }
    const deleted: string[] = [];
    for (const p of garbage) {
      try {
        await rm(p);
        deleted.push(p);
      } catch {
        /* best effort */
      }
    }
    return deleted;
  }

  /** Removes every artifact of an object (on deletion); returns the directory if it existed. */
  async removeAll(kind: string, namespace: string, name: string): Promise<string | undefined> {
    const dir = this.localPath(`${kind.toLowerCase()}/${namespace}/${name}`);
    try {
      await stat(dir);
    } catch {
      return undefined;
    }
    await rm(dir, { recursive: true, force: true });
    return dir;
  }
}
