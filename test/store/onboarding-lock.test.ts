import pino from 'pino';
import { expect, it } from 'vitest';
import { withOnboardingLock } from '../../src/features/move/onboarding-lock.js';
import { tryAcquireLease } from '../../src/store/leases.js';
import { describeEachDialect } from '../helpers/databases.js';

describeEachDialect('the move lock of an onboarding', (suite) => {
  const ctx = () => ({ store: suite.store(), logger: pino({ level: 'silent' }), now: () => new Date() });

  it('runs moves of one onboarding one after another, and of different onboardings side by side', async () => {
    const log: string[] = [];
    let release!: () => void;
    const firstHolds = new Promise<void>((resolve) => (release = resolve));
    const first = withOnboardingLock(ctx(), 'T1', 'onb_1', async () => {
      log.push('first in');
      await firstHolds;
      log.push('first out');
    });
    await expect.poll(() => log).toEqual(['first in']);
    const second = withOnboardingLock(ctx(), 'T1', 'onb_1', async () => void log.push('second in'));
    const other = await withOnboardingLock(ctx(), 'T1', 'onb_2', async () => 'other onboarding');
    expect(other).toEqual({ ok: true, value: 'other onboarding' });
    expect(log).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first in', 'first out', 'second in']);
  });

  it('gives up when another holder keeps the lock past the wait, and takes over a lock whose holder died', async () => {
    await tryAcquireLease(suite.store().db, 'move:T1:onb_1', 'a replica that hangs', 60_000);
    let ran = false;
    expect(await withOnboardingLock(ctx(), 'T1', 'onb_1', async () => (ran = true), 100)).toEqual({ ok: false });
    expect(ran).toBe(false);

    await tryAcquireLease(suite.store().db, 'move:T1:onb_2', 'a replica that died', 1, new Date(Date.now() - 1_000));
    expect(await withOnboardingLock(ctx(), 'T1', 'onb_2', async () => 'taken over', 100)).toEqual({
      ok: true,
      value: 'taken over',
    });
  });
});
