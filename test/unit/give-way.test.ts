import { expect, it } from 'vitest';
import { givingWayEvery } from '../../src/shared/give-way.js';

/** Work other than the loop, queued before it: it runs only if the loop gives the event loop a turn. */
function otherWork(): { ran: () => boolean } {
  let ran = false;
  setImmediate(() => (ran = true));
  return { ran: () => ran };
}

it('lets other work run once the loop has held the event loop for the given time', async () => {
  let clock = 0;
  const turn = givingWayEvery(10, () => clock);
  const other = otherWork();
  const ranAt: number[] = [];
  for (let unit = 1; unit <= 30; unit++) {
    clock += 1;
    await turn();
    if (other.ran() && ranAt.length === 0) ranAt.push(clock);
  }
  expect(ranAt).toEqual([10]);
});

it('costs a short loop nothing: it keeps going on microtasks alone', async () => {
  const clock = 0;
  const turn = givingWayEvery(10, () => clock);
  const other = otherWork();
  for (let unit = 0; unit < 1_000; unit++) await turn();
  expect(other.ran()).toBe(false);
});
