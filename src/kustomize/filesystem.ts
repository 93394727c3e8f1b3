/** The file-system view a build reads from: the disk, or an in-memory tree for tests and previews. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileSystem {
  readFile(p: string): Buffer;
  isDir(p: string): boolean;
  exists(p: string): boolean;
  /** Entries of a directory, sorted by name. */
  readDir(p: string): string[];
  /** The path with symlinks resolved (the path itself when there are none). */
  realPath(p: string): string;
}

export const diskFileSystem: FileSystem = {
  readFile: (p) => fs.readFileSync(p),
  isDir: (p) => {
    try {
      return fs.statSync(p).isDirectory();
    } catch {
      return false;
    }
  },
  exists: (p) => fs.existsSync(p),
  readDir: (p) => fs.readdirSync(p).sort(),
  realPath: (p) => fs.realpathSync(p),
};

/** An in-memory tree: keys are absolute paths of files, values their contents. */
export function memoryFileSystem(files: Record<string, string | Buffer>): FileSystem {
  const normalized = new Map<string, Buffer>();
  const dirs = new Set<string>(['/']);
  for (const [p, content] of Object.entries(files)) {
    const abs = path.posix.resolve('/', p);
    normalized.set(abs, typeof content === 'string' ? Buffer.from(content) : content);
    for (let d = path.posix.dirname(abs); ; d = path.posix.dirname(d)) {
      dirs.add(d);
      if (d === '/') break;
    }
  }
  return {
    readFile: (p) => {
      const b = normalized.get(p);
      if (!b) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
      return b;
    },
    isDir: (p) => dirs.has(p),
    exists: (p) => dirs.has(p) || normalized.has(p),
    readDir: (p) => {
      const prefix = p.endsWith('/') ? p : `${p}/`;
      const names = new Set<string>();
      for (const k of [...normalized.keys(), ...dirs]) {
        if (k.startsWith(prefix) && k.length > prefix.length) names.add(k.slice(prefix.length).split('/')[0]!);
      }
      return [...names].sort();
    },
    realPath: (p) => p,
  };
}
