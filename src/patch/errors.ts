/** Why a patch could not be applied. */
export class PatchError extends Error {
  constructor(
    message: string,
    /** What kustomize v5.5 prints for the same failure, when it differs from `message`. */
    readonly kustomizeMessage: string = message,
    /** For JSON patches: the index of the failing operation. */
    readonly opIndex?: number,
    /** For JSON patches: the failing operation's `op`. */
    readonly op?: string,
    /** For JSON patches: the failing operation's `path` (or `from`). */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}
