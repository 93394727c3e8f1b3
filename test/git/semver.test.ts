import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highestMatchingTag, parseTagVersion, SemverConstraint } from '../../src/git/semver.js';

function matches(constraint: string, versions: string[]): string[] {
  const c = SemverConstraint.parse(constraint);
  return versions.filter((v) => c.check(parseTagVersion(v)!));
}

const ALL = ['0.0.3', '0.1.0', '0.2.3', '0.2.9', '1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0', '1.3.0-rc.1', '2.0.0', '2.1.0-beta.1', '3.0.0'];

test('comparison operators, with commas or spaces between them', () => {
  assert.deepEqual(matches('>=1.2.0, <2.0.0', ALL), ['1.2.0', '1.2.3', '1.2.9', '1.3.0']);
  assert.deepEqual(matches('>=1.2.0 <2.0.0', ALL), ['1.2.0', '1.2.3', '1.2.9', '1.3.0']);
  assert.deepEqual(matches('=>1.3.0, =<2.0.0', ALL), ['1.3.0', '2.0.0']);
  assert.deepEqual(matches('!=1.2.3, ~1.2', ALL), ['1.2.0', '1.2.9']);
});

test('missing parts are wildcards (Masterminds), not zeros', () => {
  assert.deepEqual(matches('>1.2', ALL), ['1.3.0', '2.0.0', '3.0.0']);
  assert.deepEqual(matches('<=1.2', ALL), ['0.0.3', '0.1.0', '0.2.3', '0.2.9', '1.0.0', '1.2.0', '1.2.3', '1.2.9']);
  assert.deepEqual(matches('1.2', ALL), ['1.2.0', '1.2.3', '1.2.9']);
  assert.deepEqual(matches('1.2.x', ALL), ['1.2.0', '1.2.3', '1.2.9']);
  assert.deepEqual(matches('*', ALL), ['0.0.3', '0.1.0', '0.2.3', '0.2.9', '1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0', '2.0.0', '3.0.0']);
});

test('tilde and caret ranges', () => {
  assert.deepEqual(matches('~1.2.3', ALL), ['1.2.3', '1.2.9']);
  assert.deepEqual(matches('~1', ALL), ['1.0.0', '1.2.0', '1.2.3', '1.2.9', '1.3.0']);
  assert.deepEqual(matches('^1.2.3', ALL), ['1.2.3', '1.2.9', '1.3.0']);
  assert.deepEqual(matches('^0.2.3', ALL), ['0.2.3', '0.2.9']);
  assert.deepEqual(matches('^0.0.3', ALL), ['0.0.3']);
});

test('hyphen ranges and alternatives', () => {
  assert.deepEqual(matches('1.2.3 - 2.0.0', ALL), ['1.2.3', '1.2.9', '1.3.0', '2.0.0']);
  assert.deepEqual(matches('~0.1 || >=3', ALL), ['0.1.0', '3.0.0']);
});

test('a prerelease matches only comparators that name a prerelease, of any version', () => {
  assert.deepEqual(matches('>=1.0.0', ALL).filter((v) => v.includes('-')), []);
  // npm would only admit 1.3.0-rc.0 and later of 1.3.0; Masterminds admits 2.1.0-beta.1 too.
  assert.deepEqual(matches('>=1.3.0-0', ALL), ['1.3.0', '1.3.0-rc.1', '2.0.0', '2.1.0-beta.1', '3.0.0']);
});

test('tags parse loosely but need three parts', () => {
  assert.equal(parseTagVersion('v1.2'), undefined);
  assert.equal(parseTagVersion('latest'), undefined);
  assert.deepEqual(parseTagVersion('v2025.02.03-rc.1'), { major: 2025, minor: 2, patch: 3, prerelease: 'rc.1', build: '', original: 'v2025.02.03-rc.1' });
  assert.equal(parseTagVersion('1.0.0-rc.01'), undefined);
});

test('the highest matching tag wins; invalid constraints are errors', () => {
  const tags = ['v0.1.0', 'v1.0.0', 'v1.1.0', 'v1.10.0', 'v2.0.0-rc.1', 'nightly', 'v1.9'];
  assert.equal(highestMatchingTag(tags, SemverConstraint.parse('1.x')), 'v1.10.0');
  assert.equal(highestMatchingTag(tags, SemverConstraint.parse('>=3.0.0')), undefined);
  assert.equal(highestMatchingTag(tags, SemverConstraint.parse('>=2.0.0-0')), 'v2.0.0-rc.1');
  assert.throws(() => SemverConstraint.parse('>= one'), /improper constraint/);
  assert.throws(() => SemverConstraint.parse(''), /improper constraint/);
});
