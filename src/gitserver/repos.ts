/** The bare repositories a git server serves: names, creation, listing. */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { runGit } from '../git/index.js';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * The directory of repository `name` (`team/app.git`) under `root`, or undefined when the
 * name is not one a server should create: each segment plain (no `..`, no leading dot), the
 * last ending in `.git`.
 */
export function repositoryPath(root: string, name: string): string | undefined {
  const segments = name.split('/');
  if (!name.endsWith('.git') || name === '.git' || !segments.every((s) => SEGMENT.test(s))) return undefined;
  const path = resolve(root, ...segments);
  return path.startsWith(resolve(root) + sep) ? path : undefined;
}

/** Creates a bare repository whose HEAD names `branch`; an existing one is left as it is. */
export async function initBareRepository(path: string, branch = 'main'): Promise<void> {
  if (existsSync(join(path, 'HEAD'))) return;
  mkdirSync(dirname(path), { recursive: true });
  await runGit(['init', '--quiet', '--bare', `--initial-branch=${branch}`, path]);
}

/** The bare repositories under `root`, as names relative to it (`team/app.git`), sorted. */
export function listRepositories(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const path = join(dir, n);
      if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) continue;
      if (n.endsWith('.git') && existsSync(join(path, 'HEAD'))) found.push(relative(root, path).split(sep).join('/'));
      else if (depth < 4) walk(path, depth + 1);
    }
  };
  walk(root, 0);
  return found;
}
