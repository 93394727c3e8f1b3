/**
 * Reads files for a build from one root, as kustomize's file loader: files must lie in or
 * below the root unless the restrictor is LoadRestrictionsNone; directories become new roots,
 * and a root may not contain one it was reached from (a cycle).
 */
import * as path from 'node:path';
import { KustomizeError } from './errors.js';
import type { FileSystem } from './filesystem.js';
import type { RemoteFetcher } from './remote.js';

export type LoadRestrictor = 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';

export interface LoaderOptions {
  fs: FileSystem;
  restrictor: LoadRestrictor;
  remote?: RemoteFetcher;
}

export function isRemoteUrl(p: string): boolean {
  return /^https?:\/\//.test(p) || /^git@/.test(p) || /^(ssh|git|file):\/\//.test(p) || /^github\.com\//.test(p);
}

export class Loader {
  private constructor(
    readonly root: string,
    readonly options: LoaderOptions,
    /** Roots this one was reached from, outermost first. */
    readonly ancestors: string[],
  ) {}

  static atRoot(dir: string, options: LoaderOptions): Loader {
    const abs = path.resolve(dir);
    if (!options.fs.exists(abs)) throw new KustomizeError(`must build at directory: not a valid directory: evalsymlink failure on '${dir}' : lstat ${abs}: no such file or directory`);
    const real = options.fs.realPath(abs);
    if (!options.fs.isDir(real)) throw new KustomizeError(`must build at directory: '${abs}': file is not directory`);
    return new Loader(real, options, []);
  }

  /** Reads a file named relative to the root. */
  load(p: string): Buffer {
    if (/^https?:\/\//.test(p)) {
      if (!this.options.remote) throw new KustomizeError(`remote resource '${p}' refused: remote bases are disabled`);
      return this.options.remote.fetchFile(p);
    }
    const { abs, real } = this.resolve(p);
    if (this.options.fs.isDir(real)) throw new KustomizeError(`'${abs}' must resolve to a file`);
    if (this.options.restrictor === 'LoadRestrictionsRootOnly' && !isWithin(real, this.root)) {
      throw new KustomizeError(`security; file '${abs}' is not in or below '${this.root}'`);
    }
    return this.options.fs.readFile(real);
  }

  /** A loader rooted at a directory (or a remote base) named relative to this root. */
  child(p: string): Loader {
    if (isRemoteUrl(p)) {
      if (!this.options.remote) throw new KustomizeError(`remote resource '${p}' refused: remote bases are disabled`);
      const dir = this.options.remote.fetchRepo(p);
      return new Loader(dir, this.options, [...this.ancestors, this.root]);
    }
    const { abs, real } = this.resolve(p);
    if (!this.options.fs.isDir(real)) throw new KustomizeError(`'${abs}' must resolve to a directory`);
    for (const visited of [...this.ancestors, this.root]) {
      if (isWithin(visited, real)) {
        throw new KustomizeError(`cycle detected: candidate root '${real}' contains visited root '${visited}'`);
      }
    }
    return new Loader(real, this.options, [...this.ancestors, this.root]);
  }

  /** A path named relative to the root, and where it leads once symlinks are followed. */
  private resolve(p: string): { abs: string; real: string } {
    const abs = path.isAbsolute(p) ? path.normalize(p) : path.join(this.root, p);
    try {
      return { abs, real: this.options.fs.realPath(abs) };
    } catch {
      throw new KustomizeError(`evalsymlink failure on '${abs}' : lstat ${abs}: no such file or directory`);
    }
  }

  /** The kustomization file of this root, or undefined. */
  kustomizationFile(names: string[]): string | undefined {
    const found = names.filter((n) => {
      const p = path.join(this.root, n);
      return this.options.fs.exists(p) && !this.options.fs.isDir(p);
    });
    if (found.length > 1) {
      throw new KustomizeError(`Found multiple kustomization files under: ${this.root}`);
    }
    return found[0];
  }

  isDir(p: string): boolean {
    return this.options.fs.isDir(path.isAbsolute(p) ? p : path.join(this.root, p));
  }

  /** The chain of roots, outermost first, ending with this one (for cycle messages). */
  chain(): string[] {
    return [...this.ancestors, this.root];
  }
}

function isWithin(p: string, root: string): boolean {
  if (p === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return p.startsWith(prefix);
}
