/**
 * Getting a source's artifact onto disk: download over HTTP with a timeout and a size limit,
 * check the bytes against the digest the source advertises, unpack safely (untar refuses
 * paths that leave the directory and skips links). Unpacked trees are kept per digest and
 * shared read-only by every Kustomization of the same revision: builds never write to
 * them (Flux's edits of kustomization.yaml happen in memory).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { untarBuffer, UntarError } from '../source/untar.js';

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

export interface ArtifactRef {
  url: string;
  /** `sha256:<hex>` (Flux v1 sources); older sources carry only a checksum. */
  digest?: string;
  revision: string;
}

export interface FetchLimits {
  timeoutMs: number;
  /** Largest download accepted. */
  maxDownloadBytes: number;
  /** Largest unpacked size accepted. */
  maxUnpackedBytes: number;
}

const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 60_000, maxDownloadBytes: 256 << 20, maxUnpackedBytes: 1 << 30 };

/** Downloads the artifact and checks it against its digest; returns the bytes. */
export async function downloadArtifact(ref: ArtifactRef, limits: Partial<FetchLimits> = {}): Promise<Buffer> {
  const { timeoutMs, maxDownloadBytes } = { ...DEFAULT_LIMITS, ...limits };
  let res: Response;
  try {
    res = await fetch(ref.url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new ArtifactError(`failed to download artifact from ${ref.url}: ${(e as Error).message}`);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new ArtifactError(`failed to download artifact from ${ref.url}, status: ${res.status} ${res.statusText}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxDownloadBytes) throw new ArtifactError(`artifact from ${ref.url} is larger than ${maxDownloadBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  const data = Buffer.concat(chunks);
  verifyDigest(data, ref);
  return data;
}

/** Throws unless the bytes match `ref.digest` (when the source gives one). */
export function verifyDigest(data: Buffer, ref: ArtifactRef): void {
  if (!ref.digest) return;
  const colon = ref.digest.indexOf(':');
  const algo = colon < 0 ? 'sha256' : ref.digest.slice(0, colon);
  const want = colon < 0 ? ref.digest : ref.digest.slice(colon + 1);
  if (!['sha256', 'sha384', 'sha512', 'sha1'].includes(algo)) throw new ArtifactError(`unsupported digest algorithm '${algo}' in '${ref.digest}'`);
  const got = createHash(algo).update(data).digest('hex');
  if (got !== want) throw new ArtifactError(`failed to verify artifact: computed digest doesn't match '${ref.digest}'`);
}

interface Entry {
  dir: string;
  users: number;
  lastUsed: number;
  ready: Promise<string>;
}

/**
 * Unpacked artifacts by digest, with reference counts: an entry in use is never removed;
 * idle ones beyond `keep` are, oldest first.
 */
export class ArtifactWorkspace {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly keep = 16,
    private readonly limits: Partial<FetchLimits> = {},
  ) {}

  /** The unpacked tree of the artifact; call the returned release when done with it. */
  async acquire(ref: ArtifactRef): Promise<{ dir: string; release(): void }> {
    const key = ref.digest ?? `${ref.url}#${ref.revision}`;
    let entry = this.entries.get(key);
    if (!entry) {
      const created: Entry = { dir: '', users: 0, lastUsed: Date.now(), ready: this.unpack(ref).then((d) => (created.dir = d)) };
      entry = created;
      this.entries.set(key, entry);
      entry.ready.catch(() => this.entries.delete(key));
    }
    entry.users++;
    try {
      const dir = await entry.ready;
      let released = false;
      const e = entry;
      return {
        dir,
        release: () => {
          if (released) return;
          released = true;
          e.users--;
          e.lastUsed = Date.now();
          void this.evict();
        },
      };
    } catch (err) {
      entry.users--;
      throw err;
    }
  }

  private async unpack(ref: ArtifactRef): Promise<string> {
    const data = await downloadArtifact(ref, this.limits);
    const dir = await mkdtemp(join(tmpdir(), 'fluxion-artifact-'));
    try {
      await untarBuffer(data, dir, this.limits.maxUnpackedBytes ?? DEFAULT_LIMITS.maxUnpackedBytes);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw new ArtifactError(`failed to extract artifact ${ref.url}: ${e instanceof UntarError ? e.message : (e as Error).message}`);
    }
    return dir;
  }

  private async evict(): Promise<void> {
    const idle = [...this.entries.entries()].filter(([, e]) => e.users === 0 && e.dir).sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    while (idle.length > this.keep) {
      const [key, e] = idle.shift()!;
      this.entries.delete(key);
      await rm(e.dir, { recursive: true, force: true });
    }
  }

  /** Removes every unpacked tree (on shutdown). */
  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    const dirs = await Promise.all(all.map((e) => e.ready.catch(() => undefined)));
    await Promise.all(dirs.filter((d): d is string => !!d).map((d) => rm(d, { recursive: true, force: true }).catch(() => {})));
  }
}
