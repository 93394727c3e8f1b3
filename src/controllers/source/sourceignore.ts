/**
 * `.sourceignore` and `spec.ignore`: gitignore syntax as Flux evaluates it (go-git's
 * gitignore patterns, each scoped to the directory its file sits in), with Flux's default
 * exclusions.
 *
 * Rules (Flux's, kept exactly because they decide what lands in an artifact):
 *  - patterns are tried last to first; the first that matches decides (a `!` pattern
 *    re-includes);
 *  - a pattern without a slash matches any path component (`foo` excludes `a/foo/b`);
 *    one with a slash is anchored to its directory and `**` spans directories;
 *  - when neither `.sourceignore` files nor `spec.ignore` give any pattern, the defaults
 *    apply (VCS files, images and archives, CI and tool configs); as soon as any pattern
 *    is given, only the VCS exclusions remain underneath them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const IGNORE_FILE = '.sourceignore';
export const EXCLUDE_VCS = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];
export const EXCLUDE_EXT = ['*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip'];
export const EXCLUDE_CI = ['.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml', 'codeship-services.yml', 'codeship-steps.yml'];
export const EXCLUDE_EXTRA = ['**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml'];

export interface IgnorePattern {
  /** Path segments of the directory the pattern applies under ([] = root). */
  domain: string[];
  segments: string[];
  inclusion: boolean;
  dirOnly: boolean;
  /** Contains a slash: anchored, matched segment by segment. */
  anchored: boolean;
}

/** Parses one gitignore line (already known not to be blank or a comment). */
export function parsePattern(line: string, domain: string[] = []): IgnorePattern {
  let p = line;
  let inclusion = false;
  if (p.startsWith('!')) {
    inclusion = true;
    p = p.slice(1);
  }
  if (!p.endsWith('\\ ')) p = p.replace(/ +$/, '');
  let dirOnly = false;
  if (p.endsWith('/')) {
    dirOnly = true;
    p = p.slice(0, -1);
  }
  return { domain, segments: p.split('/'), inclusion, dirOnly, anchored: p.includes('/') };
}

/** Reads gitignore text: one pattern per line, `#` comments and blank lines skipped. */
export function readPatterns(text: string, domain: string[] = []): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || line.trim() === '') continue;
    out.push(parsePattern(line, domain));
  }
  return out;
}

const globCache = new Map<string, RegExp | null>();

/** Go's path.Match for one segment ('*', '?', '[...]' with '^' negation, '\\' escapes). */
export function matchSegment(glob: string, name: string): boolean {
  let re = globCache.get(glob);
  if (re === undefined) {
    re = globToRegExp(glob);
    globCache.set(glob, re);
  }
  return re !== null && re.test(name);
}

function globToRegExp(glob: string): RegExp | null {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= glob.length) return null; // malformed: Go reports ErrBadPattern, which never matches
      src += escapeRe(glob[++i]!);
    } else if (c === '[') {
      const end = findClassEnd(glob, i);
      if (end < 0) return null;
      let body = glob.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('^')) {
        neg = true;
        body = body.slice(1);
      }
      let cls = '';
      for (let j = 0; j < body.length; j++) {
        const d = body[j]!;
        if (d === '\\') cls += escapeRe(body[++j] ?? '');
        else if (d === '-') cls += '-';
        else cls += escapeRe(d);
      }
      src += neg ? `[^/${cls}]` : `[${cls}]`;
      i = end;
    } else src += escapeRe(c);
  }
  try {
    return new RegExp(`^${src}$`, 's');
  } catch {
    return null;
  }
}

function findClassEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '^') i++;
  if (glob[i] === ']') return -1; // Go rejects an empty class
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') i++;
    else if (glob[i] === ']') return i;
  }
  return -1;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

type MatchResult = 'none' | 'exclude' | 'include';

function matchPattern(p: IgnorePattern, path: string[], isDir: boolean): MatchResult {
  if (path.length <= p.domain.length) return 'none';
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return 'none';
  const rest = path.slice(p.domain.length);
  const ok = p.anchored ? anchoredMatch(p, rest, isDir) : nameMatch(p, rest, isDir);
  if (!ok) return 'none';
  return p.inclusion ? 'include' : 'exclude';
}

function nameMatch(p: IgnorePattern, path: string[], isDir: boolean): boolean {
  for (let i = 0; i < path.length; i++) {
    if (!matchSegment(p.segments[0]!, path[i]!)) continue;
    if (p.dirOnly && !isDir && i === path.length - 1) return false;
    return true;
  }
  return false;
}

function anchoredMatch(p: IgnorePattern, input: string[], isDir: boolean): boolean {
  let path = input;
  let matched = false;
  let traverse = false;
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i]!;
    if (seg === '') {
      traverse = false;
      continue;
    }
    if (seg === '**') {
      if (i === p.segments.length - 1) break;
      traverse = true;
      continue;
    }
    if (seg.includes('**')) return false;
    if (path.length === 0) return false;
    if (traverse) {
      traverse = false;
      while (path.length > 0) {
        const e = path[0]!;
        path = path.slice(1);
        if (matchSegment(seg, e)) {
          matched = true;
          break;
        } else if (path.length === 0) matched = false;
      }
    } else {
      if (!matchSegment(seg, path[0]!)) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.dirOnly && !isDir && path.length === 0) matched = false;
  return matched;
}

/** Decides whether a path (segments relative to the archive root) is excluded. */
export class IgnoreMatcher {
  constructor(readonly patterns: IgnorePattern[]) {}

  excludes(path: string[], isDir: boolean): boolean {
    for (let i = this.patterns.length - 1; i >= 0; i--) {
      const r = matchPattern(this.patterns[i]!, path, isDir);
      if (r !== 'none') return r === 'exclude';
    }
    return false;
  }
}

export function vcsPatterns(): IgnorePattern[] {
  return EXCLUDE_VCS.map((p) => parsePattern(p));
}

export function defaultPatterns(): IgnorePattern[] {
  return [...EXCLUDE_EXT, ...EXCLUDE_CI, ...EXCLUDE_EXTRA].map((p) => parsePattern(p));
}

/** Loads every `.sourceignore` under root (root first, then directories in name order), skipping .git. */
export function loadIgnoreFiles(root: string, domain: string[] = []): IgnorePattern[] {
  const dir = join(root, ...domain);
  const out: IgnorePattern[] = [];
  try {
    out.push(...readPatterns(readFileSync(join(dir, IGNORE_FILE), 'utf8'), domain));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'EISDIR') throw e;
  }
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.isDirectory() && e.name !== '.git') out.push(...loadIgnoreFiles(root, [...domain, e.name]));
  }
  return out;
}

/**
 * The matcher Flux archives a checkout with: `.sourceignore` files, then `spec.ignore`, over
 * the VCS exclusions — or the full default exclusions when there are no patterns at all.
 */
export function sourceIgnoreMatcher(root: string, specIgnore?: string): IgnoreMatcher {
  const ps = loadIgnoreFiles(root);
  if (specIgnore !== undefined) ps.push(...readPatterns(specIgnore));
  if (ps.length === 0) return new IgnoreMatcher([...vcsPatterns(), ...defaultPatterns()]);
  return new IgnoreMatcher([...vcsPatterns(), ...ps]);
}
