/** An error in a build: bad input named by file, field or resource id. */
export class KustomizeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KustomizeError';
  }
}

/** Prefixes a lower layer's error with where it happened, as kustomize wraps its errors. */
export function wrapError(prefix: string, err: unknown): KustomizeError {
  const msg = err instanceof Error ? err.message : String(err);
  return new KustomizeError(`${prefix}: ${msg}`);
}
