import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue, ExponentialBackoff } from '../../src/runtime/queue.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

test('a key added many times is handed out once', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  assert.equal(q.length, 0);
});

test('a key in flight is not handed to a second worker; re-added, it comes back after done', async () => {
  const q = new WorkQueue<string>();
  q.add('a');
  const first = await q.get();
  q.add('a');
  assert.equal(q.length, 0, 'not queued while in flight');
  let second: string | undefined;
  void q.get().then((k) => (second = k));
  await tick();
  assert.equal(second, undefined);
  q.done(first!);
  await tick();
  assert.equal(second, 'a');
});

test('addAfter keeps the earliest wake-up and an immediate add cancels it', async () => {
  const q = new WorkQueue<string>();
  q.addAfter('a', 200);
  q.addAfter('a', 20);
  q.addAfter('a', 500);
  assert.equal(q.pendingDelayed, 1);
  const t0 = Date.now();
  assert.equal(await q.get(), 'a');
  assert.ok(Date.now() - t0 < 150, 'the 20ms wake-up won');
  q.done('a');
  q.addAfter('b', 10_000);
  q.add('b');
  assert.equal(q.pendingDelayed, 0);
  assert.equal(await q.get(), 'b');
  q.shutDown();
});

test('backoff doubles from 750ms to 15 minutes per key, and forget resets it', () => {
  const b = new ExponentialBackoff<string>();
  const delays = Array.from({ length: 12 }, () => b.next('a'));
  assert.deepEqual(delays, [750, 1500, 3000, 6000, 12000, 24000, 48000, 96000, 192000, 384000, 768000, 900000]);
  assert.equal(b.next('other'), 750);
  b.forget('a');
  assert.equal(b.next('a'), 750);
});

test('shutDown releases waiting workers', async () => {
  const q = new WorkQueue<string>();
  const waiting = q.get();
  q.shutDown();
  assert.equal(await waiting, undefined);
  q.add('x');
  assert.equal(q.length, 0);
});
