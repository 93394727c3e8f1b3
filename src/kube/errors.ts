/** Typed Kubernetes API errors, from the Status objects the API server answers with. */

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message?: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Builds the error from a response body (a Status object, or anything else). */
  static from(code: number, body: unknown, fallback: string): ApiError {
    if (body && typeof body === 'object' && (body as { kind?: string }).kind === 'Status') {
      const s = body as { reason?: string; message?: string; details?: StatusDetails };
      return new ApiError(code, s.reason ?? reasonForCode(code), s.message ?? fallback, s.details);
    }
    const text = typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : fallback;
    return new ApiError(code, reasonForCode(code), text);
  }
}

function reasonForCode(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 415:
      return 'UnsupportedMediaType';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}

const has = (e: unknown, code: number) => e instanceof ApiError && e.code === code;
export const isNotFound = (e: unknown) => has(e, 404);
export const isConflict = (e: unknown) => has(e, 409) && (e as ApiError).reason !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown) => has(e, 409) && (e as ApiError).reason === 'AlreadyExists';
export const isGone = (e: unknown) => has(e, 410);
export const isForbidden = (e: unknown) => has(e, 403);
export const isUnauthorized = (e: unknown) => has(e, 401);
export const isInvalid = (e: unknown) => has(e, 422);
/** Errors worth retrying as they are: throttling, server trouble, timeouts. */
export const isTransient = (e: unknown) => e instanceof ApiError && (e.code === 429 || e.code >= 500);
