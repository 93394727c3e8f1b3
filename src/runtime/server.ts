/**
 * The controller's own HTTP listeners: /metrics (Prometheus text), /healthz and /readyz.
 * Addresses are Go-style ("host:port", ":port" for every interface, port 0 for any).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export function parseListenAddress(addr: string): { host?: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`invalid listen address '${addr}': want host:port or :port`);
  const host = addr.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port in listen address '${addr}'`);
  return { host: host || undefined, port };
}

export interface Listener {
  server: Server;
  port: number;
  /** host:port as bound. */
  address: string;
  close(): Promise<void>;
}

export function listen(addr: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Listener> {
  const { host, port } = parseListenAddress(addr);
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const a = server.address() as { address: string; port: number };
      resolve({
        server,
        port: a.port,
        address: `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

export interface ProbeOptions {
  registry?: Registry;
  healthy?: () => boolean;
  ready?: () => boolean;
}

/** Serves /metrics, /healthz and /readyz (any of them on one listener). */
export function probeHandler(opts: ProbeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && opts.registry) {
      opts.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'Content-Type': opts.registry!.contentType });
          res.end(text);
        })
        .catch((e: Error) => {
          res.writeHead(500);
          res.end(e.message);
        });
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const ok = path === '/healthz' ? (opts.healthy?.() ?? true) : (opts.ready?.() ?? true);
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain' });
      res.end(ok ? 'ok' : 'not ready');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  };
}
