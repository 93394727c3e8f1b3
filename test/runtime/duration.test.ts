import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, jitter, parseDuration } from '../../src/runtime/duration.js';

test('parses Go durations', () => {
  assert.equal(parseDuration('1m'), 60_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('10'), undefined);
  assert.equal(parseDuration('1d'), undefined);
});

test('formats like Go', () => {
  assert.equal(formatDuration(60_000), '1m0s');
  assert.equal(formatDuration(600_000), '10m0s');
  assert.equal(formatDuration(1570), '1.57s');
  assert.equal(formatDuration(467), '467ms');
  assert.equal(formatDuration(3_723_500), '1h2m3.5s');
  assert.equal(formatDuration(0), '0s');
});

test('jitter stays within ±5%', () => {
  assert.equal(jitter(60_000, 5, () => 0), 57_000);
  assert.equal(jitter(60_000, 5, () => 1), 63_000);
  for (let i = 0; i < 100; i++) {
    const v = jitter(60_000);
    assert.ok(v >= 57_000 && v <= 63_000, String(v));
  }
});
