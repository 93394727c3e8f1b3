import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGlob, envsubst, parseTemplate } from '../../../src/controllers/kustomize/envsubst.js';

const vars: Record<string, string> = { name: 'hello', empty: '', path: 'a/b/c.tar.gz', n: '3', word: 'éclair' };
const lookup = (k: string): string | undefined => (Object.hasOwn(vars, k) ? vars[k] : undefined);
const expand = (s: string, strict = true): string => envsubst(s, lookup, { strict });

test('expands braced references and leaves $var alone', () => {
  assert.equal(expand('image: app:${name} $name'), 'image: app:hello $name');
});

test('$$ is an escape for $ in text, so $${x} is the literal ${x}', () => {
  const cases: [string, string][] = [
    ['$${name}', '${name}'],
    ['$$${name}', '$hello'],
    ['pa$$word', 'pa$word'],
    ['$$$$', '$$'],
    ['cost: 5$', 'cost: 5$'],
  ];
  for (const [input, want] of cases) assert.equal(expand(input), want, input);
});

test('default operators: =, :=, :- (and :?, :+ acting as :-)', () => {
  const cases: [string, string][] = [
    ['${name:=x}', 'hello'],
    ['${unset:=x}', 'x'],
    ['${unset:-x}', 'x'],
    ['${unset=x}', 'x'],
    ['${empty=x}', 'x'],
    ['${empty:-x}', 'x'],
    ['${unset:?x}', 'x'],
    ['${unset:+x}', 'x'],
    ['${name:+x}', 'hello'],
    ['${unset:=}', ''],
    ['${unset:=a b c}', 'a b c'],
    ['${unset:=pre-${name}-post}', 'pre-hello-post'],
    ['${unset:=${other:=deep}}', 'deep'],
  ];
  for (const [input, want] of cases) assert.equal(expand(input), want, input);
});

test('string operators: length, case, substring, trimming, replacement', () => {
  const cases: [string, string][] = [
    ['${#name}', '5'],
    ['${#word}', '7'], // bytes, as Go's len
    ['${name^}', 'Hello'],
    ['${name^^}', 'HELLO'],
    ['${word,}', 'éclair'],
    ['${name,,}', 'hello'],
    ['${name:1}', 'ello'],
    ['${name:1:2}', 'el'],
    ['${name:1:-1}', 'ell'],
    ['${name:9}', ''],
    ['${name: -2}', 'hello'], // " -2" is no number: the value as is
    ['${name:-2}', 'hello'], // ":-" is the default operator
    ['${path#*/}', 'b/c.tar.gz'],
    ['${path##*/}', 'b/c.tar.gz'], // '*' never crosses '/'
    ['${path%.*}', 'a/b/c.tar'],
    ['${path%%.*}', 'a/b/c'],
    ['${path#[ab]/}', 'b/c.tar.gz'],
    ['${name/l/L}', 'heLlo'],
    ['${name//l/L}', 'heLLo'],
    ['${name//l/}', 'heo'], // no replacement: removed
    ['${name/#h/H}', 'Hello'],
    ['${name/%o/O}', 'hellO'],
    ['${name/#x/H}', 'hello'],
    ['${path//\\//_}', 'a_b_c.tar.gz'],
    ['${name/l/${n}}', 'he3lo'],
    ['${name//[l]/X}', 'hello'], // replacement patterns are plain strings
  ];
  for (const [input, want] of cases) assert.equal(expand(input), want, input);
});

test('malformed references fail with the parser messages users see in Flux', () => {
  const cases: [string, string][] = [
    ['${name-x}', 'missing closing brace'],
    ['${name+x}', 'missing closing brace'],
    ['${name', 'missing closing brace'],
    ['${', 'unable to parse variable name'],
    ['${}', 'unable to parse variable name'],
    ['${ name}', 'unable to parse variable name'],
    ['${#}', 'bad substitution'],
    ['${name:}', 'unable to parse substitution within function'],
    ['${name:1:}', 'unable to parse substitution within function'],
    ['${name/l}', 'bad substitution'],
    ['${name//l}', 'bad substitution'],
    ['${name,,^}', 'bad substitution'],
    ['${name:', 'bad substitution'],
    ['${name:=x', 'unable to parse substitution within function'],
  ];
  for (const [input, message] of cases) assert.throws(() => expand(input), { name: 'EnvsubstError', message }, input);
});

test('strict mode fails on an undefined variable unless its operator supplies a default', () => {
  for (const input of ['${unset}', '${unset^^}', '${#unset}', '${unset/a/b}', '${unset:1}']) {
    assert.throws(() => expand(input), { message: 'variable not set (strict mode): "unset"' }, input);
  }
  // The arguments are evaluated first: an undefined variable in an unused default still fails.
  assert.throws(() => expand('${name:=${unset}}'), { message: 'variable not set (strict mode): "unset"' });
  assert.equal(expand('${empty}'), '');
});

test('non-strict mode expands undefined variables to the empty string', () => {
  assert.equal(expand('a${unset}b ${unset^^}', false), 'ab ');
});

test('parseTemplate keeps text and references apart', () => {
  assert.deepEqual(parseTemplate('x ${a:=d${b}} $${c}'), [
    'x ',
    { name: 'a', op: ':=', args: ['d', { name: 'b', op: '', args: [] }] },
    ' ${c}',
  ]);
});

test("compileGlob follows Go's path.Match", () => {
  const cases: [string, string, boolean | undefined][] = [
    ['*', 'abc', true],
    ['*', 'a/b', false],
    ['a?c', 'abc', true],
    ['a?c', 'a/c', false],
    ['[a-c]x', 'bx', true],
    ['[^a-c]x', 'dx', true],
    ['[^a-c]x', '/x', true],
    ['\\*', '*', true],
    ['[', 'x', undefined],
    ['[]a]', 'a', undefined],
    ['[a-]', 'a', undefined],
    ['a\\', 'a', undefined],
  ];
  for (const [pattern, s, want] of cases) {
    const re = compileGlob(pattern);
    assert.equal(re === undefined ? undefined : re.test(s), want, `${pattern} ~ ${s}`);
  }
});
