/**
 * Reading YAML into plain values, the way kustomize v5.5 sees a file: gopkg.in/yaml.v3's
 * syntax (libyaml's rules, including where they differ from the YAML 1.2 text) and its
 * decoding into interface{} (resolve.ts: how scalars are typed), behind kyaml's reader.
 * This is the build's hot path, so it is a hand-written single-pass reader (parse-reader.ts)
 * rather than a general YAML library.
 *
 * The 'kustomize' dialect (the default) adds what kustomize itself does around yaml.v3:
 * - it splits the stream at lines starting with "---" first: such a line may only carry a
 *   comment ("invalid document separator"), a directive is a document of its own (an error),
 *   and text after "..." up to the next "---" is never read;
 * - mapping keys must be strings, except at a document's top level where a non-string key
 *   keeps its source text ("1: x" is {"1": x}); kustomize cannot write the others as JSON;
 *   a string key "<<" is dropped, and "!!merge" merges whatever the key says (kyaml);
 * - the emit-and-read round trips of parse-kustomize.ts: empty values inside flow
 *   collections read as "", folded scalars as yaml.v3's emitter garbles them, and so on.
 * The 'go' dialect is plain yaml.v3 + JSON: separators and directives follow YAML, values are
 * what yaml.v3 decodes, and non-string keys become their text (1, true, null).
 */
import { Reader } from './parse-reader.js';
import { ScanError } from './parse-scalars.js';
import { type Value, YamlError } from './types.js';

export interface ParseOptions {
  /** Named in error messages. */
  filename?: string;
  /**
   * How many nodes aliases may expand into per document (each alias copies its anchored
   * value); beyond it the parse fails with "alias expansion limit". Bounds billion-laughs
   * documents. Default 100,000.
   */
  maxAliasExpansion?: number;
  /** Default 'kustomize'; see the module comment. */
  dialect?: 'kustomize' | 'go';
  /**
   * yaml.v3 rejects a key that appears twice in one mapping (default true). false keeps the
   * last value, as kustomize's reading of kustomization files (sigs.k8s.io/yaml) does.
   */
  uniqueKeys?: boolean;
}

const DEFAULT_MAX_ALIAS_EXPANSION = 100_000;

/** Characters libyaml refuses in a stream: C0/C1 controls (but tab, LF, CR, NEL) and U+FFFE/U+FFFF. */
const CONTROL_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/;

/** 1-based line and column of an offset (LF, CR LF, CR, NEL, LS and PS end lines). */
export function lineAndColumn(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(pos, src.length);
  for (let i = 0; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 10 || c === 0x85 || c === 0x2028 || c === 0x2029 || (c === 13 && src.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}

function positioned(text: string, opts: ParseOptions | undefined, message: string, pos: number): YamlError {
  const { line, column } = lineAndColumn(text, pos);
  return new YamlError(message, opts?.filename, line, column);
}

/**
 * The scanners check control characters in the text they take in (comments and scalars); a
 * syntax error elsewhere may come from one, which libyaml would have named: name it too.
 */
function failure(text: string, opts: ParseOptions | undefined, message: string, pos: number): YamlError {
  const bad = CONTROL_CHARS.exec(text);
  if (bad && bad.index <= pos && !message.startsWith('control characters')) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return positioned(text, opts, `control characters are not allowed (U+${code})`, bad.index);
  }
  return positioned(text, opts, message, pos);
}

function read(text: string, opts: ParseOptions | undefined, starts: number[]): Value[] {
  const reader = new Reader(text, {
    maxAliasExpansion: opts?.maxAliasExpansion ?? DEFAULT_MAX_ALIAS_EXPANSION,
    dialect: opts?.dialect ?? 'kustomize',
    uniqueKeys: opts?.uniqueKeys ?? true,
  });
  try {
    return reader.readStream(starts);
  } catch (e) {
    if (e instanceof ScanError) throw failure(text, opts, e.message, e.pos);
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw positioned(text, opts, 'the document nests too deeply', reader.pos);
    }
    throw e;
  }
}

/** One value per document, in order; an empty document ("---" alone, or only comments after it) is null. */
export function parseAllDocuments(text: string, opts?: ParseOptions): Value[] {
  return read(text, opts, []);
}

/** The single document of text (null when there is none); more than one is an error. */
export function parseDocument(text: string, opts?: ParseOptions): Value {
  const starts: number[] = [];
  const docs = read(text, opts, starts);
  if (docs.length > 1) {
    throw positioned(text, opts, `expected a single document but found ${docs.length}`, starts[1] ?? 0);
  }
  return docs.length === 0 ? null : docs[0]!;
}
