/**
 * The YAML reader, case by case: each input with the exact value (or error) expected. The
 * expected values are what kustomize v5.5 (kubectl.1.32 kustomize) produced for the same
 * input placed in a resource, unless a case says it is the 'go' dialect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments, parseDocument, type ParseOptions } from '../../src/yaml/parse.js';
import { YamlError, type Value } from '../../src/yaml/types.js';

const one = (text: string, opts?: ParseOptions): Value => parseDocument(text, opts);
const go: ParseOptions = { dialect: 'go' };

/** Asserts that reading fails with a YamlError whose message matches, at line:column. */
function fails(text: string, message: RegExp, line?: number, column?: number, opts?: ParseOptions): void {
  assert.throws(
    () => parseAllDocuments(text, opts),
    (e: unknown) => {
      assert.ok(e instanceof YamlError, `expected a YamlError, got ${String(e)}`);
      assert.match(e.message, message);
      if (line !== undefined) assert.equal(e.line, line, `line of: ${e.message}`);
      if (column !== undefined) assert.equal(e.column, column, `column of: ${e.message}`);
      return true;
    },
  );
}

test('block mappings and sequences, nested, with comments everywhere', () => {
  assert.deepEqual(one('a: 1\nb:\n  c: x\n  d:\n    e: y\n'), { a: 1, b: { c: 'x', d: { e: 'y' } } });
  assert.deepEqual(one('- a\n- b\n-\n  - c\n'), ['a', 'b', ['c']]);
  assert.deepEqual(
    one('# head\na: 1 # after a\n\n# between\nb: # after key\n  # before value\n  - x # after x\n  # trailing\n# end\n'),
    { a: 1, b: ['x'] },
  );
  assert.deepEqual(one('key:   spaced   \nother:\tvalue\n'), { key: 'spaced', other: 'value' });
  assert.deepEqual(one('a :  b\n"c" : d\n'), { a: 'b', c: 'd' });
});

test('a sequence may sit at its key\'s indentation (indentless), and compact forms nest', () => {
  assert.deepEqual(one('a:\n- 1\n- 2\nb: 3\n'), { a: [1, 2], b: 3 });
  assert.deepEqual(one('- a: 1\n  b: 2\n- - x\n  - y\n- ? k\n  : v\n'), [{ a: 1, b: 2 }, ['x', 'y'], { k: 'v' }]);
  assert.deepEqual(one('- a:\n  - x\n  b: 1\n'), [{ a: ['x'], b: 1 }]);
  assert.deepEqual(one('- - - deep\n'), [[['deep']]]);
  assert.deepEqual(one('a:\n  b:\n  - c\n  d: e\n'), { a: { b: ['c'], d: 'e' } });
});

test('empty values are null in block context', () => {
  assert.deepEqual(one('a:\nb: ~\nc: null\nd: Null\ne: NULL\nf: nULL\n'), { a: null, b: null, c: null, d: null, e: null, f: 'nULL' });
  assert.deepEqual(one('- \n-\n- ~\n'), [null, null, null]);
  assert.deepEqual(one('a:\n# comment\nb:\n'), { a: null, b: null });
  assert.deepEqual(one('- a:\n- b\n'), [{ a: null }, 'b']);
});

test('explicit keys', () => {
  assert.deepEqual(one('? a\n: b\n? c\n'), { a: 'b', c: null });
  assert.deepEqual(one('? |\n  block key\n: v\n'), { 'block key\n': 'v' });
  assert.deepEqual(one('? !!str 1\n: a\n? "<<"\n: b\n'), { '1': 'a' });
  fails('x:\n  ? !custom\n  : v\n', /non-string mapping key/, 2, 3);
  // an empty key is "" to kustomize (its emitter quotes it), null to yaml.v3
  assert.deepEqual(one('&u: q\nb:\n- &k : v\n- ? \n  : w\n'), { '': 'q', b: [{ '': 'v' }, { '': 'w' }] });
  assert.deepEqual(one('b:\n- &k : v\n', go), { b: [{ null: 'v' }] });
  fails('&u: q\n? \n: w\n', /mapping key "" already defined/, 2, 1);
  fails('x:\n  ? 2001-12-14\n  : v\n', /non-string mapping key/);
  fails('? [a]\n: x\n', /invalid map key/, 1, 1);
  fails('? - a\n: x\n', /invalid map key/, 1, 1);
});

test('plain scalars: folding, comments, indicators inside', () => {
  assert.deepEqual(one('a: plain\n  multi\n\n  line\n    deeper\nb: 1\n'), { a: 'plain multi\nline deeper', b: 1 });
  assert.deepEqual(one('a: x#y\nb: x # c\nc: -x\nd: ?x\ne: :x\nf: x:y\ng: a b  c\nh: http://h:80/p?q=1#frag\n'), {
    a: 'x#y',
    b: 'x',
    c: '-x',
    d: '?x',
    e: ':x',
    f: 'x:y',
    g: 'a b  c',
    h: 'http://h:80/p?q=1#frag',
  });
  // a continuation line may start like a sequence entry: it is text
  assert.deepEqual(one('a: x\n  - y\n'), { a: 'x - y' });
  assert.deepEqual(one('top\nlevel\n\n  scalar\n'), 'top level\nscalar');
  fails('a: x\n  b: y\n', /mapping values are not allowed in this context/, 2, 4);
  fails('a: x\n  # c\n  y\n', /bad indentation of a mapping entry/, 3, 3);
  fails('a: b: c\n', /mapping values are not allowed in this context/, 1, 5);
  fails('a: - b\n', /block sequence entries are not allowed in this context/, 1, 4);
});

test('single-quoted scalars', () => {
  assert.deepEqual(one("a: 'it''s'\nb: '  x  '\nc: 'x\n  y\n\n\n  z '\nd: ''\ne: '#not comment'\n"), {
    a: "it's",
    b: '  x  ',
    c: 'x y\n\nz ',
    d: '',
    e: '#not comment',
  });
  fails("a: 'open\n", /unexpected end of stream/, 1, 4);
});

test('double-quoted scalars: every escape, folding and escaped line breaks', () => {
  assert.deepEqual(one('a: "x\\ty\\x41\\u00e9\\U0001F600\\a\\b\\e\\f\\v\\_\\L\\P\\ \\"z\\0\\\'\\\\\\r\\n"\n', go), {
    a: 'x\tyA\u00e9\u{1F600}\x07\b\x1b\f\v\xa0\u2028\u2029 "z\0\'\\\r\n',
  });
  assert.deepEqual(one('k: "one\n    two\n\n    three \\\n    four\\\n     five"\n'), { k: 'one two\nthree fourfive' });
  assert.deepEqual(one('a: "  lead and trail  "\nb: "a  \n   b"\nc: "a\\\n\n    b"\nd: ""\n'), { a: '  lead and trail  ', b: 'a b', c: 'a\nb', d: '' });
  assert.deepEqual(one('a: "x\n\ty"\n'), { a: 'x y' });
  fails('a: "\\/"\n', /unknown escape character/, 1, 5);
  fails('a: "\\ud83d\\ude00"\n', /invalid Unicode character escape/);
  fails('a: "\\xZZ"\n', /hexdecimal number/);
  fails('a: "open\n', /unexpected end of stream/);
  fails('a: "x\n---\n  y"\n', /unexpected document indicator/, 2, 1);
});

test('literal and folded block scalars: chomping, indentation indicators, empty lines', () => {
  assert.deepEqual(one('a: |\n  one\n  two\nb: |-\n  x\n\nc: |+\n  y\n\n\nd: |\ne: x\n'), { a: 'one\ntwo\n', b: 'x', c: 'y\n\n\n', d: '', e: 'x' });
  assert.deepEqual(one('a: |2\n    indented\n   less\nb: >2-\n   x\n  y\n'), { a: '  indented\n less\n', b: ' x\ny' });
  assert.deepEqual(one('a: |\n\n\n  x\n\n'), { a: '\n\nx\n' });
  assert.deepEqual(one('a: |\n  trailing\n    \n'), { a: 'trailing\n  \n' });
  assert.deepEqual(one('a: |  # comment\n  # not a comment\n  x\n# a comment\nb: 1\n'), { a: '# not a comment\nx\n', b: 1 });
  assert.deepEqual(one('- |\n  in seq\n- >\n  folded\n  seq\n'), ['in seq\n', 'folded seq\n']);
  assert.deepEqual(one('a: >\n  f1\n  f2\n\n  f3\nb: >-\n\n  x\n  y\nc: >+\n\n'), { a: 'f1 f2\nf3\n', b: '\nx y', c: '\n' });
  assert.deepEqual(one('--- |\n  top\n'), 'top\n');
  assert.deepEqual(one('a: |\n  no final newline'), { a: 'no final newline' });
  fails('a: |0\n  x\n', /indentation indicator equal to 0/);
  fails('a: | x\n', /expected comment or line break/);
  fails('a: |\n      \n    x\n', /bad indentation of a mapping entry/, 3, 5);
});

test('folded scalars go through yaml.v3\'s emitter bug in kustomize, not in the go dialect', () => {
  const text = 'a: >\n  a\n   b\n  c\n\n   d\n  e\nk: >+\n  x\n\nl: >2\n   lead\n  x\n\n  y\nt: >\n  x\n  \ty\n  z\n';
  assert.deepEqual(one(text), { a: 'a\n\n b\nc\n\n\n d\ne\n', k: 'x\n\n\n', l: ' lead\nx y\n', t: 'x\n\n\ty\nz\n' });
  assert.deepEqual(one(text, go), { a: 'a\n b\nc\n\n d\ne\n', k: 'x\n\n', l: ' lead\nx\ny\n', t: 'x\n\ty\nz\n' });
  // values the emitter writes double-quoted (trailing space, unprintable characters) are exact
  assert.deepEqual(one('a: >\n  x \n   y\n'), { a: 'x \n y\n' });
  assert.deepEqual(one('a: >\n  x\n   \u{1F600}\n'), { a: 'x\n \u{1F600}\n' });
  // kustomize rebuilds metadata.annotations before the round trip: the value stays as read
  assert.deepEqual(one('metadata:\n  annotations:\n    a: >\n      a\n       b\n  labels:\n    a: >\n      a\n       b\n'), {
    metadata: { annotations: { a: 'a\n b\n' }, labels: { a: 'a\n\n b\n' } },
  });
});

test('a keep-chomped block scalar followed only by comments gains a line break in kustomize', () => {
  assert.deepEqual(one('a: 1\nb: |+\n  x\n\n# foot\n'), { a: 1, b: 'x\n\n\n' });
  assert.deepEqual(one('b: |+\n  x\n\n# not a foot comment\nc: 1\n'), { b: 'x\n\n', c: 1 });
  assert.deepEqual(one('b: |+\n  x\n# foot\n'), { b: 'x\n' });
  assert.deepEqual(one('b: |+\n  x\n\n# foot\n', go), { b: 'x\n\n' });
});

test('flow collections: nesting, several lines, trailing commas, pairs', () => {
  assert.deepEqual(one('a: [1, [2, 3], {b: c, d: [e]}]\n'), { a: [1, [2, 3], { b: 'c', d: ['e'] }] });
  assert.deepEqual(one('a: [a, b\n  c, d,\n  ]\nb: {x: 1,\n# comment\n  y: 2,}\n'), { a: ['a', 'b c', 'd'], b: { x: 1, y: 2 } });
  assert.deepEqual(one('a: [a: 1, "b":2, ? c : 3, d]\n'), { a: [{ a: 1 }, { b: 2 }, { c: 3 }, 'd'] });
  assert.deepEqual(one('a: {a:b, "c":d, e :f, ? g: h, i}\n'), { a: { 'a:b': '', c: 'd', 'e :f': '', g: 'h', i: '' } });
  assert.deepEqual(one('a: [http://x.y/z, a::b, a#c, -a, -]\n'), { a: ['http://x.y/z', 'a::b', 'a#c', '-a', '-'] });
  // libyaml ends a plain scalar at '?' inside flow collections
  fails('a: [http://x/y?q=1]\n', /expected ',' or ']'/, 1, 15);
  fails('a: {a?b: 1}\n', /expected ',' or '}'/);
  assert.deepEqual(one('a: [?b]\n'), { a: [{ b: '' }] });
  assert.deepEqual(one('a: [a,\nb]\nc: {x: 1\n, y: 2}\n'), { a: ['a', 'b'], c: { x: 1, y: 2 } });
  assert.deepEqual(one('{a: 1, b: [x]}\n'), { a: 1, b: ['x'] });
  assert.deepEqual(one('[]\n'), []);
  assert.deepEqual(one('a: {}\nb: [ ]\n'), { a: {}, b: [] });
  fails('a: [,]\n', /expected node content/, 1, 5);
  fails('a: {: x}\n', /expected node content/);
  fails('a: [a:[1]]\n', /expected ',' or ']'/);
  fails('a: [a\n', /unterminated flow sequence/, 1, 4);
  fails('a: {a: 1 b: 2}\n', /expected ',' or '}'/);
  fails('a: [1] x\n', /unexpected content/, 1, 8);
});

test('empty values inside flow collections are "" for kustomize and null in the go dialect', () => {
  assert.deepEqual(one('x: &e\na: {q: *e}\nb: *e\nc: [&f , *f]\nd: *f\n'), { x: null, a: { q: '' }, b: null, c: ['', ''], d: null });
  const text = 'b: {c: }\nc: {c}\nd: [x: ]\nf: {c: ~}\ng: [!!str , x]\nh: {? }\n';
  assert.deepEqual(one(text), { b: { c: '' }, c: { c: '' }, d: [{ x: '' }], f: { c: null }, g: ['', 'x'], h: { '': '' } });
  assert.deepEqual(one(text, go), { b: { c: null }, c: { c: null }, d: [{ x: null }], f: { c: null }, g: ['', 'x'], h: { null: null } });
});

test('untagged plain scalars are typed as yaml.v3 types them', () => {
  assert.deepEqual(one('[0777, 0x1F, 1_000, yes, 1.0, 1e3, .5, ~, 08, 0o17, 0b101, 1_0.5, +1, -0, 0, 00, 09.5, 0x_1F, 1__000]\n'), [
    511, 31, 1000, 'yes', 1, 1000, 0.5, null, 8, 15, 5, 10.5, 1, 0, 0, 0, 9.5, 31, 1000,
  ]);
  assert.deepEqual(one('[0b-101, 0o-17, -0b101, 0B11, +0x1F, -0o17, _1, 1_, 0x, 0o, 0b, 0xG]\n'), [-5, -15, -5, 3, 31, -15, '_1', 1, '0x', '0o', '0b', '0xG']);
  assert.deepEqual(one('[.5_0, ._5, 1., +.5, -.5e-3, 1e400, 1e-400, 1e+5, 1E5, 12e, 0x1p3, -0.0, .e1, .5_]\n'), [
    0.5, '._5', 1, 0.5, -0.0005, '1e400', 0, 100000, 100000, '12e', '0x1p3', 0, '.e1', '.5_',
  ]);
  assert.deepEqual(one('[true, True, TRUE, false, False, FALSE, tRUE, on, off, y, n, ~x]\n'), [true, true, true, false, false, false, 'tRUE', 'on', 'off', 'y', 'n', '~x']);
  const inf = one('[.inf, .Inf, +.INF, -.inf, .nan, .NaN]\n') as number[];
  assert.deepEqual(inf.slice(0, 4), [Infinity, Infinity, Infinity, -Infinity]);
  assert.ok(Number.isNaN(inf[4]) && Number.isNaN(inf[5]));
});

test('integers beyond 2^53 are exact bigints; beyond 64 bits they become floats', () => {
  assert.deepEqual(one('[9007199254740991, 9007199254740993, 12345678901234567890, 18446744073709551615, 18446744073709551616, 100000000000000000000000]\n'), [
    9007199254740991,
    9007199254740993n,
    12345678901234567890n,
    18446744073709551615n,
    18446744073709551616,
    1e23,
  ]);
  assert.deepEqual(one('[9223372036854775807, -9223372036854775808, -9223372036854775809, 0xFFFFFFFFFFFFFFFF, +9223372036854775808]\n'), [
    9223372036854775807n,
    -9223372036854775808n,
    -9223372036854775809,
    18446744073709551615n,
    9223372036854775808,
  ]);
});

test('timestamps become their RFC 3339 text, as kustomize writes them', () => {
  assert.deepEqual(
    one('- 2001-12-14\n- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10\n- "2001-12-14"\n- 2001-2-3\n- 2001-12-14t21:59:43,10-05:00\n- 2001-12-14  21:59:43.1234567891\n'),
    ['2001-12-14T00:00:00Z', '2001-12-14T21:59:43.1-05:00', '2001-12-14T21:59:43.1Z', '2001-12-14', '2001-02-03T00:00:00Z', '2001-12-14T21:59:43.1-05:00', '2001-12-14T21:59:43.123456789Z'],
  );
  assert.deepEqual(one('- 2001-12-14T21:59:43+00:00\n- 2001-12-14T21:59:43-00:30\n- 2001-12-14T21:59:43+05:60\n- 2001-12-14T21:59:43.000Z\n- 0001-01-01\n- 2000-02-29\n'), [
    '2001-12-14T21:59:43Z',
    '2001-12-14T21:59:43-00:30',
    '2001-12-14T21:59:43+06:00',
    '2001-12-14T21:59:43Z',
    '0001-01-01T00:00:00Z',
    '2000-02-29T00:00:00Z',
  ]);
  // inside flow collections kustomize ends up with the text of a timestamp that has a time
  // (yaml.v3's emitter quotes it there for its ':'), but not of a date
  assert.deepEqual(one('a: [2001-12-14 21:59:43.10, 2001-12-14]\nb: {c: 2001-12-14T21:59:43Z}\n'), { a: ['2001-12-14 21:59:43.10', '2001-12-14T00:00:00Z'], b: { c: '2001-12-14T21:59:43Z' } });
  assert.deepEqual(one('a: [2001-12-14 21:59:43.10]\n', go), { a: ['2001-12-14T21:59:43.1Z'] });
  assert.deepEqual(one('x: &t 2001-12-14 21:59:43.10\na: [*t]\nb: *t\n'), { x: '2001-12-14T21:59:43.1Z', a: ['2001-12-14 21:59:43.10'], b: '2001-12-14T21:59:43.1Z' });
  // not timestamps: they stay strings
  assert.deepEqual(one('- 2001-02-29\n- 2001-12-14T21:59:43\n- 2001-12-14T24:00:00Z\n- 2001-13-01\n- 2001-12-14 21:59:43.10 -5\n- 20011-12-14\n'), [
    '2001-02-29',
    '2001-12-14T21:59:43',
    '2001-12-14T24:00:00Z',
    '2001-13-01',
    '2001-12-14 21:59:43.10 -5',
    '20011-12-14',
  ]);
  fails('a: 2001-12-14T21:59:43+24:00\n', /timezone hour outside of range/, 1, 4);
});

test('explicit tags', () => {
  assert.deepEqual(one('a: !!str 1\nb: !!int "12"\nc: !!float 1\nd: !!bool "true"\ne: !!null ""\nf: !foo bar\ng: !!binary aGVsbG8=\nh: !foo {x: 1}\ni: !!float "1.5"\nj: !!timestamp 2001-12-14\nk: !!str\nl: !<tag:yaml.org,2002:int> "7"\n'), {
    a: '1',
    b: 12,
    c: 1,
    d: true,
    e: null,
    f: 'bar',
    g: 'hello',
    h: { x: 1 },
    i: 1.5,
    j: '2001-12-14T00:00:00Z',
    k: '',
    l: 7,
  });
  assert.deepEqual(one('a: ! 12\nb: ! "12"\nc: !!map x\nd: !!seq [1]\ne: !!str [1]\nf: !!binary |\n  aGVs\n  bG8=\n'), { a: 12, b: '12', c: 'x', d: [1], e: [1], f: 'hello' });
  assert.deepEqual(one('%TAG !e! tag:example.com,2000:\n---\na: !e!foo 12\n', go), { a: '12' });
  fails('a: !!int abc\n', /cannot decode !!str `abc` as a !!int/, 1, 10);
  fails('a: !!bool yes\n', /cannot decode !!str `yes` as a !!bool/);
  fails('a: !!float 12345678901234567890\n', /cannot decode !!int `1234567...` as a !!float/);
  fails('a: !!int 1.5\n', /cannot decode !!float `1.5` as a !!int/);
  fails('a: !!null x\n', /cannot decode !!str `x` as a !!null/);
  fails('a: !!int\n', /cannot decode !!null `` as a !!int/);
  fails("a: !!binary 'aGVsbG8'\n", /invalid base64/);
  fails('a: !e!x y\n', /undefined tag handle !e!/);
});

test('anchors and aliases copy values; unknown and self references fail', () => {
  const v = one('a: &x {p: [1, 2]}\nb: *x\nc: &s str\nd: *s\ne: &e\nf: *e\n') as { a: unknown; b: unknown };
  assert.deepEqual(v, { a: { p: [1, 2] }, b: { p: [1, 2] }, c: 'str', d: 'str', e: null, f: null });
  assert.notEqual(v.a, v.b, 'an alias is a copy, as yaml.v3 decodes it again');
  assert.deepEqual(one('a: &x 1\nb: &x 2\nc: *x\n'), { a: 1, b: 2, c: 2 });
  // yaml.v3 finds duplicate keys by comparing nodes, and an alias node is not its target;
  // kustomize has replaced the alias by a copy of the target by then
  assert.deepEqual(one('&k key: v\n*k : w\n', go), { key: 'w' });
  fails('&k key: v\n*k : w\n', /mapping key "key" already defined/, 2, 1);
  assert.deepEqual(one('a: [&x 1, *x]\nb: {&k key: v, *k : w}\n', { uniqueKeys: false }), { a: [1, 1], b: { key: 'w' } });
  fails('a: *nope\n', /unknown anchor 'nope' referenced/, 1, 4);
  fails('a: &x [*x]\n', /unknown anchor 'x'/);
  fails('a: &anc!hor x\n', /alphabetic or numeric character while scanning an anchor/);
  fails('a: &x 1\nb: &y *x\n', /an alias cannot have an anchor or a tag/, 2, 7);
  fails('a: &x 1\nb: [!!str *x]\n', /an alias cannot have an anchor or a tag/);
});

test('alias expansion is bounded (billion laughs)', () => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const p = String.fromCharCode(96 + i);
    const n = String.fromCharCode(97 + i);
    lines.push(`${n}: &${n} [${Array(9).fill('*' + p).join(',')}]`);
  }
  fails(lines.join('\n') + '\n', /alias expansion limit/);
  // within the limit
  assert.equal((one(lines.slice(0, 3).join('\n') + '\n') as { c: unknown[] }).c.length, 9);
  fails(lines.slice(0, 3).join('\n') + '\n', /alias expansion limit/, undefined, undefined, { maxAliasExpansion: 50 });
});

test('merge keys: explicit keys win, then earlier sources; kyaml\'s rules for "<<"', () => {
  assert.deepEqual(
    one('base: &b {x: 1, y: 2, z: 3}\nother: &o {y: 20, w: 40}\nm1:\n  x: 10\n  <<: *b\n  z: 30\nm2:\n  <<: [*o, *b]\nm3:\n  <<: {x: 5}\nm4:\n  <<: *b\n  x: null\n'),
    {
      base: { x: 1, y: 2, z: 3 },
      other: { y: 20, w: 40 },
      m1: { x: 10, y: 2, z: 30 },
      m2: { y: 20, w: 40, x: 1, z: 3 },
      m3: { x: 5 },
      m4: { x: null, y: 2, z: 3 },
    },
  );
  assert.deepEqual(one('m: {<<: {a: 1}, b: 2}\nn: [<<: {a: 1}]\no:\n  !!merge x: {a: 1}\n"<<": gone\nx: <<\n'), { m: { a: 1, b: 2 }, n: [{ a: 1 }], o: { a: 1, x: { a: 1 } }, x: '<<' });
  assert.deepEqual(one("'<<': {a: 1}\nb:\n  !!merge x: {a: 1}\n", go), { '<<': { a: 1 }, b: { x: { a: 1 } } });
  fails('b: &b {x: 1}\nm:\n  <<: *b\n  <<: *b\n', /duplicate merge key/, 4, 3);
  fails('s: &s hello\nm:\n  <<: *s\n', /map merge requires map or sequence of maps/);
  fails('m:\n  <<: [[{a: 1}]]\n', /nested sequence/);
});

test('keys: duplicates fail, non-string keys follow kustomize, "__proto__" is an ordinary key', () => {
  fails('a: 1\na: 2\n', /mapping key "a" already defined/, 2, 1);
  fails('a: 1\n"a": 2\n', /mapping key "a" already defined/);
  fails('x:\n  b: 1\n  b: 2\n', /mapping key "b" already defined/, 3, 3);
  fails('a: {x: 1, x: 2}\n', /already defined/);
  assert.deepEqual(one('a: 1\na: 2\n', { uniqueKeys: false }), { a: 2 });
  // at a document's top level a non-string key keeps its text; below it kustomize cannot write it
  assert.deepEqual(one('1: a\ntrue: b\n1.5: c\n0x10: d\n2001-12-14: e\n"2": f\n!!str 3: g\n'), { '1': 'a', true: 'b', '1.5': 'c', '0x10': 'd', '2001-12-14': 'e', '2': 'f', '3': 'g' });
  fails('x:\n  1: a\n', /non-string mapping key 1/, 2, 3);
  fails('x: {true: a}\n', /non-string mapping key true/);
  fails('null: a\n', /null mapping key/);
  assert.deepEqual(one('x:\n  1: a\n  true: b\n  null: c\n  0x10: d\n', go), { x: { '1': 'a', true: 'b', null: 'c', '16': 'd' } });
  const p = one('__proto__: {polluted: true}\nconstructor: 2\ntoString: x\n') as Record<string, unknown>;
  assert.deepEqual(Object.keys(p), ['__proto__', 'constructor', 'toString']);
  assert.deepEqual(p['__proto__'], { polluted: true });
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  fails(`${'k'.repeat(1100)}: v\n`, /1024 characters/);
});

test('documents: markers, empty documents, comments only, "..."', () => {
  assert.deepEqual(parseAllDocuments(''), []);
  assert.deepEqual(parseAllDocuments('# only a comment\n'), []);
  assert.deepEqual(parseAllDocuments('---\n'), [null]);
  assert.deepEqual(parseAllDocuments('---\n# comment\n---\na: 1\n---\n'), [null, { a: 1 }, null]);
  assert.deepEqual(parseAllDocuments('--- # c\na: 1\n---  \nb: 2\n...\n---\nc: 3\n'), [{ a: 1 }, { b: 2 }, { c: 3 }]);
  assert.deepEqual(parseAllDocuments('a: 1\n---\n---\nb: 2\n'), [{ a: 1 }, null, { b: 2 }]);
  assert.deepEqual(parseAllDocuments('--- !!map\na: 1\n--- text\n--- [1]\n--- |\n  lit\n', go), [{ a: 1 }, 'text', [1], 'lit\n']);
  assert.deepEqual(parseAllDocuments('a: 1\n...\n', go), [{ a: 1 }]);
  // kustomize reads one document per "---" piece: whatever follows "..." is never read
  assert.deepEqual(parseAllDocuments('a: 1\n...\nb: [\n---\nc: 3\n'), [{ a: 1 }, { c: 3 }]);
  assert.deepEqual(parseAllDocuments('a: 1\n... x\n---\nc: 3\n'), [{ a: 1 }, { c: 3 }]);
  fails('a: 1\n...\nb: 2\n', /expected <document start>/, 3, 1, go);
  fails('- a\nb: 1\n', /expected <document start>/, 2, 1);
  fails('--- a: 1\n', /mapping values are not allowed in this context/, 1, 6, go);
});

test('document separators as kustomize splits them', () => {
  fails('a: 1\n--- !!map\nb: 2\n', /invalid document separator: --- !!map/, 2, 1);
  fails('a: 1\n----\nb: 2\n', /invalid document separator: ----/, 2, 1);
  fails('a: 1\n---a\n', /invalid document separator: ---a/);
  fails('a: 1\n----\n', /mapping values are not allowed|could not find expected/, undefined, undefined, go);
  assert.deepEqual(parseAllDocuments('--- !!map\na: 1\n'), [{ a: 1 }], 'the first line is not a separator to kustomize');
});

test('directives: kustomize rejects them, yaml.v3 takes only %YAML 1.1', () => {
  fails('%YAML 1.1\n---\na: 1\n', /expected <document start>/, 1, 1);
  assert.deepEqual(parseAllDocuments('%YAML 1.1\n---\na: 1\n', go), [{ a: 1 }]);
  fails('%YAML 1.2\n---\na: 1\n', /incompatible YAML document/, 1, 1, go);
  fails('%YAML 1.1\n%YAML 1.1\n---\na: 1\n', /duplicate %YAML directive/, 2, 1, go);
  fails('%FOO bar\n---\na: 1\n', /unknown directive name/, 1, 1, go);
  fails('%YAML 1.1\na: 1\n', /expected <document start>/, 2, 1, go);
  assert.deepEqual(parseAllDocuments('a: 1\n...\n%YAML 1.1\n---\nb: 2\n'), [{ a: 1 }, { b: 2 }]);
});

test('line endings, BOM and line breaks', () => {
  assert.deepEqual(parseAllDocuments('a: 1\r\nb: "x\r\n  y"\r\nc: |\r\n  l1\r\n  l2\r\n---\r\nd: 2\r\n'), [{ a: 1, b: 'x y', c: 'l1\nl2\n' }, { d: 2 }]);
  assert.deepEqual(one('\ufeffa: 1\n'), { a: 1 });
  assert.deepEqual(one('a: 1\rb: |\r  x\r'), { a: 1, b: 'x\n' });
  // libyaml also breaks lines at NEL, LS and PS
  fails('a: x\u2028y\n', /could not find expected ':'/, 2, 1);
  assert.deepEqual(one('a: "x\u2028y"\nb: "x \u0085  y"\n'), { a: 'x\u2028y', b: 'x y' });
});

test('tabs: allowed as separation, not as indentation (libyaml\'s rules)', () => {
  assert.deepEqual(one('a:\tvalue\nb: value\t# c\nd: [1,\t2]\ne: "a\tb"\nf: a\tb\ng: x\n   \t y\n'), { a: 'value', b: 'value', d: [1, 2], e: 'a\tb', f: 'a\tb', g: 'x y' });
  assert.deepEqual(one('x:\n  a: x\n   \t\n  b: y\n'), { x: { a: 'x', b: 'y' } });
  fails('x:\n  a: x\n  \t\n  b: y\n', /tab character that violates indentation/, 3, 3);
  fails('a: x\n\t y\n', /tab character that violates indentation/, 2, 1);
  fails('a: "x"\n   \t\nb: y\n', /tab character/, 2, 4);
  fails('\ta: 1\n', /tab character/, 1, 1);
  fails('a:\n- \tx\n', /cannot start any token/, 2, 3);
  fails('? a\n:\tb\n', /cannot start any token/, 2, 2);
  fails('a: |\n  \tx\n', /tab character where an indentation space is expected/, 2, 3);
  assert.deepEqual(one('a: |\n  x\n  \ty\n'), { a: 'x\n\ty\n' });
});

test('characters libyaml refuses, and kustomize\'s JSON re-read of values', () => {
  fails('a: x\x01y\n', /control characters are not allowed \(U\+0001\)/, 1, 5);
  fails('a: "x\x7fy"\n', /control characters are not allowed/);
  assert.deepEqual(one('a: "\\N"\nb: "a \\N b"\nc: "a\\N\\Nb"\nd: "\\u2028"\n'), { a: ' ', b: 'a b', c: 'a\nb', d: '\u2028' });
  assert.deepEqual(one('a: "a\\Nb"\n', go), { a: 'a\x85b' });
  fails('a: "\\x7f"\n', /control characters are not allowed/, 1, 4);
  fails('a: "\\x80"\n', /control characters are not allowed/);
  fails('a: "\\uFFFE"\n', /control characters are not allowed/);
  fails('"\\N": 1\n', /control characters are not allowed in a key/);
});

test('errors name the file, line and column', () => {
  assert.throws(() => parseAllDocuments('a: 1\n  b: 2\n', { filename: 'dir/x.yaml' }), (e: unknown) => {
    assert.ok(e instanceof YamlError);
    assert.equal(e.file, 'dir/x.yaml');
    assert.equal(e.line, 2);
    assert.equal(e.column, 4);
    assert.equal(e.message, 'dir/x.yaml:2:4: mapping values are not allowed in this context');
    return true;
  });
  fails('a:\n  b: 1\n c: 2\n', /bad indentation of a mapping entry/, 3, 2);
  assert.deepEqual(one('- a\n - b\n'), ['a - b']);
  fails('- "a"\n - b\n', /bad indentation of a sequence entry/, 2, 2);
  fails('a: 1\n- b\n', /expected key/, 2, 1);
  fails('a: @x\n', /cannot start any token \("@"\)/, 1, 4);
  fails('a: `x\n', /cannot start any token/);
  fails('a: [\n---\n]\n', /unexpected document indicator/);
});

test('parseDocument wants at most one document', () => {
  assert.equal(parseDocument(''), null);
  assert.equal(parseDocument('# nothing\n'), null);
  assert.deepEqual(parseDocument('a: 1\n'), { a: 1 });
  assert.throws(() => parseDocument('a: 1\n---\nb: 2\n', { filename: 'k.yaml' }), /k\.yaml:2:1: expected a single document but found 2/);
});

test('deep nesting fails cleanly', () => {
  fails('['.repeat(20000) + ']'.repeat(20000) + '\n', /nests too deeply/);
});

test('annotation values keep their source text, as kustomize rewrites them to strings', () => {
  const doc = parseDocument('kind: Service\nmetadata:\n  annotations:\n    port: 8080\n    happy: true\n    ratio: 1.50\n    none: null\n    quoted: "7"\n  labels:\n    port: 8080\nspec:\n  port: 8080\n');
  assert.deepEqual(doc, {
    kind: 'Service',
    metadata: { annotations: { port: '8080', happy: 'true', ratio: '1.50', none: 'null', quoted: '7' }, labels: { port: 8080 } },
    spec: { port: 8080 },
  });
});
