/**
 * A small git server for local use and tests: bare repositories over smart HTTP through
 * `git http-backend`, push included.
 */
export { startGitHttpServer, type GitHttpOptions, type GitHttpServer, type GitRequestLog } from './http.js';
export { initBareRepository, listRepositories, repositoryPath } from './repos.js';
