/**
 * HTTP to the API server: keep-alive connections, JSON in and out, Status bodies turned into
 * ApiError, one retry with fresh credentials after a 401, and streaming responses for watch.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { ApiError } from './errors.js';
import type { AuthMaterial, KubeConnection } from './config.js';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class KubeHttp {
  private agent: HttpAgent | undefined;
  private agentFor: AuthMaterial['tls'] | undefined;
  readonly secure: boolean;
  /** Requests sent, by method (for tests and metrics). */
  readonly counts = new Map<string, number>();

  constructor(
    readonly conn: KubeConnection,
    private readonly userAgent = 'fluxion',
  ) {
    this.secure = conn.server.startsWith('https:');
  }

  private agentWith(tls: AuthMaterial['tls']): HttpAgent {
    if (!this.agent || this.agentFor !== tls) {
      this.agent?.destroy();
      this.agent = this.secure ? new HttpsAgent({ keepAlive: true, maxSockets: 64, ...tls }) : new HttpAgent({ keepAlive: true, maxSockets: 64 });
      this.agentFor = tls;
    }
    return this.agent;
  }

  url(path: string, query?: RequestOptions['query']): URL {
    const u = new URL(this.conn.server + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return u;
  }

  private async send(method: string, path: string, opts: RequestOptions, retried = false): Promise<{ res: IncomingMessage; body?: Buffer }> {
    const auth = await this.conn.auth();
    const u = this.url(path, opts.query);
    const payload = opts.body === undefined ? undefined : Buffer.from(typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body));
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.userAgent, ...auth.headers };
    if (payload) {
      headers['Content-Type'] = opts.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = this.secure ? httpsRequest : httpRequest;
      const req = send(u, { method, headers, agent: this.agentWith(auth.tls), signal: opts.signal }, resolve);
      if (opts.timeoutMs) {
        req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`request to ${u.pathname} timed out after ${opts.timeoutMs}ms`)));
      }
      req.on('error', reject);
      req.end(payload);
    });
    if (res.statusCode === 401 && !retried) {
      res.resume();
      this.conn.invalidate();
      return this.send(method, path, opts, true);
    }
    return { res };
  }

  private static async read(res: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private static parse(buf: Buffer): unknown {
    const text = buf.toString('utf8');
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  }

  /** Sends a request and parses the JSON answer; non-2xx answers throw ApiError. */
  async request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const { res } = await this.send(method, path, opts);
    const body = KubeHttp.parse(await KubeHttp.read(res));
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw ApiError.from(code, body, `${method} ${path}: HTTP ${code}`);
    return body as T;
  }

  /** Opens a streaming GET (watch); a non-200 answer throws ApiError. */
  async stream(path: string, opts: RequestOptions = {}): Promise<IncomingMessage> {
    const { res } = await this.send('GET', path, opts);
    const code = res.statusCode ?? 0;
    if (code !== 200) {
      const body = KubeHttp.parse(await KubeHttp.read(res));
      throw ApiError.from(code, body, `GET ${path}: HTTP ${code}`);
    }
    return res;
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }
}
