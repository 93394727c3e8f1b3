/**
 * Semantic-version constraints as Flux evaluates them (Masterminds/semver v3), over tags.
 *
 * npm's `semver` orders versions (SemVer 2.0 precedence is the same in both), but its
 * range grammar differs from Masterminds' in ways that change which tag Flux picks, so the
 * constraint grammar and checks are our own (docs/adr/0003-git-cli-and-own-watch-layer.md
 * lists the differences):
 *  - Masterminds separates ANDed comparators with commas or spaces and has `!=`, `=>`, `=<`;
 *  - a prerelease version matches only comparators that carry a prerelease themselves, of
 *    any major.minor.patch (npm: only the same major.minor.patch tuple);
 *  - tags parse loosely: a leading `v` and leading zeros in numbers are accepted, but a tag
 *    must have three dot-separated parts (Flux's rule: `v1.2` is not a version).
 */
import semver from 'semver';

export interface TagVersion {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
  build: string;
  /** The tag text the version was parsed from. */
  original: string;
}

const VERSION_RE = /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/** Parses a version leniently (Masterminds' NewVersion); undefined when it is none. */
export function parseVersionLoose(text: string): TagVersion | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  const prerelease = m[4] ?? '';
  // Numeric prerelease identifiers may not have leading zeros (SemVer 2.0, item 9).
  if (prerelease.split('.').some((id) => /^0[0-9]+$/.test(id))) return undefined;
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  const v = { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), prerelease, build: m[5] ?? '', original: text };
  if (![v.major, v.minor, v.patch].every(Number.isSafeInteger)) return undefined;
  return v;
}

/** A tag as Flux reads it for semver refs: three dot-separated parts, otherwise lenient. */
export function parseTagVersion(tag: string): TagVersion | undefined {
  if (tag.split('.').length < 3) return undefined;
  return parseVersionLoose(tag);
}

function normalized(v: TagVersion): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

/** SemVer 2.0 precedence (build metadata ignored): -1, 0 or 1. */
export function compareVersions(a: TagVersion, b: TagVersion): number {
  return semver.compare(normalized(a), normalized(b));
}

type Op = '' | '=' | '!=' | '>' | '<' | '>=' | '=>' | '<=' | '=<' | '~' | '~>' | '^';

interface Comparator {
  op: Op;
  version: TagVersion;
  /** Some part was a wildcard or missing (`1.x`, `1`, `*`). */
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
  text: string;
}

export class ConstraintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConstraintError';
  }
}

const PART = '(?:[0-9]+|[xX*])';
const CV = `v?(${PART})(\\.${PART})?(\\.${PART})?(-[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?(\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?`;
const OPS = '!=|>=|=>|<=|=<|~>|=|>|<|~|\\^|';
const COMPARATOR_RE = new RegExp(`^\\s*(${OPS})\\s*(${CV})\\s*$`);
const FIND_RE = new RegExp(`(${OPS})\\s*(${CV})`, 'g');
const SEGMENT_RE = new RegExp(`^\\s*(?:${OPS})\\s*${CV}\\s*(?:(?:\\s+|,\\s*)(?:${OPS})\\s*${CV}\\s*)*$`);
const HYPHEN_RE = new RegExp(`\\s*(${CV})\\s+-\\s+(${CV})\\s*`, 'g');

const isX = (s: string | undefined) => s === 'x' || s === 'X' || s === '*';

function parseComparator(text: string): Comparator {
  const m = COMPARATOR_RE.exec(text);
  if (!m) throw new ConstraintError(`improper constraint: ${text}`);
  const op = m[1] as Op;
  const [major, minorPart, patchPart, pre = ''] = [m[3]!, m[4], m[5], m[6]];
  const minor = minorPart?.slice(1);
  const patch = patchPart?.slice(1);
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  let base: string;
  if (isX(major)) {
    dirty = true;
    base = `0.0.0${pre}`;
  } else if (minor === undefined || isX(minor)) {
    dirty = minorDirty = true;
    base = `${major}.0.0${pre}`;
  } else if (patch === undefined || isX(patch)) {
    dirty = patchDirty = true;
    base = `${major}.${minor}.0${pre}`;
  } else {
    base = `${major}.${minor}.${patch}${pre}`;
  }
  const version = parseVersionLoose(base);
  if (!version) throw new ConstraintError(`improper constraint: ${text}`);
  return { op, version, dirty, minorDirty, patchDirty, text: m[2]! };
}

/** A parsed constraint: OR of ANDs of comparators. */
export class SemverConstraint {
  private constructor(
    readonly text: string,
    private readonly alternatives: Comparator[][],
  ) {}

  static parse(text: string): SemverConstraint {
    // `1.0 - 2.0` means `>= 1.0, <= 2.0`.
    const rewritten = text.replace(HYPHEN_RE, (_all, from: string, ...rest: string[]) => ` >= ${from}, <= ${rest[5]} `);
    const alternatives = rewritten.split('||').map((segment) => {
      if (!SEGMENT_RE.test(segment)) throw new ConstraintError(`improper constraint: ${segment}`);
      const found = segment.match(FIND_RE) ?? [segment];
      return found.map(parseComparator);
    });
    return new SemverConstraint(text, alternatives);
  }

  check(v: TagVersion): boolean {
    return this.alternatives.some((and) => and.every((c) => satisfies(v, c)));
  }
}

function cmp(a: TagVersion, b: TagVersion): number {
  return compareVersions(a, b);
}

function satisfies(v: TagVersion, c: Comparator): boolean {
  const con = c.version;
  // A prerelease is considered only by comparators that name a prerelease themselves.
  const preGate = v.prerelease !== '' && con.prerelease === '';
  switch (c.op) {
    case '':
    case '=':
      if (preGate) return false;
      return c.dirty ? tilde(v, c) : cmp(v, con) === 0;
    case '!=':
      if (!c.dirty) return cmp(v, con) !== 0;
      if (preGate) return false;
      if (con.major !== v.major) return true;
      if (c.minorDirty) return false;
      if (con.minor !== v.minor) return true;
      if (c.patchDirty) return v.prerelease !== '' || con.prerelease !== '' ? v.prerelease !== con.prerelease : false;
      return cmp(v, con) !== 0;
    case '>':
      if (preGate) return false;
      if (!c.dirty) return cmp(v, con) > 0;
      if (v.major !== con.major) return v.major > con.major;
      if (c.minorDirty) return false;
      if (c.patchDirty) return v.minor > con.minor;
      return cmp(v, con) > 0;
    case '<':
      if (preGate) return false;
      return cmp(v, con) < 0;
    case '>=':
    case '=>':
      if (preGate) return false;
      return cmp(v, con) >= 0;
    case '<=':
    case '=<':
      if (preGate) return false;
      if (!c.dirty) return cmp(v, con) <= 0;
      if (v.major > con.major) return false;
      if (v.major === con.major && v.minor > con.minor && !c.minorDirty) return false;
      return true;
    case '~':
    case '~>':
      if (preGate) return false;
      return tilde(v, c);
    case '^':
      if (preGate) return false;
      return caret(v, c);
  }
}

function tilde(v: TagVersion, c: Comparator): boolean {
  const con = c.version;
  if (cmp(v, con) < 0) return false;
  // ~0.0.0 (and `*`) accepts everything.
  if (con.major === 0 && con.minor === 0 && con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== con.major) return false;
  if (v.minor !== con.minor && !c.minorDirty) return false;
  return true;
}

function caret(v: TagVersion, c: Comparator): boolean {
  const con = c.version;
  if (cmp(v, con) < 0) return false;
  if (con.major > 0 || c.minorDirty) return v.major === con.major;
  if (v.major > 0) return false;
  if (con.minor > 0 || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0) return false;
  return v.patch === con.patch;
}

/**
 * The highest tag whose version satisfies the constraint, or undefined. Tags that are not
 * versions are skipped; among equal versions (differing only in build metadata or a `v`)
 * the last tag name in byte order wins, so the choice is stable.
 */
export function highestMatchingTag(tags: Iterable<string>, constraint: SemverConstraint): string | undefined {
  let best: TagVersion | undefined;
  for (const tag of tags) {
    const v = parseTagVersion(tag);
    if (!v || !constraint.check(v)) continue;
    if (!best) {
      best = v;
      continue;
    }
    const c = compareVersions(v, best);
    if (c > 0 || (c === 0 && v.original > best.original)) best = v;
  }
  return best?.original;
}
