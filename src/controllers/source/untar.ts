/**
 * Safe extraction of artifact archives (GitRepository includes, Kustomization sources): regular files and
 * directories only, every path kept inside the target directory, PAX and GNU long names
 * understood, a size limit on what is written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

export class UntarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UntarError';
  }
}

function field(buf: Buffer, off: number, len: number): string {
  const raw = buf.subarray(off, off + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

function octal(buf: Buffer, off: number, len: number): number {
  const s = field(buf, off, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxPath(data: Buffer): string | undefined {
  let i = 0;
  let path: string | undefined;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(data.subarray(i, sp).toString('ascii'));
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    i += len;
  }
  return path;
}

/** Extracts a .tar.gz file into `dir` (created if needed). */
export async function untarFile(file: string, dir: string, maxBytes = 1 << 30): Promise<void> {
  await untarBuffer(await readFile(file), dir, maxBytes);
}

/** Extracts .tar.gz bytes into `dir`; more than `maxBytes` unpacked is an error. */
export async function untarBuffer(gz: Buffer, dir: string, maxBytes = 1 << 30): Promise<void> {
  let tar: Buffer;
  try {
    tar = gunzipSync(gz, { maxOutputLength: maxBytes });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UntarError(code === 'ERR_BUFFER_TOO_LARGE' ? `archive unpacks to more than ${maxBytes} bytes` : `not a gzip archive: ${(e as Error).message}`);
  }
  const root = normalize(dir);
  await mkdir(root, { recursive: true });
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const h = tar.subarray(off, off + 512);
    if (h.every((b) => b === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156]!) || '0';
    const prefix = field(h, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      longName = paxPath(body);
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    longName = undefined;
    if (type === 'g') continue;
    name = name.replace(/\/+$/, '');
    if (name === '' || name === '.') continue;
    const target = normalize(join(root, name));
    if (name.startsWith('/') || !target.startsWith(root + sep)) throw new UntarError(`illegal path in archive: '${name}'`);
    if (type === '5') await mkdir(target, { recursive: true });
    else if (type === '0' || type === '\0' || type === '7') {
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, body, { mode: octal(h, 100, 8) & 0o100 ? 0o700 : 0o600 });
    }
    // Links, devices and FIFOs are skipped: artifacts hold files and directories only.
  }
}
