import { expect, it } from 'vitest';
import { ConcurrencyLimit } from '../../src/shared/concurrency-limit.js';

it('runs at most its limit of tasks at once, the rest in the order they came', async () => {
  const limit = new ConcurrencyLimit(2);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const task = (i: number) => async () => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push(i);
    running -= 1;
    return i;
  };
  const results = await Promise.all([0, 1, 2, 3, 4].map((i) => limit.run(task(i))));
  expect(results).toEqual([0, 1, 2, 3, 4]);
  expect(most).toBe(2);
  expect(order).toEqual([0, 1, 2, 3, 4]);
  // A failing task gives its slot back.
  await expect(limit.run(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  expect(await limit.run(async () => 'after')).toBe('after');
});

it('lets the next task run while a task waits outside its slot, and takes one again in turn after', async () => {
  const limit = new ConcurrencyLimit(1);
  const events: string[] = [];
  let endWait!: () => void;
  const waited = new Promise<void>((resolve) => (endWait = resolve));
  const a = limit.run(async () => {
    events.push('a starts');
    await limit.outside(() => waited);
    events.push('a resumes');
  });
  const b = limit.run(async () => {
    events.push('b runs');
    // A's wait ends while B holds the slot: A resumes only once B is done.
    endWait();
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push('b ends');
  });
  await Promise.all([a, b]);
  expect(events).toEqual(['a starts', 'b runs', 'b ends', 'a resumes']);
  // Every slot was given back.
  expect(await limit.run(async () => 'after')).toBe('after');
});
