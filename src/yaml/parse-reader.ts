/**
 * The YAML reader behind parse.ts: a single pass over the source string that builds values
 * directly (no token stream, no node tree). It follows the YAML 1.2 structure as libyaml (and
 * so gopkg.in/yaml.v3, which kustomize uses) reads it, including libyaml's rules that are
 * stricter or looser than the spec text: where tabs may appear, 1024-character implicit keys,
 * "%YAML 1.1" only, ':' inside plain scalars in flow collections.
 *
 * Invariant of the block readers: a block node returns with the reader at the first
 * non-space character of the next content line (`lineIndent` is its indentation), or with
 * `lineIndent` = -1 at the end of the input or at a document marker. Everything that ends a
 * node in the middle of a line (quoted, flow, alias) checks the rest of the line and moves on.
 */
import { blockRoundTrip, JSON_REREAD_CHARS, jsonReread, jsonRereadKey, keepsFootCommentBreak, KustomizeValueError } from './parse-kustomize.js';
import * as scalars from './parse-scalars.js';
import * as res from './resolve.js';
import { ResolveError } from './resolve.js';
import { TimestampRangeError } from './resolve-timestamp.js';
import type { Value, ValueMap } from './types.js';

// Local copies of the imports used on every scalar: under a CommonJS transform (tsx) each
// access to an imported binding is a getter call, which shows in the profile.
const { isDocMarker, isBlankz, readBlockScalar, readDoubleQuoted, readSingleQuoted, scanPlainLine, ScanError, skipLine, takeRereadFlag } = scalars;
const { resolvePlain, resolved, resolveTagged, TAG_BINARY, TAG_MERGE, TAG_NULL, TAG_STR, TAG_TIMESTAMP } = res;

export interface ReaderOptions {
  maxAliasExpansion: number;
  dialect: 'kustomize' | 'go';
  uniqueKeys: boolean;
}

// Where a block node starts: after which indicator.
const CTX_VALUE = 0; // "key:"
const CTX_ENTRY = 1; // "- "
const CTX_KEY = 2; // "? "
const CTX_EXPLICIT_VALUE = 3; // ":" after an explicit key
const CTX_DOC = 4; // "---" or the start of a bare document

// What readInline found.
const K_PLAIN = 0;
const K_QUOTED = 1;
const K_FLOW = 2;
const K_ALIAS = 3;
const K_EMPTY = 4;

// Where the node being read sits, for kustomize's treatment of metadata.annotations.
const AT_OTHER = 0;
const AT_METADATA = 1; // the value of a document's top-level "metadata"
const AT_ANNOTATIONS = 2; // the value of metadata.annotations
const AT_ANNOTATION = 3; // one annotation's value

/** Tab policy for leading whitespace: tabs at a column <= the limit are errors; STRICT: any. */
const STRICT = 1e9;

/** The key of a merge ("<<") entry. */
const MERGE: unique symbol = Symbol('merge');
/** A key kustomize drops: a string "<<" that is not a merge (kyaml clears fields named "<<"). */
const DROP: unique symbol = Symbol('drop');
/** A "!!merge x" key: kyaml merges its value and also keeps it as the entry "x". */
interface MergeKeeping {
  keep: string;
}
type Key = string | typeof MERGE | typeof DROP | MergeKeeping;

const YAML_PREFIX = 'tag:yaml.org,2002:';

function isBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function afterBreak(src: string, i: number): number {
  return src.charCodeAt(i) === 13 && src.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
}

/** libyaml's anchor characters: ASCII letters, digits, '_' and '-'. */
function isAnchorChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
}

/** Characters allowed in a tag (URI characters as libyaml takes them). */
function isTagChar(c: number, flow: boolean): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  switch (c) {
    case 0x2d: // - ; / ? : @ & = + $ . ! ~ * ' ( ) % _
    case 0x3b:
    case 0x2f:
    case 0x3f:
    case 0x3a:
    case 0x40:
    case 0x26:
    case 0x3d:
    case 0x2b:
    case 0x24:
    case 0x2e:
    case 0x21:
    case 0x7e:
    case 0x2a:
    case 0x27:
    case 0x28:
    case 0x29:
    case 0x25:
    case 0x5f:
      return true;
    case 0x2c: // , [ ]
    case 0x5b:
    case 0x5d:
      return !flow;
  }
  return false;
}

/** Indicators that cannot start a plain scalar: , [ ] { } # & ! | > % @ ` and quotes/alias handled before. */
const CANNOT_START_PLAIN = new Uint8Array(128);
for (const ch of ',[]{}#&!|>%@`') CANNOT_START_PLAIN[ch.charCodeAt(0)] = 1;

function setKey(map: ValueMap, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
  else map[key] = value;
}

export class Reader {
  readonly src: string;
  pos = 0;
  lineStart = 0;
  private readonly len: number;
  private lineIndent = 0;
  private docMarker = false;
  private streamStart = 0;
  private depth = 0;
  private anchors = new Map<string, Value>();
  /** Source text of anchored untagged plain scalars (kustomize re-reads them in flow collections). */
  private anchorText = new Map<string, string>();
  private tagHandles = new Map<string, string>();
  private budget: number;
  private readonly kustomize: boolean;

  // Results of readInline / readProps (read right after the call).
  private kind = K_PLAIN;
  private raw = ''; // plain: the text; quoted: the value
  private aliasValue: Value = null;
  private propAnchor: string | undefined;
  private propTag: string | undefined;
  private aliasKey = false; // the last key read was an alias (go dialect)
  private at = AT_OTHER; // where the node being read sits (AT_*)
  private scalarTag = TAG_STR; // the tag of the last scalar made (for explicit keys)
  private flowAnchor: string | undefined; // properties of the last flowNode
  private flowTag: string | undefined;

  constructor(
    src: string,
    private readonly opts: ReaderOptions,
  ) {
    this.src = src;
    this.len = src.length;
    this.budget = opts.maxAliasExpansion;
    this.kustomize = opts.dialect === 'kustomize';
  }

  private fail(message: string, pos: number): never {
    throw new ScanError(message, pos);
  }

  // ---------------------------------------------------------------- stream and documents

  /** Every document of the stream, in order; null for an empty one. Also returns where each starts. */
  readStream(starts: number[]): Value[] {
    const src = this.src;
    const docs: Value[] = [];
    const i = src.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.streamStart = i;
    this.scanLines(i, STRICT);
    let afterEnd = false;
    while (this.pos < this.len) {
      let directives = false;
      while (!this.docMarker && this.lineIndent === 0 && src.charCodeAt(this.pos) === 37) {
        // kustomize splits the stream at "---" lines first: a directive ends up alone in its piece
        if (this.kustomize) this.fail('did not find expected <document start> (kustomize reads a directive as a document of its own)', this.pos);
        this.directive();
        directives = true;
      }
      if (this.docMarker && src.charCodeAt(this.pos) === 0x2e) {
        // "..." with no open document
        if (directives) this.fail('did not find expected <document start>', this.pos);
        this.docMarker = false;
        this.pos += 3;
        this.endOfLine();
        this.nextLine(STRICT);
        continue;
      }
      if (this.docMarker) {
        starts.push(this.pos);
        this.docMarker = false;
        this.pos += 3;
        docs.push(this.blockNode(-1, CTX_DOC));
      } else {
        if (this.pos >= this.len) {
          if (directives) this.fail('did not find expected <document start>', this.pos);
          break;
        }
        if (directives || afterEnd) {
          if (this.kustomize && afterEnd && !directives) {
            // kustomize decodes one document per "---" piece: text after "..." is never read
            this.skipToSeparator();
            afterEnd = false;
            continue;
          }
          this.fail('did not find expected <document start>', this.pos);
        }
        starts.push(this.pos);
        docs.push(this.content(-1, CTX_DOC, true, undefined, undefined));
      }
      if (this.lineIndent >= 0) this.fail('did not find expected <document start>', this.pos);
      afterEnd = false;
      if (this.docMarker && src.charCodeAt(this.pos) === 0x2e) {
        this.docMarker = false;
        this.pos += 3;
        if (this.kustomize) {
          // kustomize never reads past the "..." of a document
          this.skipToSeparator();
          continue;
        }
        this.endOfLine();
        this.nextLine(STRICT);
        afterEnd = true;
      }
      this.anchors = new Map();
      this.anchorText = new Map();
      this.tagHandles = new Map();
      this.budget = this.opts.maxAliasExpansion;
    }
    return docs;
  }

  /** kustomize dialect, after "...": skip to the next line that starts with "---". */
  private skipToSeparator(): void {
    const src = this.src;
    let i = this.pos;
    while (i < this.len && !isBreak(src.charCodeAt(i))) i++;
    if (i >= this.len) {
      this.atEnd();
      return;
    }
    i = afterBreak(src, i);
    for (;;) {
      if (src.startsWith('---', i)) {
        this.setLine(i, i);
        if (this.lineIndent >= 0) this.fail('did not find expected <document start>', i);
        return;
      }
      let j = i;
      while (j < this.len && !isBreak(src.charCodeAt(j))) j++;
      if (j >= this.len) {
        this.atEnd();
        return;
      }
      i = afterBreak(src, j);
    }
  }

  /** A %YAML or %TAG directive line. */
  private directive(): void {
    const src = this.src;
    const start = this.pos;
    let i = start + 1;
    while (i < this.len && !isBlankz(src, i)) i++;
    const name = src.slice(start + 1, i);
    const args: string[] = [];
    for (;;) {
      while (src.charCodeAt(i) === 32 || src.charCodeAt(i) === 9) i++;
      if (i >= this.len || isBreak(src.charCodeAt(i)) || src.charCodeAt(i) === 35) break;
      const a = i;
      while (i < this.len && !isBlankz(src, i)) i++;
      args.push(src.slice(a, i));
    }
    if (name === 'YAML') {
      if (this.tagHandles.has('%YAML')) this.fail('found duplicate %YAML directive', start);
      const m = /^(\d+)\.(\d+)$/.exec(args[0] ?? '');
      if (!m || args.length !== 1) this.fail('did not find expected version number while scanning a %YAML directive', start);
      if (m[1] !== '1' || m[2] !== '1') this.fail('found incompatible YAML document (only %YAML 1.1 is accepted)', start);
      this.tagHandles.set('%YAML', '');
    } else if (name === 'TAG') {
      const [handle, prefix] = args;
      if (args.length !== 2 || !handle || !prefix || !/^!(?:[0-9A-Za-z_-]*!)?$/.test(handle)) {
        this.fail('did not find expected tag handle and prefix while scanning a %TAG directive', start);
      }
      if (this.tagHandles.has(handle)) this.fail('found duplicate %TAG directive', start);
      this.tagHandles.set(handle, prefix);
    } else {
      this.fail(`found unknown directive name "%${name}"`, start);
    }
    this.pos = i;
    this.endOfLine();
    this.nextLine(STRICT);
  }

  // ---------------------------------------------------------------- lines

  private atEnd(): void {
    this.pos = this.len;
    this.lineStart = this.len;
    this.lineIndent = -1;
  }

  /** pos is at a line break or the end: moves to the next content line. */
  private nextLine(tabLimit: number): void {
    if (this.pos >= this.len) {
      this.atEnd();
      return;
    }
    this.scanLines(afterBreak(this.src, this.pos), tabLimit);
  }

  /** From the start of a line, skips empty and comment lines to the next content line. */
  private scanLines(i: number, tabLimit: number): void {
    const src = this.src;
    const len = this.len;
    for (;;) {
      const start = i;
      let c = src.charCodeAt(i);
      while (c === 32) c = src.charCodeAt(++i);
      if (c === 9) {
        i = this.leadingTabs(start, i, tabLimit);
        c = src.charCodeAt(i);
      }
      if (c === 35) {
        i = skipLine(src, i);
        tabLimit = STRICT;
        c = src.charCodeAt(i);
      }
      if (i >= len) {
        this.atEnd();
        return;
      }
      if (isBreak(c)) {
        i = afterBreak(src, i);
        continue;
      }
      this.setLine(start, i);
      return;
    }
  }

  /** Leading blanks with a tab at i; checks libyaml's rules and returns the first non-blank. */
  private leadingTabs(start: number, i: number, tabLimit: number): number {
    const src = this.src;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === 9) {
        if (tabLimit === STRICT) this.fail('found a tab character where indentation is expected (tabs cannot indent YAML)', i);
        if (i - start <= tabLimit) this.fail('found a tab character that violates indentation', i);
      } else if (c !== 32) {
        return i;
      }
      i++;
    }
  }

  /** Records a content line: its start and its first non-space character. */
  private setLine(start: number, i: number): void {
    this.lineStart = start;
    this.pos = i;
    this.lineIndent = i - start;
    if (i === start) {
      const c = this.src.charCodeAt(i);
      if (c === 45 || c === 46) this.columnZero(i);
    }
  }

  /** A line starting with '-' or '.' at column 0: document markers end the content. */
  private columnZero(i: number): void {
    const src = this.src;
    const separatorLike = this.kustomize && i > this.streamStart && src.startsWith('---', i);
    if (isDocMarker(src, i)) {
      if (separatorLike) {
        // kustomize splits documents on lines starting with "---" and allows only a comment after it
        let j = i + 3;
        while (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9) j++;
        if (j < this.len && !isBreak(src.charCodeAt(j)) && src.charCodeAt(j) !== 35) this.invalidSeparator(i);
      }
      this.lineIndent = -1;
      this.docMarker = true;
    } else if (separatorLike) {
      this.invalidSeparator(i);
    }
  }

  private invalidSeparator(i: number): never {
    let j = i;
    while (j < this.len && !isBreak(this.src.charCodeAt(j))) j++;
    this.fail(`invalid document separator: ${this.src.slice(i, j).trim()}`, i);
  }

  /** After a node that ends mid-line: only blanks and a comment may follow on the line. */
  private endOfLine(): void {
    const src = this.src;
    let i = this.pos;
    let c = src.charCodeAt(i);
    while (c === 32 || c === 9) c = src.charCodeAt(++i);
    if (c === 35) {
      i = skipLine(src, i);
    } else if (i < this.len && !isBreak(c)) {
      if (c === 58 && isBlankz(src, i + 1)) this.fail('mapping values are not allowed in this context', i);
      this.fail('did not find expected key (unexpected content after a node)', i);
    }
    this.pos = i;
  }

  // ---------------------------------------------------------------- block nodes

  /**
   * The block node after an indicator (see CTX_*), on this line or the following ones. n is
   * the indentation of the enclosing block collection (-1 for none).
   */
  private blockNode(n: number, ctx: number): Value {
    const src = this.src;
    let i = this.pos;
    let c = src.charCodeAt(i);
    while (c === 32) c = src.charCodeAt(++i);
    if (c === 9) {
      // libyaml takes a tab right after "-", "?" or an explicit ":" for the start of a token
      if (ctx === CTX_ENTRY || ctx === CTX_KEY || ctx === CTX_EXPLICIT_VALUE) this.fail('found character that cannot start any token (a tab after an indicator)', i);
      while (c === 32 || c === 9) c = src.charCodeAt(++i);
    }
    this.pos = i;
    let anchor: string | undefined;
    let tag: string | undefined;
    if (c === 38 || c === 33) {
      this.readProps(false);
      anchor = this.propAnchor;
      tag = this.propTag;
      i = this.pos;
      c = src.charCodeAt(i);
    }
    if (c === 35 || i >= this.len || isBreak(c)) return this.nodeBelow(n, ctx, anchor, tag);
    return this.content(n, ctx, false, anchor, tag);
  }

  /** The node continues on the following lines (pos is at a comment, a break or the end). */
  private nodeBelow(n: number, ctx: number, anchor: string | undefined, tag: string | undefined): Value {
    const src = this.src;
    this.pos = skipLine(src, this.pos);
    this.nextLine(STRICT);
    const m = this.lineIndent;
    if (m > n) return this.content(n, ctx, true, anchor, tag);
    if (m === n && (ctx === CTX_VALUE || ctx === CTX_EXPLICIT_VALUE) && src.charCodeAt(this.pos) === 45 && isBlankz(src, this.pos + 1)) {
      // a sequence may sit at its key's indentation
      return this.withAnchor(this.blockSeq(m), anchor);
    }
    return this.empty(anchor, tag, false);
  }

  /**
   * Node content starting at pos: on a fresh line (atLineStart) or after an indicator on the
   * same line. anchor/tag are properties read before it (they belong to this node).
   */
  private content(n: number, ctx: number, atLineStart: boolean, anchor: string | undefined, tag: string | undefined): Value {
    const src = this.src;
    const start = this.pos;
    const col = start - this.lineStart;
    const c = src.charCodeAt(start);
    const compact = atLineStart || ctx === CTX_ENTRY || ctx === CTX_KEY || ctx === CTX_EXPLICIT_VALUE;
    if (c === 45 && isBlankz(src, start + 1)) {
      if (!compact) this.fail('block sequence entries are not allowed in this context', start);
      return this.withAnchor(this.blockSeq(col), anchor);
    }
    if (c === 63 && isBlankz(src, start + 1)) {
      if (!compact) this.fail('mapping keys are not allowed in this context', start);
      return this.withAnchor(this.blockMap(col, undefined, start), anchor);
    }
    if (c === 124 || c === 62) {
      const text = this.blockScalar(n);
      return this.scalarValue(K_QUOTED, text, anchor, tag, start);
    }
    if (c === 58 && isBlankz(src, start + 1) && !atLineStart && compact && (anchor !== undefined || tag !== undefined)) {
      // "- &a : v": the properties are an empty key's
      const key = this.keyOf(null, K_EMPTY, anchor, tag, start, this.depth === 0);
      this.pos++;
      return this.blockMap(col, key, start);
    }

    // Properties on this line belong to what follows: a key, if one follows, else the node.
    let kAnchor: string | undefined;
    let kTag: string | undefined;
    if (c === 38 || c === 33) {
      this.readProps(false);
      kAnchor = this.propAnchor;
      kTag = this.propTag;
      const d = src.charCodeAt(this.pos);
      if (d === 35 || this.pos >= this.len || isBreak(d)) {
        // properties alone on a line: the node follows below
        return this.nodeBelow(n, ctx, kAnchor ?? anchor, kTag ?? tag);
      }
      const e = src.charCodeAt(this.pos);
      if (e === 58 && isBlankz(src, this.pos + 1) && compact) {
        // "&a: v": an empty key with properties (kustomize reads it as "")
        const key = this.keyOf(null, K_EMPTY, kAnchor, kTag, start, this.depth === 0);
        this.pos++;
        return this.withAnchor(this.blockMap(col, key, start), anchor);
      }
      if ((e === 45 || e === 63) && isBlankz(src, this.pos + 1)) this.fail('block collections cannot start after properties on the same line', this.pos);
      if (e === 124 || e === 62) {
        const text = this.blockScalar(n);
        return this.scalarValue(K_QUOTED, text, kAnchor ?? anchor, kTag ?? tag, start);
      }
    }

    const keyStart = this.pos;
    const firstLine = this.lineStart;
    const value = this.readInline(false);
    const kind = this.kind;
    if (kind === K_ALIAS && (anchor !== undefined || tag !== undefined || kAnchor !== undefined || kTag !== undefined)) this.aliasWithProps(keyStart);
    // an implicit key?
    let j = this.pos;
    let d = src.charCodeAt(j);
    while (d === 32 || d === 9) d = src.charCodeAt(++j);
    if (d === 58 && isBlankz(src, j + 1)) {
      if (!compact) this.fail('mapping values are not allowed in this context', j);
      if (this.lineStart !== firstLine) this.fail('mapping values are not allowed in this context (an implicit key must be on one line)', j);
      if (j - keyStart > 1024) this.fail('could not find expected \':\' (an implicit key is limited to 1024 characters)', keyStart);
      const key = this.keyOf(value, kind, kAnchor, kTag, keyStart, this.depth === 0);
      this.pos = j + 1;
      return this.withAnchor(this.blockMap(col, key, keyStart), anchor);
    }
    const a = kAnchor ?? anchor;
    const t = kTag ?? tag;
    if (kind === K_PLAIN) {
      const text = this.plainBlock(n, this.raw);
      return this.scalarValue(K_PLAIN, text, a, t, start);
    }
    this.endOfLine();
    this.nextLine(STRICT);
    if (kind === K_QUOTED) return this.scalarValue(K_QUOTED, this.raw, a, t, start);
    return this.withAnchor(value, a);
  }

  /** Reads a block scalar and moves to the next content line. */
  private blockScalar(n: number): string {
    const start = this.pos;
    const literal = this.src.charCodeAt(start) === 124;
    let text: string;
    try {
      text = readBlockScalar(this, n);
      // kustomize rebuilds metadata.annotations (as literal scalars) before the round trip
      if (this.kustomize && this.at !== AT_ANNOTATION) text = blockRoundTrip(text, literal);
    } catch (e) {
      if (e instanceof KustomizeValueError) this.fail(e.message, start);
      throw e;
    }
    // the reader is at the first non-space of the line that ended the scalar
    const src = this.src;
    const i = this.pos;
    const c = src.charCodeAt(i);
    if (i >= this.len) this.atEnd();
    else if (c === 35 || isBreak(c)) {
      this.pos = skipLine(src, this.pos);
      this.nextLine(STRICT);
      // comments that end the document follow the scalar as a foot comment (parse-kustomize.ts)
      if (c === 35 && this.kustomize && this.lineIndent < 0 && keepsFootCommentBreak(text)) text += '\n';
    } else if (c === 9) this.leadingTabs(this.lineStart, i, STRICT);
    else this.setLine(this.lineStart, i);
    return text;
  }

  /**
   * The rest of a plain scalar in block context after its first line (ending at pos):
   * continuation lines indented more than n fold into it. Leaves the reader at the next
   * content line.
   */
  private plainBlock(n: number, first: string): string {
    const src = this.src;
    const len = this.len;
    let text = first;
    for (;;) {
      let i = this.pos;
      let c = src.charCodeAt(i);
      if (c === 35) {
        this.pos = skipLine(src, i);
        this.nextLine(STRICT);
        return text;
      }
      if (c === 58) this.fail('mapping values are not allowed in this context', i);
      if (i >= len) {
        this.atEnd();
        return text;
      }
      // count the breaks up to the next non-blank character
      let breaks = 0;
      let start: number;
      for (;;) {
        i = afterBreak(src, i);
        breaks++;
        start = i;
        c = src.charCodeAt(i);
        while (c === 32) c = src.charCodeAt(++i);
        if (c === 9) {
          i = this.leadingTabs(start, i, n);
          c = src.charCodeAt(i);
        }
        if (!isBreak(c)) break;
      }
      if (i >= len) {
        this.atEnd();
        return text;
      }
      if (c === 35) {
        // a comment ends the scalar
        this.pos = skipLine(src, i);
        this.nextLine(STRICT);
        return text;
      }
      if (i - start <= n || (i === start && (c === 45 || c === 46) && isDocMarker(src, i))) {
        this.setLine(start, i);
        return text;
      }
      if (i === start && c === 45 && this.kustomize && src.startsWith('---', i)) this.setLine(start, i); // invalid separator
      const e = scanPlainLine(this, i, false);
      text += (breaks === 1 ? ' ' : '\n'.repeat(breaks - 1)) + src.slice(i, e);
      this.lineStart = start;
    }
  }

  /** A block sequence whose first "-" is at pos, in column col. */
  private blockSeq(col: number): Value[] {
    const src = this.src;
    const arr: Value[] = [];
    this.depth++;
    const at = this.at;
    this.at = AT_OTHER;
    for (;;) {
      this.pos++;
      arr.push(this.blockNode(col, CTX_ENTRY));
      const m = this.lineIndent;
      if (m < col) break;
      if (m > col) this.fail('bad indentation of a sequence entry', this.pos);
      if (src.charCodeAt(this.pos) !== 45 || !isBlankz(src, this.pos + 1)) break;
    }
    this.at = at;
    this.depth--;
    return arr;
  }

  /**
   * A block mapping in column col. firstKey, when given, was read by the caller and pos is
   * just after its ':'. Otherwise pos is at the first entry ("? " explicit key).
   */
  private blockMap(col: number, firstKey: Key | undefined, firstKeyPos: number): ValueMap {
    const src = this.src;
    const map: ValueMap = {};
    this.depth++;
    const at = this.at;
    let merge: Value | undefined;
    let mergePos = 0;
    let key = firstKey;
    let keyPos = firstKeyPos;
    for (;;) {
      let value: Value;
      if (key !== undefined) this.at = this.childAt(at, key);
      if (key === undefined) {
        keyPos = this.pos;
        const c = src.charCodeAt(keyPos);
        if (c === 63 && isBlankz(src, keyPos + 1)) {
          // "? key" then, on a line of its own, ": value"
          this.pos++;
          this.at = AT_OTHER;
          key = this.explicitKey(this.blockNode(col, CTX_KEY), keyPos);
          this.at = this.childAt(at, key);
          if (this.lineIndent === col && src.charCodeAt(this.pos) === 58 && isBlankz(src, this.pos + 1)) {
            this.pos++;
            value = this.blockNode(col, CTX_EXPLICIT_VALUE);
          } else {
            value = this.empty(undefined, undefined, false);
          }
        } else {
          if (c === 45 && isBlankz(src, keyPos + 1)) this.fail('did not find expected key (a sequence entry inside a mapping)', keyPos);
          key = this.implicitKey();
          this.at = this.childAt(at, key);
          value = this.blockNode(col, CTX_VALUE);
        }
      } else {
        value = this.blockNode(col, CTX_VALUE);
      }
      if (typeof key === 'object' || key === MERGE) mergePos = keyPos;
      merge = this.entry(map, key, value, keyPos, merge);
      key = undefined;
      const m = this.lineIndent;
      if (m < col) break;
      if (m > col) this.fail('bad indentation of a mapping entry', this.pos);
    }
    this.at = at;
    this.depth--;
    if (merge !== undefined) this.applyMerge(map, merge, mergePos);
    return map;
  }

  /** Where the value of a key sits, in a mapping that sits at `at` (AT_*). */
  private childAt(at: number, key: Key): number {
    if (at === AT_OTHER) return this.depth === 1 && key === 'metadata' ? AT_METADATA : AT_OTHER;
    if (at === AT_METADATA) return key === 'annotations' ? AT_ANNOTATIONS : AT_OTHER;
    return at === AT_ANNOTATIONS ? AT_ANNOTATION : AT_OTHER;
  }

  /** An implicit key at pos, on one line, up to and including its ':'. */
  private implicitKey(): Key {
    const src = this.src;
    const keyStart = this.pos;
    const firstLine = this.lineStart;
    let anchor: string | undefined;
    let tag: string | undefined;
    const c = src.charCodeAt(keyStart);
    if (c === 38 || c === 33) {
      this.readProps(false);
      anchor = this.propAnchor;
      tag = this.propTag;
      if (src.charCodeAt(this.pos) === 58 && isBlankz(src, this.pos + 1)) {
        // "&a: v": an empty key with properties
        const key = this.keyOf(null, K_EMPTY, anchor, tag, keyStart, this.depth === 1);
        this.pos++;
        return key;
      }
    }
    const value = this.readInline(false);
    if (this.kind === K_ALIAS && (anchor !== undefined || tag !== undefined)) this.aliasWithProps(keyStart);
    let j = this.pos;
    let d = src.charCodeAt(j);
    while (d === 32 || d === 9) d = src.charCodeAt(++j);
    if (d !== 58 || !isBlankz(src, j + 1) || this.lineStart !== firstLine) {
      if (this.kind === K_PLAIN && this.pos < this.len && !isBreak(src.charCodeAt(this.pos)) && src.charCodeAt(this.pos) !== 35) {
        this.fail('could not find expected \':\'', this.pos);
      }
      this.fail('could not find expected \':\' (a mapping entry needs "key: value")', keyStart);
    }
    if (j - keyStart > 1024) this.fail('could not find expected \':\' (an implicit key is limited to 1024 characters)', keyStart);
    const key = this.keyOf(value, this.kind, anchor, tag, keyStart, this.depth === 1);
    this.pos = j + 1;
    return key;
  }

  // ---------------------------------------------------------------- inline nodes

  /**
   * Reads properties (&anchor, !tag, in either order) at pos into propAnchor/propTag and skips
   * the blanks after them.
   */
  private readProps(flow: boolean): void {
    const src = this.src;
    let anchor: string | undefined;
    let tag: string | undefined;
    let sawTag = false;
    for (;;) {
      const c = src.charCodeAt(this.pos);
      if (c === 38 && anchor === undefined) {
        anchor = this.readName('anchor');
      } else if (c === 33 && !sawTag) {
        tag = this.readTag(flow);
        sawTag = true;
      } else {
        break;
      }
      let d = src.charCodeAt(this.pos);
      while (d === 32 || d === 9) d = src.charCodeAt(++this.pos);
    }
    this.propAnchor = anchor;
    this.propTag = tag;
  }

  /** An anchor or alias name after '&' or '*' at pos. */
  private readName(what: string): string {
    const src = this.src;
    const start = this.pos + 1;
    let i = start;
    while (isAnchorChar(src.charCodeAt(i))) i++;
    const c = src.charCodeAt(i);
    if (i === start || !(isBlankz(src, i) || c === 63 || c === 58 || c === 44 || c === 93 || c === 125 || c === 37 || c === 64 || c === 96)) {
      this.fail(`did not find expected alphabetic or numeric character while scanning an ${what}`, i);
    }
    this.pos = i;
    return src.slice(start, i);
  }

  /** A tag at pos ('!'), resolved through the %TAG handles to yaml.v3's short form. */
  private readTag(flow: boolean): string | undefined {
    const src = this.src;
    const start = this.pos;
    let i = start + 1;
    let full: string;
    if (src.charCodeAt(i) === 60) {
      // verbatim: !<...>
      const end = src.indexOf('>', i);
      if (end < 0) this.fail("did not find the expected '>' while scanning a tag", start);
      full = src.slice(i + 1, end);
      i = end + 1;
    } else {
      let handleEnd = start + 1;
      let j = start + 1;
      while (isAnchorChar(src.charCodeAt(j))) j++;
      if (src.charCodeAt(j) === 33) handleEnd = j + 1; // "!!" or "!name!"
      const handle = src.slice(start, handleEnd);
      i = handleEnd;
      while (isTagChar(src.charCodeAt(i), flow)) i++;
      const suffix = src.slice(handleEnd, i);
      let prefix = this.tagHandles.get(handle);
      if (prefix === undefined) {
        if (handle === '!!') prefix = YAML_PREFIX;
        else if (handle === '!') prefix = '!';
        else this.fail(`found undefined tag handle ${handle}`, start);
      }
      if (handle === '!' && suffix === '' && prefix === '!') {
        full = '!';
      } else {
        if (handle !== '!' && suffix === '') this.fail('did not find expected tag URI while parsing a tag', i);
        let decoded = suffix;
        if (suffix.indexOf('%') >= 0) {
          try {
            decoded = decodeURIComponent(suffix);
          } catch {
            this.fail('did not find URI escaped octet while parsing a tag', start);
          }
        }
        full = prefix + decoded;
      }
    }
    const c = src.charCodeAt(i);
    if (!isBlankz(src, i) && !(flow && (c === 44 || c === 93 || c === 125))) {
      this.fail('did not find expected whitespace or line break after a tag', i);
    }
    this.pos = i;
    if (full === '!' || full === '') return undefined; // the non-specific tag: yaml.v3 ignores it
    return full.startsWith(YAML_PREFIX) ? '!!' + full.slice(YAML_PREFIX.length) : full;
  }

  /**
   * One node that starts and (except quoted and flow nodes) ends on this line: alias, quoted
   * scalar, flow collection, or the first line of a plain scalar. Sets kind and raw.
   */
  private readInline(flow: boolean): Value {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    switch (c) {
      case 34:
        this.kind = K_QUOTED;
        this.raw = readDoubleQuoted(this);
        return this.raw;
      case 39:
        this.kind = K_QUOTED;
        this.raw = readSingleQuoted(this);
        return this.raw;
      case 91: {
        const v = this.flowSeq();
        this.kind = K_FLOW;
        return v;
      }
      case 123: {
        const v = this.flowMap();
        this.kind = K_FLOW;
        return v;
      }
      case 42: {
        this.kind = K_ALIAS;
        const name = this.readName('alias');
        this.raw = name;
        const v = this.deref(name, start);
        this.scalarTag = typeof v === 'string' ? TAG_STR : TAG_NULL;
        return (this.aliasValue = v);
      }
    }
    // a plain scalar: not an indicator, except "-", "?", ":" before a non-blank (in flow
    // collections "?" and ":" are always indicators)
    if (c === 45 || c === 63 || c === 58) {
      if (isBlankz(src, start + 1) || (flow && c !== 45)) this.fail(`found character that cannot start any token (${JSON.stringify(src[start])})`, start);
    } else if (c < 0x7f && CANNOT_START_PLAIN[c] === 1) {
      this.fail(`found character that cannot start any token (${JSON.stringify(src[start])})`, start);
    }
    const end = scanPlainLine(this, start, flow);
    this.kind = K_PLAIN;
    this.raw = src.slice(start, end);
    return null;
  }

  private aliasWithProps(pos: number): never {
    this.fail('did not find expected node content (an alias cannot have an anchor or a tag)', pos);
  }

  // ---------------------------------------------------------------- flow collections

  /** Skips blanks, line breaks and comments inside a flow collection. */
  private flowSpace(): void {
    const src = this.src;
    const len = this.len;
    let i = this.pos;
    for (;;) {
      const c = src.charCodeAt(i);
      if (c === 32 || c === 9) i++;
      else if (c === 35) {
        i = skipLine(src, i);
      } else if (isBreak(c)) {
        i = afterBreak(src, i);
        this.lineStart = i;
        if (isDocMarker(src, i)) this.fail('found unexpected document indicator inside a flow collection', i);
      } else break;
    }
    this.pos = i;
  }

  /** A node inside a flow collection (with properties), or an empty node before , ] } or :. */
  private flowNode(): Value {
    const src = this.src;
    const start = this.pos;
    let anchor: string | undefined;
    let tag: string | undefined;
    let c = src.charCodeAt(start);
    if (c === 38 || c === 33) {
      this.readProps(true);
      anchor = this.propAnchor;
      tag = this.propTag;
      this.flowSpace();
      c = src.charCodeAt(this.pos);
    }
    this.flowAnchor = anchor;
    this.flowTag = tag;
    if (anchor !== undefined || tag !== undefined) {
      if (c === 44 || c === 93 || c === 125 || c === 58) {
        this.kind = K_EMPTY;
        return this.empty(anchor, tag, true);
      }
    }
    if (this.pos >= this.len) this.fail('did not find expected node content (unterminated flow collection)', this.pos);
    if (c === 58 || c === 63) this.fail('did not find expected node content', this.pos);
    if (c === 45 && isBlankz(src, this.pos + 1)) this.fail('block sequence entries are not allowed in this context', this.pos);
    const nodeStart = this.pos;
    const value = this.readInline(true);
    const kind = this.kind;
    if (kind === K_ALIAS && (anchor !== undefined || tag !== undefined)) this.aliasWithProps(nodeStart);
    if (kind === K_PLAIN) {
      const text = this.plainFlow(this.raw);
      this.kind = K_PLAIN;
      this.raw = text;
      const v = this.scalarValue(K_PLAIN, text, anchor, tag, nodeStart);
      return tag === undefined && this.kustomize ? this.asRewrittenInFlow(text, v) : v;
    }
    if (kind === K_QUOTED) return this.scalarValue(K_QUOTED, this.raw, anchor, tag, nodeStart);
    if (kind === K_ALIAS && this.kustomize) {
      const text = this.anchorText.get(this.raw);
      if (text !== undefined) return this.asRewrittenInFlow(text, value);
    }
    return this.withAnchor(value, anchor);
  }

  /** Continuation lines of a plain scalar inside a flow collection. */
  private plainFlow(first: string): string {
    const src = this.src;
    const len = this.len;
    let text = first;
    for (;;) {
      let i = this.pos;
      if (!isBreak(src.charCodeAt(i))) return text;
      let breaks = 0;
      let c: number;
      for (;;) {
        i = afterBreak(src, i);
        breaks++;
        c = src.charCodeAt(i);
        while (c === 32 || c === 9) c = src.charCodeAt(++i);
        if (!isBreak(c)) break;
      }
      if (i >= len || c === 35 || c === 44 || c === 63 || c === 93 || c === 125 || c === 91 || c === 123 || (c === 58 && isBlankz(src, i + 1))) return text;
      const e = scanPlainLine(this, i, true);
      text += (breaks === 1 ? ' ' : '\n'.repeat(breaks - 1)) + src.slice(i, e);
    }
  }

  /** A flow sequence at pos ('['). */
  private flowSeq(): Value[] {
    const src = this.src;
    const open = this.pos;
    const arr: Value[] = [];
    this.depth++;
    const at = this.at;
    this.at = AT_OTHER;
    this.pos++;
    for (;;) {
      this.flowSpace();
      let c = src.charCodeAt(this.pos);
      if (c === 93) {
        this.pos++;
        break;
      }
      if (this.pos >= this.len) this.fail("did not find expected ',' or ']' (unterminated flow sequence)", open);
      if (c === 44) this.fail('did not find expected node content', this.pos);
      let item: Value;
      const entryPos = this.pos;
      if (c === 63) {
        // "? key : value" makes a single-pair mapping
        this.pos++;
        this.flowSpace();
        c = src.charCodeAt(this.pos);
        const key = c === 58 || c === 44 || c === 93 ? this.keyOf(this.empty(undefined, undefined, false), K_EMPTY, undefined, undefined, entryPos, false) : this.flowKey(entryPos, false);
        item = this.flowPair(key, entryPos, 93);
      } else {
        const value = this.flowNode();
        const kind = this.kind;
        this.flowSpace();
        if (src.charCodeAt(this.pos) === 58) {
          const key = this.keyOf(value, kind, this.flowAnchor, this.flowTag, entryPos, false);
          item = this.flowPair(key, entryPos, 93);
        } else {
          item = value;
        }
      }
      arr.push(item);
      this.flowSpace();
      c = src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        break;
      }
      if (this.pos >= this.len) this.fail("did not find expected ',' or ']' (unterminated flow sequence)", open);
      this.fail("did not find expected ',' or ']'", this.pos);
    }
    this.at = at;
    this.depth--;
    return arr;
  }

  /** The single-pair mapping of a "key: value" entry in a flow sequence (pos at ':' or after the key). */
  private flowPair(key: Key, keyPos: number, close: number): Value {
    const map: ValueMap = {};
    const value = this.flowValue(close);
    const merge = this.entry(map, key, value, keyPos, undefined);
    if (merge !== undefined) this.applyMerge(map, merge, keyPos);
    return map;
  }

  /** After a key in a flow collection: ": value", or nothing (an empty value). */
  private flowValue(close: number): Value {
    const src = this.src;
    this.flowSpace();
    if (src.charCodeAt(this.pos) !== 58) return this.empty(undefined, undefined, true);
    this.pos++;
    this.flowSpace();
    const c = src.charCodeAt(this.pos);
    if (c === 44 || c === close) return this.empty(undefined, undefined, true);
    return this.flowNode();
  }

  /** A key node in a flow collection, converted to a key. */
  private flowKey(keyPos: number, top: boolean): Key {
    const src = this.src;
    let anchor: string | undefined;
    let tag: string | undefined;
    let c = src.charCodeAt(this.pos);
    if (c === 38 || c === 33) {
      this.readProps(true);
      anchor = this.propAnchor;
      tag = this.propTag;
      this.flowSpace();
      c = src.charCodeAt(this.pos);
      if (c === 44 || c === 93 || c === 125 || c === 58) {
        return this.keyOf(null, K_EMPTY, anchor, tag, keyPos, top);
      }
    }
    if (c === 58 || c === 44) this.fail('did not find expected node content', this.pos);
    if (this.pos >= this.len) this.fail('did not find expected node content (unterminated flow collection)', this.pos);
    const value = this.readInline(true);
    if (this.kind === K_ALIAS && (anchor !== undefined || tag !== undefined)) this.aliasWithProps(keyPos);
    if (this.kind === K_PLAIN) this.raw = this.plainFlow(this.raw);
    return this.keyOf(value, this.kind, anchor, tag, keyPos, top);
  }

  /** A flow mapping at pos ('{'). */
  private flowMap(): ValueMap {
    const src = this.src;
    const open = this.pos;
    const map: ValueMap = {};
    const top = this.depth === 0;
    this.depth++;
    const at = this.at;
    this.pos++;
    let merge: Value | undefined;
    let mergePos = 0;
    for (;;) {
      this.flowSpace();
      let c = src.charCodeAt(this.pos);
      if (c === 125) {
        this.pos++;
        break;
      }
      if (this.pos >= this.len) this.fail("did not find expected ',' or '}' (unterminated flow mapping)", open);
      if (c === 44) this.fail('did not find expected node content', this.pos);
      const keyPos = this.pos;
      let key: Key;
      this.at = AT_OTHER;
      if (c === 63) {
        this.pos++;
        this.flowSpace();
        c = src.charCodeAt(this.pos);
        key = c === 58 || c === 44 || c === 125 ? this.keyOf(null, K_EMPTY, undefined, undefined, keyPos, top) : this.flowKey(keyPos, top);
      } else {
        key = this.flowKey(keyPos, top);
      }
      this.at = this.childAt(at, key);
      const value = this.flowValue(125);
      if (typeof key === 'object' || key === MERGE) mergePos = keyPos;
      merge = this.entry(map, key, value, keyPos, merge);
      this.flowSpace();
      c = src.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        break;
      }
      if (this.pos >= this.len) this.fail("did not find expected ',' or '}' (unterminated flow mapping)", open);
      this.fail("did not find expected ',' or '}'", this.pos);
    }
    this.at = at;
    this.depth--;
    if (merge !== undefined) this.applyMerge(map, merge, mergePos);
    return map;
  }

  // ---------------------------------------------------------------- values, keys, anchors

  /** An empty node: null, "" inside flow collections for kustomize, or what its tag makes of "". */
  private empty(anchor: string | undefined, tag: string | undefined, inFlow: boolean): Value {
    let v: Value;
    if (tag !== undefined) v = this.tagged(tag, '', this.pos);
    else v = inFlow && this.kustomize ? '' : null;
    this.scalarTag = tag ?? (v === '' ? TAG_STR : ''); // '': an empty plain scalar
    if (anchor !== undefined) {
      // the anchored node is an empty plain scalar: null wherever an alias puts it in block context
      this.anchors.set(anchor, tag === undefined ? null : v);
      if (tag === undefined) this.anchorText.set(anchor, '');
      else this.anchorText.delete(anchor);
    }
    return v;
  }

  private tagged(tag: string, text: string, pos: number): Value {
    try {
      const v = resolveTagged(tag, text);
      if (tag === TAG_BINARY && this.kustomize && typeof v === 'string' && JSON_REREAD_CHARS.test(v)) return jsonReread(v);
      return v;
    } catch (e) {
      if (e instanceof ResolveError || e instanceof TimestampRangeError || e instanceof KustomizeValueError) this.fail(e.message, pos);
      throw e;
    }
  }

  /** kustomize's JSON re-read of a string (see parse-kustomize.ts). */
  private reread(text: string, pos: number): string {
    try {
      return jsonReread(text);
    } catch (e) {
      if (e instanceof KustomizeValueError) this.fail(e.message, pos);
      throw e;
    }
  }

  /** A scalar's value from its text, style and tag; registers its anchor. */
  private scalarValue(kind: number, text: string, anchor: string | undefined, tag: string | undefined, pos: number): Value {
    let v: Value;
    if (kind === K_QUOTED && takeRereadFlag() && this.kustomize) text = this.reread(text, pos);
    this.scalarTag = tag ?? TAG_STR;
    if (tag !== undefined) v = this.tagged(tag, text, pos);
    else if (kind === K_PLAIN && this.kustomize && this.at === AT_ANNOTATION) {
      // kustomize rewrites annotations as strings from their source text (`port: 8080` → "8080").
      v = text;
    } else if (kind === K_PLAIN) {
      try {
        v = resolvePlain(text);
        this.scalarTag = resolved.tag;
      } catch (e) {
        if (e instanceof TimestampRangeError) this.fail(e.message, pos);
        throw e;
      }
    } else v = text;
    if (anchor !== undefined) {
      this.anchors.set(anchor, v);
      if (kind === K_PLAIN && tag === undefined) this.anchorText.set(anchor, text);
      else this.anchorText.delete(anchor);
    }
    return v;
  }

  private withAnchor<T extends Value>(v: T, anchor: string | undefined): T {
    if (anchor !== undefined) {
      this.anchors.set(anchor, v);
      this.anchorText.delete(anchor);
    }
    return v;
  }

  /**
   * A plain scalar inside a flow collection as kustomize ends up with it: yaml.v3's emitter
   * cannot write an empty scalar or one with ':' plain there, so it quotes it and the value
   * reads back as a string. That changes only empty values (null) and timestamps with a time.
   */
  private asRewrittenInFlow(text: string, v: Value): Value {
    if (text === '') return '';
    if (typeof v === 'string' && text.indexOf(':') >= 0 && v !== text && resolvePlain(text) === v && resolved.tag === TAG_TIMESTAMP) return text;
    return v;
  }

  /** The key of an explicit "? key" entry (v was the last node read). */
  private explicitKey(v: Value, pos: number): Key {
    if (typeof v === 'string' && this.scalarTag === TAG_STR) return v === '<<' && this.kustomize ? DROP : v;
    // an empty key: kustomize's round trip quotes it, so it reads as ""
    if (v === null && this.scalarTag === '' && this.kustomize) return '';
    if (v !== null && typeof v === 'object') this.fail('invalid map key: a mapping or sequence cannot be a key', pos);
    return this.nonStringKey(v, String(v), pos, this.depth === 1);
  }

  /**
   * The string key of a scalar (or the merge marker). yaml.v3 makes a map with non-string
   * keys, which kustomize cannot write as JSON: it fails, except at a document's top level
   * where the key's source text is used (yaml.v3 decoding into map[string]interface{}).
   */
  private keyOf(value: Value, kind: number, anchor: string | undefined, tag: string | undefined, pos: number, top: boolean): Key {
    let key: Value;
    let text: string;
    let isString: boolean;
    if (kind === K_PLAIN || kind === K_QUOTED) {
      text = this.raw;
      if ((kind === K_PLAIN && tag === undefined && text === '<<') || (tag === TAG_MERGE && (this.kustomize || text === '<<'))) {
        // kyaml merges on the !!merge tag whatever the key says, and keeps a key other than "<<"
        if (anchor !== undefined) this.anchors.set(anchor, text);
        return text === '<<' ? MERGE : { keep: text };
      }
      if (kind === K_QUOTED && takeRereadFlag() && this.kustomize) this.rereadKey(text, pos);
      if (tag !== undefined) {
        key = this.tagged(tag, text, pos);
        isString = tag === TAG_STR;
      } else if (kind === K_PLAIN) {
        key = this.scalarValue(K_PLAIN, text, undefined, undefined, pos);
        isString = resolved.tag === TAG_STR;
      } else {
        key = text;
        isString = true;
      }
      if (anchor !== undefined) this.anchors.set(anchor, key);
    } else if (kind === K_ALIAS) {
      key = this.aliasValue;
      this.aliasKey = !this.kustomize; // kustomize replaces aliases by copies before yaml.v3 decodes
      if (key !== null && typeof key === 'object') this.fail('invalid map key: a mapping or sequence cannot be a key', pos);
      text = String(key);
      isString = typeof key === 'string';
    } else if (kind === K_EMPTY) {
      // an empty key ("{? : x}", "&a: x"): kustomize's round trip quotes it, so it reads as ""
      key = tag !== undefined ? this.tagged(tag, '', pos) : this.kustomize ? '' : null;
      text = '';
      isString = tag === TAG_STR || (tag === undefined && this.kustomize);
      if (anchor !== undefined) this.anchors.set(anchor, key);
    } else {
      this.fail('invalid map key: a mapping or sequence cannot be a key', pos);
    }
    if (isString) {
      if (key === '<<' && this.kustomize) return DROP;
      return key as string;
    }
    return this.nonStringKey(key, text, pos, top);
  }

  private rereadKey(text: string, pos: number): void {
    try {
      jsonRereadKey(text);
    } catch (e) {
      if (e instanceof KustomizeValueError) this.fail(e.message, pos);
      throw e;
    }
  }

  /** Stores a mapping entry, or a merge ("<<") value; returns the merge value so far. */
  private entry(map: ValueMap, key: Key, value: Value, pos: number, merge: Value | undefined): Value | undefined {
    if (key === DROP) return merge;
    if (typeof key === 'string') {
      if (this.aliasKey) {
        // yaml.v3 finds duplicates by comparing key nodes, and an alias node is not its target
        this.aliasKey = false;
        setKey(map, key, value);
      } else {
        this.setEntry(map, key, value, pos);
      }
      return merge;
    }
    if (merge !== undefined) this.fail('duplicate merge key', pos);
    if (key !== MERGE) this.setEntry(map, key.keep, this.copy(value, pos), pos);
    return value;
  }

  private nonStringKey(key: Value, text: string, pos: number, top: boolean): string {
    if (!this.kustomize) return key === null ? 'null' : typeof key === 'string' ? key : String(key);
    if (key === null) this.fail('a null mapping key cannot be written as JSON', pos);
    if (top) return text;
    this.fail(`non-string mapping key ${text === '' ? '(empty)' : text} (kustomize cannot write a map with non-string keys as JSON; quote the key)`, pos);
  }

  private setEntry(map: ValueMap, key: string, value: Value, pos: number): void {
    if (this.opts.uniqueKeys && map[key] !== undefined && Object.hasOwn(map, key)) {
      this.fail(`mapping key ${JSON.stringify(key)} already defined`, pos);
    }
    setKey(map, key, value);
  }

  /** "<<": entries of the merged mapping(s) that the mapping does not set; earlier sources win. */
  private applyMerge(map: ValueMap, merge: Value, pos: number): void {
    const sources = Array.isArray(merge) ? merge : [merge];
    for (const s of sources) {
      if (Array.isArray(s) && Array.isArray(merge)) this.fail('invalid map merge: received a nested sequence', pos);
      if (s === null || typeof s !== 'object' || Array.isArray(s)) this.fail('map merge requires map or sequence of maps as the value', pos);
    }
    for (const s of sources as ValueMap[]) {
      for (const k of Object.keys(s)) if (!Object.hasOwn(map, k)) setKey(map, k, s[k]!);
    }
  }

  /** The value of an alias: a fresh copy of the anchored value, within the expansion budget. */
  private deref(name: string, pos: number): Value {
    const v = this.anchors.get(name);
    if (v === undefined) this.fail(`unknown anchor '${name}' referenced`, pos);
    return this.copy(v, pos);
  }

  private copy(v: Value, pos: number): Value {
    if (--this.budget < 0) {
      this.fail(`alias expansion limit: the document expands aliases into more than ${this.opts.maxAliasExpansion} nodes`, pos);
    }
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const out = new Array<Value>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = this.copy(v[i]!, pos);
      return out;
    }
    const out: ValueMap = {};
    for (const k of Object.keys(v)) setKey(out, k, this.copy(v[k]!, pos));
    return out;
  }
}

