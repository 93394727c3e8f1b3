/**
 * File-system views for building a source: Flux's secure file system (nothing outside the
 * artifact root is read, whatever the kustomization says) and an overlay that adds or
 * replaces files in memory, so the generated kustomization.yaml never touches the disk.
 */
import * as path from 'node:path';
import type { FileSystem } from '../../kustomize/filesystem.js';

/** `base` with some files added or replaced (keys are absolute paths). */
export function overlayFileSystem(base: FileSystem, files: Record<string, string | Buffer>): FileSystem {
  const added = new Map<string, Buffer>();
  // Names each added file brings into its ancestors' listings.
  const children = new Map<string, Set<string>>();
  for (const [p, content] of Object.entries(files)) {
    const abs = path.resolve(p);
    added.set(abs, typeof content === 'string' ? Buffer.from(content) : content);
    for (let child = abs, dir = path.dirname(abs); child !== dir; child = dir, dir = path.dirname(dir)) {
      let names = children.get(dir);
      if (!names) children.set(dir, (names = new Set()));
      names.add(path.basename(child));
    }
  }
  return {
    readFile: (p) => added.get(p) ?? base.readFile(p),
    isDir: (p) => !added.has(p) && (children.has(p) || base.isDir(p)),
    exists: (p) => added.has(p) || children.has(p) || base.exists(p),
    readDir: (p) => {
      const names = new Set(base.isDir(p) ? base.readDir(p) : []);
      for (const n of children.get(p) ?? []) names.add(n);
      return [...names].sort();
    },
    realPath: (p) => (added.has(p) || (children.has(p) && !base.exists(p)) ? p : base.realPath(p)),
  };
}

/** A path handed to the secure file system lies outside its root. */
export class ConstraintError extends Error {
  constructor(op: string, p: string, root: string) {
    super(`fs-security-constraint ${op} ${p}: path '${p}' is not in or below '${root}'`);
    this.name = 'ConstraintError';
  }
}

/** `f` with its answers (and failures) kept per path. */
function remembered<T>(f: (p: string) => T): (p: string) => T {
  const known = new Map<string, { ok: true; value: T } | { ok: false; error: unknown }>();
  return (p) => {
    let r = known.get(p);
    if (!r) {
      try {
        r = { ok: true, value: f(p) };
      } catch (error) {
        r = { ok: false, error };
      }
      known.set(p, r);
    }
    if (!r.ok) throw r.error;
    return r.value;
  };
}

/**
 * `base` confined to `root`, as Flux's secure file system: outside it, files do not exist
 * and reads fail. A path counts as inside when its directory (after symlinks) is. A view
 * serves one build of a tree that does not change under it (artifacts are unpacked once and
 * never written), so what it learns of paths — existence, kind, real path — is kept for the
 * view's life rather than asked of the disk on every lookup.
 */
export function rootedFileSystem(disk: FileSystem, root: string): FileSystem {
  const base: FileSystem = {
    readFile: (p) => disk.readFile(p),
    readDir: (p) => disk.readDir(p),
    exists: remembered((p) => disk.exists(p)),
    isDir: remembered((p) => disk.isDir(p)),
    realPath: remembered((p) => disk.realPath(p)),
  };
  const realRoot = base.realPath(path.resolve(root));
  const prefix = realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep;
  const secure = remembered((p: string): boolean => {
    const abs = path.resolve(p);
    let dir = path.dirname(abs);
    if (base.exists(abs)) {
      let real: string;
      try {
        real = base.realPath(abs);
      } catch {
        return false;
      }
      dir = base.isDir(real) ? real : path.dirname(real);
    }
    return dir === realRoot || dir.startsWith(prefix);
  });
  return {
    readFile: (p) => {
      if (!secure(p)) throw new ConstraintError('read', p, realRoot);
      return base.readFile(p);
    },
    isDir: (p) => secure(p) && base.isDir(p),
    exists: (p) => secure(p) && base.exists(p),
    readDir: (p) => {
      if (!secure(p)) throw new ConstraintError('open', p, realRoot);
      return base.readDir(p);
    },
    realPath: (p) => base.realPath(p),
  };
}

/**
 * `unsafe` joined to `root` as if root were '/': `..` stops at the root (Flux resolves
 * `spec.path` with filepath-securejoin). Absolute paths are taken from the root too.
 */
export function secureJoin(root: string, unsafe: string): string {
  const parts: string[] = [];
  for (const part of unsafe.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return path.join(path.resolve(root), ...parts);
}
