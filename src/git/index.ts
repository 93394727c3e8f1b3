/**
 * The git CLI behind a typed API (no shell; credentials only in private files): shallow
 * checkouts of a branch, tag, semver range, ref name or commit; ls-remote; Masterminds
 * semver constraints over tags.
 */
export { GitError, scrubCredentials, gitSync, shallowCloneSync, type GitRunOptions } from './cli.js';
export { runGit, scrub, GitTimeoutError, type GitProcessOptions, type GitOutput } from './process.js';
export { materializeCredentials, type GitAuth, type GitTls, type GitCredentialOptions, type GitCredentials } from './auth.js';
export { lsRemote, parseLsRemote, tagsOf, type RemoteOptions, type RemoteRefs } from './remote.js';
export {
  checkout,
  resolveReference,
  revisionOf,
  absoluteRevisionOf,
  shortMessage,
  parseRevision,
  DEFAULT_BRANCH,
  type CheckoutOptions,
  type CheckoutReference,
  type CheckoutResult,
  type Commit,
} from './checkout.js';
export { SemverConstraint, ConstraintError, highestMatchingTag, parseTagVersion, parseVersionLoose, compareVersions, type TagVersion } from './semver.js';
