/**
 * JSON logs in Flux's shape: {"level":"info","ts":"…","msg":"…","controller":"gitrepository",
 * "controllerGroup":"source.toolkit.fluxcd.io","controllerKind":"GitRepository",
 * "GitRepository":{"name":"…","namespace":"…"},"namespace":"…","name":"…","reconcileID":"…"}.
 * Levels: trace, debug, info, error (Flux's --log-level values).
 */
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'trace' | 'debug' | 'info' | 'error';

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; standard error by default. */
  destination?: DestinationStream;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: null,
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** The fields Flux attaches to every line about one object. */
export function objectFields(controller: string, group: string, kind: string, namespace: string | undefined, name: string, reconcileID?: string): Record<string, unknown> {
  const ref = namespace ? { name, namespace } : { name };
  const f: Record<string, unknown> = { controller, controllerGroup: group, controllerKind: kind, [kind]: ref, name };
  if (namespace) f.namespace = namespace;
  if (reconcileID) f.reconcileID = reconcileID;
  return f;
}
