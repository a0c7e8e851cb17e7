import { expect, it } from 'vitest';
import { claimMoveSubmission, moveAnswer, pruneMoveClaims, recordMoveAnswer } from '../../src/store/move-claims.js';
import { describeEachDialect } from '../helpers/databases.js';

describeEachDialect('move submission claims', (suite) => {
  const db = () => suite.store().db;
  const now = new Date('2026-03-01T10:00:00.000Z');
  const claim = (submission: string, workspaceId = 'T1') => ({
    workspaceId,
    submission,
    onboardingId: 'onb_1',
    actorSlackUserId: 'U1',
  });

  it('lets exactly one of 8 concurrent copies of a submission claim it', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => claimMoveSubmission(db(), claim('V1:h1'), now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    // Another version of the same modal, or the same view id in another workspace, is a submission of its own.
    expect(await claimMoveSubmission(db(), claim('V1:h2'), now)).toBe(true);
    expect(await claimMoveSubmission(db(), claim('V1:h1', 'T2'), now)).toBe(true);
  });

  it('keeps the answer the claiming copy gave, for the copies after it', async () => {
    expect(await moveAnswer(db(), 'T1', 'V1:h1')).toBeUndefined();
    await claimMoveSubmission(db(), claim('V1:h1'), now);
    expect(await moveAnswer(db(), 'T1', 'V1:h1')).toBeNull();
    await recordMoveAnswer(db(), 'T1', 'V1:h1', '{"type":"modal"}', now);
    expect(await moveAnswer(db(), 'T1', 'V1:h1')).toBe('{"type":"modal"}');
  });

  it('prunes claims made before the cut-off, at most the given number at a time', async () => {
    await claimMoveSubmission(db(), claim('V1:old'), new Date('2026-02-27T10:00:00.000Z'));
    await claimMoveSubmission(db(), claim('V0:old', 'T2'), new Date('2026-02-27T11:00:00.000Z'));
    await claimMoveSubmission(db(), claim('V1:recent'), new Date('2026-03-01T09:00:00.000Z'));
    await claimMoveSubmission(db(), claim('V2:h1'), now);
    const dayAgo = new Date('2026-02-28T10:00:00.000Z');
    expect(await pruneMoveClaims(db(), dayAgo, 1)).toBe(1);
    expect(await pruneMoveClaims(db(), dayAgo, 5)).toBe(1);
    const left = await db().selectFrom('move_claims').select('submission').orderBy('submission').execute();
    expect(left.map((r) => r.submission)).toEqual(['V1:recent', 'V2:h1']);
  });
});
