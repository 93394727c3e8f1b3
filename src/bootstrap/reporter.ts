/**
 * Where the bootstrap and install steps report progress: flux's status lines (► ✔ ✗ ◎ ⚠️ ✚).
 * The CLI passes its `say`; a library caller may collect or drop them.
 */
export interface Reporter {
  action(msg: string): void;
  success(msg: string): void;
  failure(msg: string): void;
  waiting(msg: string): void;
  warning(msg: string): void;
  /** flux's "✚ generating …" lines. */
  generate?(msg: string): void;
  /** Lines printed as they are (apply change sets). */
  plain?(msg: string): void;
}

export const silentReporter: Reporter = { action: () => {}, success: () => {}, failure: () => {}, waiting: () => {}, warning: () => {} };
