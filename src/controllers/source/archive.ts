/**
 * Flux's artifact archive: a gzip'd tar of a directory that depends only on the content.
 * Entries are walked in byte order of their names; only regular files and directories are
 * stored (symlinks pointing inside the tree are stored as what they point to, the others
 * are dropped); owners, names of owners and times are zeroed; modes are Flux's: 0750 for
 * directories, 0700 for executable files, 0600 for the rest. The root is the entry ".".
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { lstat, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface ArchiveEntryFilter {
  /** True when the entry (path segments relative to the root) is left out. */
  excludes(path: string[], isDir: boolean): boolean;
}

export interface ArchiveResult {
  /** `sha256:<hex>` of the .tar.gz file. */
  digest: string;
  size: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width includes the trailing NUL, as Go's tar writer formats numeric fields.
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function writeString(buf: Buffer, offset: number, width: number, s: string): void {
  buf.write(s, offset, Math.min(width, Buffer.byteLength(s)), 'utf8');
}

function paxRecord(key: string, value: string): string {
  // "<len> <key>=<value>\n" where len counts itself.
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/** Splits a long name into USTAR's prefix (≤155) and name (≤100) at a slash, if possible. */
function splitUstar(name: string): [string, string] | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return ['', name];
  if (bytes > 256) return undefined;
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [prefix, rest];
  }
  return undefined;
}

function header(name: string, type: '0' | '5' | 'x', mode: number, size: number, prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, name);
  writeString(h, 100, 8, octal(mode, 8));
  writeString(h, 108, 8, octal(0, 8));
  writeString(h, 116, 8, octal(0, 8));
  writeString(h, 124, 12, octal(size, 12));
  writeString(h, 136, 12, octal(0, 12));
  h.fill(' ', 148, 156);
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  writeString(h, 329, 8, octal(0, 8));
  writeString(h, 337, 8, octal(0, 8));
  writeString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

/** The header block(s) for one entry; a PAX record carries names USTAR cannot hold. */
function entryHeaders(name: string, type: '0' | '5', mode: number, size: number): Buffer[] {
  const split = splitUstar(name);
  if (split) return [header(split[1], type, mode, size, split[0])];
  const pax = Buffer.from(paxRecord('path', name), 'utf8');
  const base = name.slice(name.lastIndexOf('/') + 1);
  const paxName = `PaxHeaders.0/${base}`.slice(0, 99);
  const padded = Buffer.alloc(Math.ceil(pax.length / BLOCK) * BLOCK);
  pax.copy(padded);
  return [header(paxName, 'x', 0o644, pax.length), padded, header(Buffer.from(name).subarray(0, 100).toString('utf8'), type, mode, size)];
}

interface Entry {
  /** Path segments relative to the root. */
  rel: string[];
  abs: string;
  dir: boolean;
  mode: number;
  size: number;
}

function byteOrder(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

/** Lists what goes into the archive, in order, resolving in-tree symlinks. */
export async function collectEntries(root: string, filter?: ArchiveEntryFilter): Promise<Entry[]> {
  const realRoot = await realpath(root);
  const out: Entry[] = [{ rel: [], abs: root, dir: true, mode: 0o750, size: 0 }];
  async function walk(absDir: string, rel: string[], active: Set<string>): Promise<void> {
    const names = (await readdir(absDir)).sort(byteOrder);
    for (const name of names) {
      const abs = join(absDir, name);
      const path = [...rel, name];
      let st: Stats = await lstat(abs);
      let target = abs;
      if (st.isSymbolicLink()) {
        // Flux copies symlinks that stay inside the tree over themselves before archiving.
        let real: string;
        try {
          real = await realpath(abs);
        } catch {
          continue;
        }
        if (real !== realRoot && !real.startsWith(realRoot + sep)) continue;
        if (active.has(real)) continue;
        st = await stat(real);
        target = real;
      }
      if (!st.isFile() && !st.isDirectory()) continue;
      if (filter?.excludes(path, st.isDirectory())) continue;
      if (st.isDirectory()) {
        out.push({ rel: path, abs: target, dir: true, mode: 0o750, size: 0 });
        const real = await realpath(target);
        active.add(real);
        await walk(target, path, active);
        active.delete(real);
      } else {
        out.push({ rel: path, abs: target, dir: false, mode: st.mode & 0o100 ? 0o700 : 0o600, size: st.size });
      }
    }
  }
  await walk(root, [], new Set([realRoot]));
  return out;
}

/** Streams the tar (uncompressed) of the entries into `sink`. */
async function writeTar(entries: Entry[], sink: Writable): Promise<void> {
  const write = (b: Buffer) => (sink.write(b) ? Promise.resolve() : new Promise<void>((r) => sink.once('drain', () => r())));
  for (const e of entries) {
    const name = e.rel.length === 0 ? '.' : e.rel.join('/');
    for (const h of entryHeaders(name, e.dir ? '5' : '0', e.mode, e.dir ? 0 : e.size)) await write(h);
    if (e.dir) continue;
    let written = 0;
    for await (const chunk of createReadStream(e.abs)) {
      // A file that grew while archiving is cut at the size in its header.
      const c = chunk as Buffer;
      const take = Math.min(c.length, e.size - written);
      if (take > 0) await write(c.subarray(0, take));
      written += take;
    }
    if (written < e.size) await write(Buffer.alloc(e.size - written));
    const pad = (BLOCK - (e.size % BLOCK)) % BLOCK;
    if (pad) await write(Buffer.alloc(pad));
  }
  await write(Buffer.alloc(BLOCK * 2));
  sink.end();
}

/**
 * Archives `dir` into `file` (written to a temporary name, then renamed, mode 0600) and
 * returns its sha256 digest and size.
 */
export async function archiveDirectory(dir: string, file: string, filter?: ArchiveEntryFilter): Promise<ArchiveResult> {
  const entries = await collectEntries(dir, filter);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const gzip = createGzip({ level: 6 });
  try {
    const producing = writeTar(entries, gzip).catch((e: unknown) => {
      gzip.destroy(e as Error);
      throw e;
    });
    await Promise.all([producing, pipeline(gzip, tap, createWriteStream(tmp, { mode: 0o600 }))]);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** sha256 of a file, as `sha256:<hex>`. */
export async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return `sha256:${hash.digest('hex')}`;
}

export function relativeSegments(root: string, abs: string): string[] {
  const r = relative(root, abs);
  return r === '' ? [] : r.split(sep);
}
