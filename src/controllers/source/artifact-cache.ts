/**
 * Archives already built, by what determines their bytes: the remote, the commit and the
 * ignore rules (objects with includes, submodules or sparse checkouts are not shared).
 * Many GitRepositories often point at one repository; the archive is reproducible, so the
 * second object at the same commit gets a hard link to the first one's file instead of a
 * clone — after proving, with its own credentials, that it can read the remote (ls-remote).
 */
import { copyFile, link, rm } from 'node:fs/promises';

export interface CachedArchive {
  /** Absolute path of a stored artifact holding the archive. */
  file: string;
  digest: string;
  size: number;
  /** The commit message, for the NewArtifact event. */
  message?: string;
}

export function archiveKey(url: string, hash: string, ignore: string | undefined): string {
  return `${url}\0${hash}\0${ignore === undefined ? '\u0001' : ignore}`;
}

export class ArchiveCache {
  private readonly entries = new Map<string, CachedArchive>();
  hits = 0;

  constructor(private readonly capacity = 256) {}

  get(key: string): CachedArchive | undefined {
    const e = this.entries.get(key);
    if (e) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  set(key: string, value: CachedArchive): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Places the cached archive at `target` (hard link, or copy across devices); false if it is gone. */
  async materialize(key: string, target: string): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e) return false;
    await rm(target, { force: true });
    try {
      await link(e.file, target);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.entries.delete(key);
        return false;
      }
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EEXIST') throw err;
      await copyFile(e.file, target);
    }
    this.hits++;
    return true;
  }
}
