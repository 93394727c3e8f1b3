import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envFilePairs, literalPair, validatedDataMap } from '../../src/kustomize/generators/kv.js';

test('literals split on the first = and lose one pair of surrounding quotes', () => {
  assert.deepEqual(literalPair('a=b=c'), { key: 'a', value: 'b=c' });
  assert.deepEqual(literalPair('msg="hello world"'), { key: 'msg', value: 'hello world' });
  assert.deepEqual(literalPair("q='x'"), { key: 'q', value: 'x' });
  assert.deepEqual(literalPair('half="x'), { key: 'half', value: '"x' });
  assert.throws(() => literalPair('novalue'), /expected key=value/);
});

test('env files skip comments and blanks, strip a BOM and CR, and read bare names from the environment', () => {
  const text = '\ufeffA=1\r\n# comment\n\n  B= spaced \nFROM_ENV\n';
  assert.deepEqual(envFilePairs(Buffer.from(text), 'app.env', { FROM_ENV: 'yes' }), [
    { key: 'A', value: '1' },
    { key: 'B', value: ' spaced ' },
    { key: 'FROM_ENV', value: 'yes' },
  ]);
  assert.throws(() => envFilePairs(Buffer.from('BAD KEY=1\n'), 'app.env', {}), /"BAD KEY" is not a valid key name.*app\.env, line 1/);
});

test('rejects repeated and invalid keys, naming them', () => {
  assert.throws(() => validatedDataMap([{ key: 'a', value: '1' }, { key: 'a', value: '2' }], 'ConfigMap', 'cm'), /illegally repeats the key `a`/);
  assert.throws(() => validatedDataMap([{ key: 'a b', value: '1' }], 'ConfigMap', 'cm'), /invalid key "a b"/);
});
