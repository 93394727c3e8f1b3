/** Remote resources: `https://` files and git URLs, fetched with timeouts and size limits. */
export interface RemoteFetcher {
  /** The bytes of an http(s) file. */
  fetchFile(url: string): Buffer;
  /** A local directory holding the kustomization a remote base URL names. */
  fetchRepo(url: string): string;
}
