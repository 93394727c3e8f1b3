/**
 * emitYaml against kustomize v5.5's printer. Each case's expected text is what
 * `kubectl.1.32 kustomize` printed for a resource holding the input's keys at its top level
 * (with the resource's apiVersion/kind/metadata lines taken out).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emitYaml, emitYamlStream, goJson, GoYamlError } from '../../src/yaml/emit.js';
import type { Value } from '../../src/yaml/types.js';

interface Case {
  name: string;
  input: Value;
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'plain strings stay plain; punctuation inside is fine',
    input: { a: 'hello world', b: 'a:b', c: 'a#b', d: 'a,b', e: '[x]x', f: 'x:', g: "it's", h: 'a\\b', i: 'https://example.com/?q=1#frag', j: '\u00fcn\u00efcode', k: '-x', l: ':x', m: '?x', n2: '<<' },
    expected: [
      'a: hello world',
      'b: a:b',
      'c: a#b',
      'd: a,b',
      "e: '[x]x'",
      "f: 'x:'",
      "g: it's",
      'h: a\\b',
      'i: https://example.com/?q=1#frag',
      'j: \u00fcn\u00efcode',
      'k: -x',
      'l: :x',
      'm: ?x',
      'n2: <<',
      '',
    ],
  },
  {
    name: 'strings that read as other types get double quotes',
    input: { a: 'yes', b: 'Yes', c: 'y', d: 'n', e: 'on', f: 'OFF', g: 'true', h: '~', i: 'null', j: '', k: '1', l: '01', m: '1.10', o: '+1', p: '0o17', q: '0x1F', r: '1_000', s: '1e3', t: '.5', u: '1:20', v: '-1:20:30.5', w: '.inf', x: '-.Inf', z: '.NaN' },
    expected: [
      'a: "yes"',
      'b: "Yes"',
      'c: "y"',
      'd: "n"',
      'e: "on"',
      'f: "OFF"',
      'g: "true"',
      'h: "~"',
      'i: "null"',
      'j: ""',
      'k: "1"',
      'l: "01"',
      'm: "1.10"',
      'o: "+1"',
      'p: "0o17"',
      'q: "0x1F"',
      'r: "1_000"',
      's: "1e3"',
      't: ".5"',
      'u: "1:20"',
      'v: "-1:20:30.5"',
      'w: ".inf"',
      'x: "-.Inf"',
      'z: ".NaN"',
      '',
    ],
  },
  {
    name: 'timestamps yaml.v2 recognises get quotes, others stay plain',
    input: { a: '2001-12-14', b: '2001-12-14T21:59:43Z', c: '2001-12-14t21:59:43.10+05:00', d: '2001-12-14 21:59:43.10', e: '2001-12-14T21:59:43', f: '2001-02-30', g: '2000-02-29', h: '2001-1-2 3:4:5', i: '20011-12-14' },
    expected: [
      'a: "2001-12-14"',
      'b: "2001-12-14T21:59:43Z"',
      'c: "2001-12-14t21:59:43.10+05:00"',
      'd: "2001-12-14 21:59:43.10"',
      'e: 2001-12-14T21:59:43',
      'f: 2001-02-30',
      'g: "2000-02-29"',
      'h: "2001-1-2 3:4:5"',
      'i: 20011-12-14',
      '',
    ],
  },
  {
    name: 'odd numerals: 0b-1 is an int to yaml.v2, 1e999 and huge hex are strings',
    input: { a: '0b-1', b: '1e999', c: '0x10000000000000000', d: '1__0', e: '0b', f: '0x', g: '-0b1', h: '.5_0', i: '._5', j: '1_0.5', k: '12e', l: '1.2.3' },
    expected: [
      'a: "0b-1"',
      'b: 1e999',
      'c: 0x10000000000000000',
      'd: "1__0"',
      'e: 0b',
      'f: 0x',
      'g: "-0b1"',
      'h: ".5_0"',
      'i: ._5',
      'j: "1_0.5"',
      'k: 12e',
      'l: 1.2.3',
      '',
    ],
  },
  {
    name: 'indicators force single quotes',
    input: { a: '@at', b: '- x', c: 'a: b', d: 'trailing ', e: ' leading', f: "'quoted'", g: 'a #b', h: '#x', i: '%pct', j: '!x', k: '&x', l: '*x', m: '|', o: '>x', p: '`x', q: '? x', r: '?', s: '---', t: '...x', u: '"dq"', v: '{x}', w: ',x', x: '-', z: 'x: ' },
    expected: [
      "a: '@at'",
      "b: '- x'",
      "c: 'a: b'",
      "d: 'trailing '",
      "e: ' leading'",
      "f: '''quoted'''",
      "g: 'a #b'",
      "h: '#x'",
      "i: '%pct'",
      "j: '!x'",
      "k: '&x'",
      "l: '*x'",
      "m: '|'",
      "o: '>x'",
      "p: '`x'",
      "q: '? x'",
      "r: '?'",
      "s: '---'",
      "t: '...x'",
      'u: \'"dq"\'',
      "v: '{x}'",
      "w: ',x'",
      "x: '-'",
      "z: 'x: '",
      '',
    ],
  },
  {
    name: 'characters single quotes cannot carry get double quotes and escapes',
    input: { a: 'tab\there', b: 'a\rb', c: 'nul\u0000', d: 'esc\u001b', e: 'bell\u0007\u0008\u000b\u000c', f: 'emoji \u{1f600}', g: 'nbsp\u00a0x', h: '\u00a0', i: 'ls\u2028x', j: 'ps\u2029 x', k: '\ufeffbom first', l: 'bom\ufeffinside', m: 'quote " and \\ with\ttab' },
    expected: [
      'a: "tab\\there"',
      'b: "a\\rb"',
      'c: "nul\\0"',
      'd: "esc\\e"',
      'e: "bell\\a\\b\\v\\f"',
      'f: "emoji \\U0001F600"',
      'g: nbsp\u00a0x',
      'h: \u00a0',
      "i: 'ls\u2028  x'",
      'j: "ps\\P x"',
      'k: "\\uFEFF\\x62\\x6F\\x6D\\x20\\x66\\x69\\x72\\x73\\x74"',
      'l: "bom\\uFEFFinside"',
      'm: "quote \\" and \\\\ with\\ttab"',
      '',
    ],
  },
  {
    name: 'U+0085 is a line break to yaml.v2 when it reads the JSON back: folded',
    input: { a: 'a\u0085b', b: 'a \u0085  b', c: 'a\u0085\u0085b', d: '\u0085x\u0085', e: 'a\u0085\u0085\u0085b' },
    expected: [
      'a: a b',
      'b: a b',
      'c: |-',
      '  a',
      '  b',
      "d: ' x '",
      'e: |-',
      '  a',
      '',
      '  b',
      '',
    ],
  },
  {
    name: 'multi-line strings become literal blocks with chomping and indentation indicators',
    input: { a: 'a\nb', b: 'a\nb\n', c: 'a\nb\n\n', d: '\nlead', e: ' lead\nx', f: '\n', g: '\n\n', h: 'x\n\n\ny', i: 'a\u2028b\nc', j: '  indented\n  more\n', k: '# not a comment\n- not a list\n' },
    expected: [
      'a: |-',
      '  a',
      '  b',
      'b: |',
      '  a',
      '  b',
      'c: |+',
      '  a',
      '  b',
      '',
      'd: |2-',
      '',
      '  lead',
      'e: |2-',
      '   lead',
      '  x',
      'f: |2+',
      '',
      'g: |2+',
      '',
      '',
      'h: |-',
      '  x',
      '',
      '',
      '  y',
      'i: |-',
      '  a\u2028  b',
      '  c',
      'j: |2',
      '    indented',
      '    more',
      'k: |',
      '  # not a comment',
      '  - not a list',
      '',
    ],
  },
  {
    name: 'multi-line strings that a block cannot hold are double-quoted',
    input: { a: 'trail \nx', b: 'x\n ', c: 'a\n\tb', d: 'a\r\nb', e: 'line\n\u{1f600}\n', f: 'x\n \ny' },
    expected: [
      'a: "trail \\nx"',
      'b: "x\\n "',
      'c: "a\\n\\tb"',
      'd: "a\\r\\nb"',
      'e: "line\\n\\U0001F600\\n"',
      'f: "x\\n \\ny"',
      '',
    ],
  },
  {
    name: 'long plain, single-quoted and double-quoted strings fold at 80 columns',
    input: { a: 'this is a very long string with many words that goes past the eighty column limit for sure yes', b: '@this is a very long string with many words that goes past the eighty column limit for sure yes', c: '\tthis is a very long string with many words that goes past the eighty column limit for sure yes  two  spaces   three', d: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx and more', e: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  b', f: 'this  is  a  very  long  string  with  many  words  that  goes  past  the  eighty  column  limit  for  sure  yes', g: "it's this is a very long string with many words that goes past the eighty column limit for sure yes it's" },
    expected: [
      'a: this is a very long string with many words that goes past the eighty column limit',
      '  for sure yes',
      "b: '@this is a very long string with many words that goes past the eighty column limit",
      "  for sure yes'",
      'c: "\\tthis is a very long string with many words that goes past the eighty column',
      '  limit for sure yes  two  spaces   three"',
      'd: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      '  and more',
      'e: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  b',
      'f: this  is  a  very  long  string  with  many  words  that  goes  past  the  eighty  column  limit  for  sure  yes',
      "g: it's this is a very long string with many words that goes past the eighty column",
      "  limit for sure yes it's",
      '',
    ],
  },
  {
    name: 'folding continues at the indentation of the value',
    input: { a: { b: ['this is a very long string with many words that goes past the eighty column limit for sure yes', { c: 'this is a very long string with many words that goes past the eighty column limit for sure yes' }] } },
    expected: [
      'a:',
      '  b:',
      '  - this is a very long string with many words that goes past the eighty column limit',
      '    for sure yes',
      '  - c: this is a very long string with many words that goes past the eighty column',
      '      limit for sure yes',
      '',
    ],
  },
  {
    name: 'numbers print as Go prints them after the JSON round trip',
    input: { a: 1, b: -1, c: 0, d: -0, e: 1.5, f: 0.1, g: 1e+21, h: 100000000000000000000, i: 1000000000000000000, j: 2 ** 64, k: 0.000001, l: 1e-7, m: 1234567.5, o: 123456.5, p: 0.0001, q: 0.00001, r: -2.5e-10, s: 1.7976931348623157e+308, t: 5e-324, u: 2 ** 63, v: -(2 ** 63), w: 12345678901234567890n, x: 9007199254740993n, z: -9223372036854775808n },
    expected: [
      'a: 1',
      'b: -1',
      'c: 0',
      'd: 0',
      'e: 1.5',
      'f: 0.1',
      'g: 1e+21',
      'h: 1e+20',
      'i: 1000000000000000000',
      'j: 1.8446744073709552e+19',
      'k: 1e-06',
      'l: 1e-07',
      'm: 1.2345675e+06',
      'o: 123456.5',
      'p: 0.0001',
      'q: 1e-05',
      'r: -2.5e-10',
      's: 1.7976931348623157e+308',
      't: 5e-324',
      'u: 9223372036854776000',
      'v: -9.223372036854776e+18',
      'w: 12345678901234567890',
      'x: 9007199254740993',
      'z: -9223372036854775808',
      '',
    ],
  },
  {
    name: 'booleans and null',
    input: { a: true, b: false, c: null },
    expected: [
      'a: true',
      'b: false',
      'c: null',
      '',
    ],
  },
  {
    name: 'collections: block sequences under keys, flow empties, nesting',
    input: { a: [], b: {  }, c: [[]], d: [{  }], e: [null, 1, 'x'], f: [[1, 2], [3, [4, [5]]]], g: [{ a: 1, b: [1, { c: [] }] }, { d: { e: {  } } }], h: { i: { j: [{ k: 'v' }] } } },
    expected: [
      'a: []',
      'b: {}',
      'c:',
      '- []',
      'd:',
      '- {}',
      'e:',
      '- null',
      '- 1',
      '- x',
      'f:',
      '- - 1',
      '  - 2',
      '- - 3',
      '  - - 4',
      '    - - 5',
      'g:',
      '- a: 1',
      '  b:',
      '  - 1',
      '  - c: []',
      '- d:',
      '    e: {}',
      'h:',
      '  i:',
      '    j:',
      '    - k: v',
      '',
    ],
  },
  {
    name: 'keys are quoted by the same rules',
    input: { '1': 3, n: 1, y: 2, '': 4, '~': 5, null: 6, 'a: b': 7, '@k': 8, 'k\u{1f600}': 9, 'tab\tk': 10, '-': 11 },
    expected: [
      '"": 4',
      "'-': 11",
      "'@k': 8",
      '"~": 5',
      '"1": 3',
      "'a: b': 7",
      '"k\\U0001F600": 9',
      '"n": 1',
      '"null": 6',
      '"tab\\tk": 10',
      '"y": 2',
      '',
    ],
  },
  {
    name: 'keys in yaml.v2 natural order',
    input: { '1': 6, '9': 20, '10': 19, b: 1, a10: 2, a9: 3, A: 4, _x: 5, a: 7, 'a-b': 8, a_b: 9, B: 10, a0: 11, a00: 12, a01: 13, x1y: 14, x01y: 15, '\u00e9': 16, z: 17, '.': 18, a9b: 21, a10a: 22 },
    expected: [
      '.: 18',
      '_x: 5',
      '"1": 6',
      '"9": 20',
      '"10": 19',
      'A: 4',
      'B: 10',
      'a: 7',
      'a-b: 8',
      'a_b: 9',
      'a0: 11',
      'a00: 12',
      'a01: 13',
      'a9: 3',
      'a9b: 21',
      'a10: 2',
      'a10a: 22',
      'b: 1',
      'x1y: 14',
      'x01y: 15',
      'z: 17',
      '\u00e9: 16',
      '',
    ],
  },
  {
    name: 'multi-line and long keys use the explicit ? form',
    input: { 'a\nb': 1, ['k'.repeat(129)]: { x: 1 }, ['k'.repeat(128)]: 2, 'word word word word word word word word word word word word word word word word word word word word word word word word word word word word word word': [1, 2], 'c\nd': [{ e: 1 }], ['\u00e9'.repeat(65)]: 3 },
    expected: [
      '? |-',
      '  a',
      '  b',
      ': 1',
      '? |-',
      '  c',
      '  d',
      ': - e: 1',
      'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk: 2',
      '? kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk',
      ': x: 1',
      '? word word word word word word word word word word word word word word word word',
      '  word word word word word word word word word word word word word word',
      ': - 1',
      '  - 2',
      '? \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9',
      ': 3',
      '',
    ],
  },
];

for (const c of cases) {
  test(`emitYaml: ${c.name}`, () => {
    assert.equal(emitYaml(c.input), c.expected.join('\n'));
  });
}

test('emitYaml: an empty mapping prints as {}', () => {
  assert.equal(emitYaml({}), '{}\n');
});

test('emitYaml: a sequence or scalar at the root', () => {
  assert.equal(emitYaml([1, 'a', []]), '- 1\n- a\n- []\n');
  assert.equal(emitYaml('text'), 'text\n');
});

test('emitYamlStream: documents joined by ---, no ... after a |+ block', () => {
  const docs: Value[] = [
    { apiVersion: 'x/v1', kind: 'Probe', metadata: { name: 'a' }, zz: 'x\n\n' },
    { apiVersion: 'x/v1', kind: 'Probe', metadata: { name: 'b' }, zz: 'y\n\n' },
  ];
  assert.equal(
    emitYamlStream(docs),
    [
      'apiVersion: x/v1',
      'kind: Probe',
      'metadata:',
      '  name: a',
      'zz: |+',
      '  x',
      '',
      '---',
      'apiVersion: x/v1',
      'kind: Probe',
      'metadata:',
      '  name: b',
      'zz: |+',
      '  y',
      '',
      '',
    ].join('\n'),
  );
  assert.equal(emitYamlStream([]), '');
});

test('emitYaml: nested values fold and indent like the reference', () => {
  // kustomize printed this for data: {as: "é\u2028x", long: ...} under a resource.
  const value = {
    data: {
      as: '\u00e9\u2028x',
      v: 'this is a very long string with many words that goes past the eighty column limit for sure yes',
    },
  };
  assert.equal(
    emitYaml(value),
    'data:\n  as: \'\u00e9\u2028    x\'\n  v: this is a very long string with many words that goes past the eighty column limit\n    for sure yes\n',
  );
});

test('emitYaml: what Go cannot encode or yaml.v2 cannot read back fails with Go\'s message', () => {
  const doc = (data: Value): Value => ({ apiVersion: 'x/v1', data, kind: 'Probe', metadata: { name: 'p00000' } });
  assert.throws(() => emitYaml(doc({ a: NaN })), { message: 'json: unsupported value: NaN' });
  assert.throws(() => emitYaml(doc({ a: -Infinity })), { message: 'json: unsupported value: -Inf' });
  // The reference: "...: yaml: control characters are not allowed" etc. (after the resource dump).
  assert.throws(() => emitYaml(doc({ a: '\u007f' })), new GoYamlError('yaml: control characters are not allowed'));
  assert.throws(() => emitYaml(doc({ a: 'x\u009fy' })), { message: 'yaml: control characters are not allowed' });
  assert.throws(() => emitYaml(doc({ 'a\u0085b': 1 })), { message: "yaml: line 1: did not find expected ',' or '}'" });
  assert.throws(() => emitYaml(doc({ a: 'b\u0085--- x' })), { message: 'yaml: line 2: found unexpected document indicator' });
  assert.throws(() => emitYaml(doc({ ['x'.repeat(1023)]: 1 })), { message: "yaml: did not find expected ',' or '}'" });
  assert.equal(emitYaml({ ['x'.repeat(1022)]: 1 }), '? ' + 'x'.repeat(1022) + '\n: 1\n');
});

test('emitYaml: an unpaired surrogate prints as U+FFFD, as Go\'s JSON writes it', () => {
  assert.equal(emitYaml({ a: 'x\ud800y' }), 'a: x\ufffdy\n');
});

test('goJson: escaping as Go writes it (checked against a configMapGenerator hash)', () => {
  // kustomize named the ConfigMap for this literal cm-2kt6h72h79; sha256 of this text gives it.
  const value = { data: { k: '<a>&b \u2028 \u2029 \b \f \u0001 \t \u{1F600} \u00e9 " \\ /' }, kind: 'ConfigMap', name: '' };
  assert.equal(
    goJson(value),
    '{"data":{"k":"\\u003ca\\u003e\\u0026b \\u2028 \\u2029 \\b \\f \\u0001 \\t \u{1F600} \u00e9 \\" \\\\ /"},"kind":"ConfigMap","name":""}',
  );
});

test('goJson: keys in UTF-8 byte order, compact, Go number text', () => {
  assert.equal(goJson({ b: 1, a: [true, null], '\uff01': 0, '\u{1F600}': 0, B: {} }), '{"B":{},"a":[true,null],"b":1,"\uff01":0,"\u{1F600}":0}');
  assert.equal(goJson([1e21, 1e20, 1e-7, 0.000001, 1234567.5, -0, 1.5e300, 12345678901234567890n]), '[1e+21,100000000000000000000,1e-7,0.000001,1234567.5,0,1.5e+300,12345678901234567890]');
  assert.equal(goJson('x\ud800'), '"x\\ufffd"');
  assert.throws(() => goJson(Infinity), { message: 'json: unsupported value: +Inf' });
});
