/**
 * Container logs for the pods a WorkloadRunner backs: a bounded buffer of timestamped lines
 * per running workload, and the `pods/{name}/log` answer built from it with the kubelet's
 * query parameters (container, tailLines, sinceSeconds, sinceTime, timestamps, limitBytes,
 * follow). `kubectl logs` reads it as it reads a real kubelet's stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest } from './errors.js';

export interface LogLine {
  time: Date;
  text: string;
}

/** The last `capacity` lines a workload wrote; followers see new lines as they come. */
export class LogBuffer {
  private readonly ring: LogLine[] = [];
  private start = 0;
  private partial = '';
  private readonly followers = new Set<{ line: (l: LogLine) => void; end: () => void }>();
  closed = false;

  constructor(readonly capacity = 10_000) {}

  /** Appends text; complete lines become entries, a trailing fragment waits for its newline. */
  write(text: string, now = new Date()): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.push({ time: now, text: p });
  }

  private push(line: LogLine): void {
    if (this.ring.length < this.capacity) this.ring.push(line);
    else {
      this.ring[this.start] = line;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const f of this.followers) f.line(line);
  }

  /** Every kept line, oldest first. */
  lines(): LogLine[] {
    return [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
  }

  /** Calls `line` for each new line and `end` once the workload stops; returns an unsubscribe. */
  follow(line: (l: LogLine) => void, end: () => void): () => void {
    if (this.closed) {
      end();
      return () => {};
    }
    const f = { line, end };
    this.followers.add(f);
    return () => this.followers.delete(f);
  }

  /** The workload stopped: flush a partial line and end every follower. */
  close(): void {
    if (this.closed) return;
    if (this.partial !== '') {
      this.push({ time: new Date(), text: this.partial });
      this.partial = '';
    }
    this.closed = true;
    for (const f of [...this.followers]) f.end();
    this.followers.clear();
  }
}

/** Go's RFC3339Nano: fractional seconds without trailing zeros, as the kubelet prefixes lines. */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z');
}

/** Query booleans as Go's strconv.ParseBool reads them. */
const queryBool = (v: string | null) => v !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);

interface LogQuery {
  tailLines?: number;
  since?: number;
  timestamps: boolean;
  limitBytes?: number;
  follow: boolean;
}

function nonNegative(q: URLSearchParams, name: string, min = 0): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be ${min > 0 ? 'greater than 0' : 'greater than or equal to 0'}`);
  return n;
}

function parseQuery(q: URLSearchParams, now: Date): LogQuery {
  const sinceSeconds = nonNegative(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = now.getTime() - sinceSeconds * 1000;
  else if (sinceTime) {
    since = Date.parse(sinceTime);
    if (Number.isNaN(since)) throw badRequest(`sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: must be an RFC3339 time`);
  }
  return { tailLines: nonNegative(q, 'tailLines'), since, timestamps: queryBool(q.get('timestamps')), limitBytes: nonNegative(q, 'limitBytes', 1), follow: queryBool(q.get('follow')) };
}

/**
 * Answers GET …/pods/{name}/log from a buffer. With follow=true the response stays open and
 * streams new lines until the client goes away or the workload stops.
 */
export function serveLog(req: IncomingMessage, res: ServerResponse, q: URLSearchParams, buffer: LogBuffer, now: Date, onClose: (stop: () => void) => void): void {
  const opts = parseQuery(q, now);
  const render = (l: LogLine) => `${opts.timestamps ? `${rfc3339Nano(l.time)} ` : ''}${l.text}\n`;
  let lines = buffer.lines();
  if (opts.since !== undefined) lines = lines.filter((l) => l.time.getTime() >= opts.since!);
  if (opts.tailLines !== undefined) lines = opts.tailLines === 0 ? [] : lines.slice(-opts.tailLines);
  let budget = opts.limitBytes ?? Infinity;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', ...(opts.follow ? { 'Transfer-Encoding': 'chunked' } : {}) });
  // Returns false once limitBytes is spent (the stream then ends, as the kubelet's does).
  const emit = (l: LogLine): boolean => {
    let chunk = Buffer.from(render(l));
    if (chunk.length > budget) chunk = chunk.subarray(0, budget);
    budget -= chunk.length;
    res.write(chunk);
    return budget > 0;
  };
  for (const l of lines) {
    if (!emit(l)) {
      res.end();
      return;
    }
  }
  if (!opts.follow) {
    res.end();
    return;
  }
  let unsubscribe = () => {};
  const stop = () => {
    unsubscribe();
    if (!res.writableEnded) res.end();
  };
  unsubscribe = buffer.follow((l) => {
    if (!emit(l)) stop();
  }, stop);
  req.on('close', stop);
  res.on('close', stop);
  onClose(stop);
}
