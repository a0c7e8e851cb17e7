import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import { digestPost, type DigestInput } from '../../src/notifications/digest-views.js';
import type { DigestItem } from '../../src/store/digests.js';
import { blockKitProblems } from '../harness/block-kit.js';
import { visibleText } from '../harness/view-submission.js';

const item = (i: number, over: Partial<DigestItem> = {}): DigestItem => ({
  id: `onb_${i}`,
  displayId: i,
  customer: `<!channel> Customer ${i} ${'x'.repeat(200)}`,
  phase: 'review',
  target: '2026-12-10',
  phaseEnteredAt: '2026-10-01T00:00:00.000Z',
  ...over,
});
const many = (count: number) => ({ count, first: Array.from({ length: 8 }, (_, i) => item(i)) });

function input(over: Partial<DigestInput> = {}): DigestInput {
  return {
    figures: {
      phaseCounts: { review: 40, launch: 3, legacy: 1 },
      launched: many(20),
      sentBack: [item(1, { reason: 'Security review <!here> reopened' })],
      atRisk: many(900),
      overdue: many(1200),
      stalled: many(3000),
      dueSoon: many(25),
    },
    previous: { review: 38, launch: 3 },
    phases: new PhaseSequence(DEFAULT_PHASES),
    sinceLabel: 'since Mon 30 Nov 09:00 (UTC)',
    internal: true,
    stalledDays: 10,
    mode: 'test',
    ...over,
  };
}

describe('the digest post', () => {
  it('stays within Slack’s limits with long lists and names, and escapes what people typed', () => {
    const post = digestPost(input());
    expect(post.blocks.length).toBeLessThanOrEqual(50);
    expect(blockKitProblems('message', { ...post })).toEqual([]);
    const shown = visibleText(post.blocks);
    expect(shown).toContain('Review: *40* (+2)');
    expect(shown).toContain('Legacy: *1*');
    expect(shown).toContain('…and 2992 more');
    expect(shown).toContain('Security review &lt;!here&gt; reopened');
    expect(shown).not.toContain('<!channel>');
  });

  it('keeps send-back reasons out of a channel shared with the customer', () => {
    expect(visibleText(digestPost(input({ internal: false })).blocks)).not.toContain('Security review');
  });

  it('is one line when nothing moved', () => {
    const quiet = input({
      figures: {
        ...input().figures,
        launched: { count: 0, first: [] },
        sentBack: [],
        phaseCounts: { review: 38, launch: 3 },
      },
      mode: null,
    });
    const post = digestPost(quiet);
    expect(post.blocks).toHaveLength(1);
    expect(post.text).toBe(':zzz: Onboarding digest: a quiet period, nothing moved since Mon 30 Nov 09:00 (UTC).');
  });
});
