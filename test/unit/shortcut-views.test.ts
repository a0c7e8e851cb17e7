import { describe, expect, it } from 'vitest';
import { DEFAULT_PHASES, PhaseSequence } from '../../src/domain/phases.js';
import { onboardForm } from '../../src/features/onboard/views.js';
import type { OnboardFormValues } from '../../src/features/onboard/validation.js';
import { addConfirmModal, addPickModal } from '../../src/features/shortcuts/views.js';
import { blockKitProblems } from '../harness/block-kit.js';
import { visibleText } from '../harness/view-submission.js';

type Json = Record<string, unknown>;
const long = (n: number) => 'x'.repeat(n);
const message = { quote: `a "quoted" line\n${long(900)}`, permalink: 'https://x.slack.com/archives/C1/p1' };

describe('shortcut modals', () => {
  it('the "Add to onboarding" picker and confirmation stay within Slack limits, whatever the notes', () => {
    const candidates = Array.from({ length: 120 }, (_, i) => ({
      onboardingId: `onb_${i}`,
      displayId: i,
      name: long(80),
      customerName: long(200),
      phaseName: 'Review',
      state: 'active',
    }));
    const pick = addPickModal(candidates, message, 'test');
    expect(blockKitProblems('modal', pick as unknown as Json)).toEqual([]);
    const snapshot = { onboardingId: 'onb_1', label: '#1 Pilot', notesDigest: 'd', message };
    const confirm = addConfirmModal(snapshot, long(20_000), null, true);
    expect(blockKitProblems('modal', confirm as unknown as Json)).toEqual([]);
    expect(visibleText(confirm.blocks)).toContain('The notes changed in Pivotal');
    expect(visibleText(addConfirmModal(snapshot, '', null).blocks)).toContain('No notes yet');
  });

  it('the onboard form asks for notes only when it starts from a message', () => {
    const values: OnboardFormValues = {
      customerMode: 'new',
      customerName: 'Acme',
      slug: 'acme',
      derivedSlug: 'acme',
      domain: '',
      status: 'active',
      picked: null,
      contact: { name: '', email: '', title: '' },
      contactLater: false,
      phase: 'review',
      state: 'active',
      targetDate: null,
      csmUserId: 'U1',
      replacePrimary: false,
      openAnother: false,
    };
    const phases = new PhaseSequence(DEFAULT_PHASES);
    const ids = (v: OnboardFormValues) =>
      (onboardForm(v, { mode: null, phases }).blocks as Array<{ block_id?: string }>).map((b) => b.block_id);
    expect(ids(values)).not.toContain('onboarding_notes');
    const source = { channelId: 'C1', ts: '1.2', threadTs: null, permalink: 'https://x.slack.com/p12' };
    const fromMessage = onboardForm({ ...values, source, notes: long(5000) }, { mode: null, phases });
    expect(fromMessage.blocks.map((b) => b.block_id)).toContain('onboarding_notes');
    expect(blockKitProblems('modal', fromMessage as unknown as Json)).toEqual([]);
    expect(JSON.parse(fromMessage.private_metadata!).source).toEqual(source);
  });
});
