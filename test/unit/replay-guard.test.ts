import { expect, it } from 'vitest';
import { ReplayGuard } from '../../src/slack/replay-guard.js';

it('lets a signature in once within the window, again once forgotten or expired', () => {
  const guard = new ReplayGuard(600_000);
  expect(guard.admit('v0=aa', 0)).toBe(true);
  expect(guard.admit('v0=bb', 1_000)).toBe(true);
  expect(guard.admit('v0=aa', 599_999)).toBe(false);
  guard.forget('v0=bb');
  expect(guard.admit('v0=bb', 2_000)).toBe(true);
  expect(guard.admit('v0=aa', 600_000)).toBe(true);
  expect(guard.admit('v0=bb', 601_999)).toBe(false);
  expect(guard.admit('v0=bb', 602_000)).toBe(true);
});
