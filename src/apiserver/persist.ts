/**
 * Durability for `--data-dir`: a snapshot plus an append-only log of changes. Each change is
 * written to the log before the request that made it is answered, so an acknowledged write
 * survives `kill -9`; on start the snapshot and the log are replayed and compacted into a
 * new snapshot.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ValueMap } from '../yaml/types.js';
import type { ChangeSink, Store, StoreEvent } from './store.js';
import { toJson } from './json.js';

interface LogRecord {
  rv: number;
  s: string;
  ns: string;
  n: string;
  o?: ValueMap;
}

interface Snapshot {
  rv: number;
  objects: { s: string; o: ValueMap }[];
}

export class FileStore implements ChangeSink {
  private fd: number | undefined;
  private records = 0;

  constructor(
    private readonly dir: string,
    private readonly store: Store,
    private readonly compactEvery = 20000,
  ) {}

  private get snapshotPath(): string {
    return join(this.dir, 'snapshot.json');
  }

  private get logPath(): string {
    return join(this.dir, 'changes.jsonl');
  }

  /** Loads the snapshot and the log into the store, then starts a fresh log. */
  open(): number {
    mkdirSync(this.dir, { recursive: true });
    let loaded = 0;
    if (existsSync(this.snapshotPath)) {
      const snap = JSON.parse(readFileSync(this.snapshotPath, 'utf8')) as Snapshot;
      for (const { s, o } of snap.objects) {
        const m = o.metadata as ValueMap;
        this.store.restore(s, o, String(m.namespace ?? ''), String(m.name ?? ''), Number(m.resourceVersion ?? 0));
        loaded++;
      }
      this.store.restore('', undefined, '', '', snap.rv);
    }
    if (existsSync(this.logPath)) {
      const lines = readFileSync(this.logPath, 'utf8').split('\n');
      for (const line of lines) {
        if (line.trim() === '') continue;
        let r: LogRecord;
        try {
          r = JSON.parse(line) as LogRecord;
        } catch {
          break; // a torn last line: the write was never acknowledged
        }
        this.store.restore(r.s, r.o, r.ns, r.n, r.rv);
        loaded++;
      }
    }
    this.compact();
    return loaded;
  }

  /** Writes the whole store as a new snapshot and empties the log. */
  compact(): void {
    const objects: { s: string; o: ValueMap }[] = [];
    for (const s of this.store.storageKeys()) for (const o of this.store.list(s)) objects.push({ s, o });
    const tmp = `${this.snapshotPath}.tmp`;
    writeFileSync(tmp, toJson({ rv: this.store.currentRv(), objects }));
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.snapshotPath);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = openSync(this.logPath, 'w');
    this.records = 0;
  }

  record(e: StoreEvent): void {
    if (this.fd === undefined) return;
    const r: LogRecord = { rv: e.rv, s: e.storage, ns: e.namespace, n: e.name };
    if (e.type !== 'DELETED') r.o = e.object;
    writeSync(this.fd, `${toJson(r)}\n`);
    if (++this.records >= this.compactEvery) queueMicrotask(() => this.compact());
  }

  close(): void {
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
