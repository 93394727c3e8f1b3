/** Watch streams: newline-delimited JSON events read from a streaming response. */
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from './types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** Yields events as lines arrive; ends when the server closes the stream. */
export async function* readWatchEvents<T extends KubeObject>(res: IncomingMessage, onData?: () => void): AsyncGenerator<WatchEvent<T>> {
  let buf = '';
  res.setEncoding('utf8');
  for await (const chunk of res) {
    onData?.();
    buf += chunk as string;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) yield JSON.parse(line) as WatchEvent<T>;
    }
  }
  const rest = buf.trim();
  if (rest) yield JSON.parse(rest) as WatchEvent<T>;
}
