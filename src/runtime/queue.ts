/**
 * The work queue between informers and reconcilers, with controller-runtime's guarantees:
 *  - a key waiting in the queue is there once, however often it is added (de-duplication);
 *  - a key being reconciled is never handed to a second worker; added meanwhile, it comes
 *    back once the first worker is done;
 *  - addAfter keeps the earliest wake-up per key;
 *  - addRateLimited backs a key off exponentially (750 ms doubling up to 15 min by default)
 *    until forget() resets it after a success.
 */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 750, maxMs: 15 * 60_000 };

/** Per-key exponential backoff: base·2^failures, capped. */
export class ExponentialBackoff<K> {
  private readonly failures = new Map<K, number>();
  constructor(readonly opts: BackoffOptions = DEFAULT_BACKOFF) {}

  next(key: K): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    // 2^n overflows to Infinity long before it matters; min() caps it.
    return Math.min(this.opts.baseMs * 2 ** n, this.opts.maxMs);
  }

  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  forget(key: K): void {
    this.failures.delete(key);
  }
}

export interface QueueMetricsHooks<K> {
  added?(key: K): void;
  depth?(n: number): void;
  retried?(key: K): void;
  /** How long the key waited between being queued and being handed out. */
  waited?(ms: number): void;
}

export class WorkQueue<K = string> {
  private readonly queue: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly queuedAt = new Map<K, number>();
  private readonly delayed = new Map<K, { at: number; timer: NodeJS.Timeout }>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;
  readonly backoff: ExponentialBackoff<K>;

  constructor(
    backoff: BackoffOptions = DEFAULT_BACKOFF,
    private readonly hooks: QueueMetricsHooks<K> = {},
  ) {
    this.backoff = new ExponentialBackoff<K>(backoff);
  }

  /** Keys waiting to be handed out (not counting delayed or in-flight ones). */
  get length(): number {
    return this.queue.length - this.head;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  get pendingDelayed(): number {
    return this.delayed.size;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    // Queued now: a later wake-up for it has nothing left to do.
    const d = this.delayed.get(key);
    if (d) {
      clearTimeout(d.timer);
      this.delayed.delete(key);
    }
    this.dirty.add(key);
    this.hooks.added?.(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  private push(key: K): void {
    this.queuedAt.set(key, Date.now());
    const waiter = this.waiters.shift();
    if (waiter) {
      this.handOut(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
    this.hooks.depth?.(this.length);
  }

  private handOut(key: K): void {
    this.dirty.delete(key);
    this.processing.add(key);
    const at = this.queuedAt.get(key);
    if (at !== undefined) {
      this.hooks.waited?.(Date.now() - at);
      this.queuedAt.delete(key);
    }
  }

  /** Adds the key after a delay; an earlier pending wake-up for the same key wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    // Already queued (or re-queued while in flight): that run decides what comes next.
    if (this.dirty.has(key)) return;
    const at = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing) {
      if (existing.at <= at) return;
      clearTimeout(existing.timer);
    }
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { at, timer });
  }

  /** Adds the key after its next backoff delay; returns that delay. */
  addRateLimited(key: K): number {
    const delay = this.backoff.next(key);
    this.hooks.retried?.(key);
    this.addAfter(key, delay);
    return delay;
  }

  forget(key: K): void {
    this.backoff.forget(key);
  }

  /** The next key, waiting for one; undefined once the queue shuts down. */
  get(): Promise<K | undefined> {
    if (this.length > 0) {
      const key = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.handOut(key);
      this.hooks.depth?.(this.length);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks the key finished; if it was added meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const d of this.delayed.values()) clearTimeout(d.timer);
    this.delayed.clear();
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
