/**
 * Kubernetes Events for Flux objects, as Flux's recorder writes them: core/v1 Events with
 * the reason, a Normal or Warning type, the object's reference, and Flux's metadata
 * (`<group>/revision`, `<group>/digest`) as annotations. An identical event repeated within
 * ten minutes bumps the count of the existing one instead of adding another (client-go's
 * correlator does the same). Trace events are logged at trace level only, as they are
 * never meant for alerting. Optionally, each event is also POSTed to a notification
 * endpoint (--events-addr) in Flux's event JSON.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeClient } from '../kube/client.js';
import { isNotFound } from '../kube/errors.js';
import type { KubeObject } from '../kube/types.js';
import type { Logger } from './logger.js';

export type EventSeverity = 'info' | 'error' | 'trace';

export interface EventRecorderOptions {
  /** The reporting controller, e.g. source-controller. */
  component: string;
  client: KubeClient;
  log?: Logger;
  /** http://host:port of notification-controller's event receiver, if any. */
  eventsAddr?: string;
  /** Annotation prefix copied from objects into event metadata. */
  annotationPrefix?: string;
}

interface Recent {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
  at: number;
}

const CORRELATION_WINDOW_MS = 10 * 60_000;

function eventTime(d = new Date()): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export class EventRecorder {
  private readonly recent = new Map<string, Recent>();
  private readonly instance = hostname();
  /** Events written (for tests). */
  written = 0;

  constructor(private readonly opts: EventRecorderOptions) {}

  /** Records an event; failures are logged, never thrown (events are best effort). */
  async record(obj: KubeObject, severity: EventSeverity, reason: string, message: string, metadata: Record<string, string> = {}): Promise<void> {
    if (severity === 'trace') {
      this.opts.log?.trace({ reason }, message);
      return;
    }
    const type = severity === 'error' ? 'Warning' : 'Normal';
    const ns = obj.metadata.namespace ?? 'default';
    const involved = {
      kind: obj.kind,
      namespace: obj.metadata.namespace,
      name: obj.metadata.name,
      uid: obj.metadata.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: obj.metadata.resourceVersion,
    };
    const annotations: Record<string, string> = { ...metadata };
    const prefix = this.opts.annotationPrefix ?? 'event.toolkit.fluxcd.io/';
    for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) if (k.startsWith(prefix)) annotations[k] = v;
    const key = [involved.uid ?? `${ns}/${involved.name}`, involved.kind, type, reason, message].join('\0');
    const now = new Date();
    try {
      await this.write(key, ns, involved, type, reason, message, annotations, now);
      this.written++;
    } catch (e) {
      this.opts.log?.error({ error: (e as Error).message, reason }, 'unable to record event');
    }
    if (this.opts.eventsAddr) void this.forward(involved, severity, reason, message, annotations, now);
  }

  private async write(key: string, ns: string, involved: Record<string, unknown>, type: string, reason: string, message: string, annotations: Record<string, string>, now: Date): Promise<void> {
    const client = this.opts.client;
    const prev = this.recent.get(key);
    const ref = { apiVersion: 'v1', kind: 'Event', namespace: ns };
    if (prev && now.getTime() - prev.at < CORRELATION_WINDOW_MS) {
      try {
        await client.patch(ref, prev.name, 'merge', { count: prev.count + 1, lastTimestamp: eventTime(now) });
        prev.count++;
        prev.at = now.getTime();
        return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const name = `${String(involved.name)}.${now.getTime().toString(16)}${randomBytes(2).toString('hex')}`;
    await client.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: ns, ...(Object.keys(annotations).length ? { annotations } : {}) },
      involvedObject: involved,
      reason,
      message,
      type,
      source: { component: this.opts.component },
      firstTimestamp: eventTime(now),
      lastTimestamp: eventTime(now),
      count: 1,
      reportingComponent: this.opts.component,
      reportingInstance: this.instance,
    });
    this.recent.set(key, { name, namespace: ns, count: 1, firstTimestamp: eventTime(now), at: now.getTime() });
    if (this.recent.size > 4096) this.prune(now.getTime());
  }

  private prune(now: number): void {
    for (const [k, v] of this.recent) if (now - v.at > CORRELATION_WINDOW_MS) this.recent.delete(k);
  }

  /** Flux's event JSON to notification-controller; 429 means "already seen" and is fine. */
  private async forward(involved: Record<string, unknown>, severity: EventSeverity, reason: string, message: string, metadata: Record<string, string>, now: Date): Promise<void> {
    const body = JSON.stringify({
      involvedObject: involved,
      severity,
      timestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      message,
      reason,
      metadata,
      reportingController: this.opts.component,
      reportingInstance: this.instance,
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const res = await fetch(this.opts.eventsAddr!, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
        if (res.status < 500) return;
      } catch {
        /* retried */
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
    this.opts.log?.error({ reason }, 'unable to forward event to the notification endpoint');
  }
}
