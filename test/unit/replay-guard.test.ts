import { expect, it } from 'vitest';
import { ReplayGuard } from '../../src/slack/replay-guard.js';

const digest = (n: number) => n.toString(16).padStart(64, '0');

it('lets a digest in once while its signature is acceptable, and again once it is not', () => {
  const guard = new ReplayGuard(10);
  expect(guard.admit(digest(1), 1_300, 1_000)).toBe(true);
  expect(guard.admit(digest(2), 1_301, 1_001)).toBe(true);
  expect(guard.admit(digest(1), 1_300, 1_300)).toBe(false);
  // Expired: the signature is refused for its timestamp anyway, so the entry is gone.
  expect(guard.admit(digest(3), 1_601, 1_301)).toBe(true);
  expect(guard.size).toBe(2);
  expect(guard.admit(digest(1), 1_601, 1_301)).toBe(true);
});

it('never holds more than its capacity: the oldest goes first, and it says so once', () => {
  let shed = 0;
  const guard = new ReplayGuard(1_000, () => (shed += 1));
  for (let i = 0; i < 50_000; i++) expect(guard.admit(digest(i), 2_000, 1_000)).toBe(true);
  expect(guard.size).toBe(1_000);
  expect(shed).toBe(1);
  // The newest are still refused as replays; the dropped oldest are not remembered.
  expect(guard.admit(digest(49_999), 2_000, 1_000)).toBe(false);
  expect(guard.admit(digest(0), 2_000, 1_000)).toBe(true);
  expect(guard.size).toBe(1_000);
});
