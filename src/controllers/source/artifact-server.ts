/**
 * The artifact HTTP server (--storage-addr, :9090 in Flux): GET/HEAD of files under the
 * storage root by their artifact path. Nothing else is served: no listings, no paths that
 * leave the root, no symlinks.
 */
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Storage } from './storage.js';

const TYPES: Record<string, string> = { '.gz': 'application/gzip', '.tgz': 'application/gzip', '.yaml': 'application/yaml', '.json': 'application/json' };

export function artifactHandler(storage: Storage): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      let rel: string;
      try {
        rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
      } catch {
        res.writeHead(400).end();
        return;
      }
      if (rel === '') {
        // Readiness probes ask for the root.
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
        return;
      }
      let file: string;
      try {
        file = storage.localPath(rel);
      } catch {
        res.writeHead(404).end('404 page not found\n');
        return;
      }
      try {
        const st = await lstat(file);
        if (!st.isFile()) throw new Error('not a file');
        const ext = rel.slice(rel.lastIndexOf('.'));
        res.writeHead(200, { 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': String(st.size), 'Last-Modified': st.mtime.toUTCString() });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        const stream = createReadStream(file);
        stream.on('error', () => res.destroy());
        stream.pipe(res);
      } catch {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
      }
    })();
  };
}
