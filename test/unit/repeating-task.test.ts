import { expect, it } from 'vitest';
import { RepeatingTask } from '../../src/shared/repeating-task.js';
import { waitFor } from '../harness/wait.js';

it('runs at start, goes on after a failing pass, and stop waits for the pass in flight', async () => {
  const passes: number[] = [];
  const errors: unknown[] = [];
  let release: (() => void) | undefined;
  const task = new RepeatingTask({
    intervalMs: () => 5,
    pass: async () => {
      passes.push(passes.length + 1);
      if (passes.length === 2) throw new Error('second pass fails');
      if (passes.length === 4) await new Promise<void>((resolve) => (release = resolve));
    },
    onError: (err) => errors.push(err),
  });
  task.start();
  task.start();
  await waitFor(() => release !== undefined, { what: 'the fourth pass to start' });
  expect(passes).toEqual([1, 2, 3, 4]);
  expect(errors).toHaveLength(1);
  let stopped = false;
  const stopping = task.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(stopped).toBe(false);
  release!();
  await stopping;
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(passes).toEqual([1, 2, 3, 4]);
  expect(task.running).toBe(false);
});
