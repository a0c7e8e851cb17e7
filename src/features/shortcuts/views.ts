import type { KnownBlock, ModalView } from '@slack/types';
import type { KeyMode } from '../../domain/key-mode.js';
import { staticSelect } from '../../views/inputs.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { LIMITS, escapeMrkdwn, mrkdwn, plain, truncate } from '../../views/text.js';
import { candidateLabel, type PickCandidate } from '../move/move-views.js';
import type { AddedMessage, NotesSnapshot } from './notes.js';

export const ADD_PICK_CALLBACK = 'add_to_onboarding_pick';
export const ADD_CONFIRM_CALLBACK = 'add_to_onboarding_confirm';
export const ADD_BLOCKS = { pick: 'add_pick' } as const;

const TITLE = 'Add to onboarding';
/** A section's text holds 3000 characters; the rest of the notes is in Pivotal. */
const NOTES_SHOWN = 2500;

function modal(blocks: KnownBlock[], mode: KeyMode | null, extra: Partial<ModalView> = {}): ModalView {
  return {
    type: 'modal',
    title: plain(TITLE, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: [...blocks, ...testKeyLabelBlock(mode)],
    ...extra,
  };
}

export function addMessageModal(text: string, mode: KeyMode | null): ModalView {
  return modal([{ type: 'section', text: mrkdwn(text) }], mode);
}

export function addLoadingModal(mode: KeyMode | null): ModalView {
  return addMessageModal(':hourglass_flowing_sand: Looking the onboarding up in Pivotal…', mode);
}

export function addSavingModal(mode: KeyMode | null): ModalView {
  return addMessageModal(':hourglass_flowing_sand: Adding the message to the notes in Pivotal…', mode);
}

/** Step one: which onboarding the message goes to. The message rides along in private_metadata. */
export function addPickModal(candidates: readonly PickCandidate[], message: AddedMessage, mode: KeyMode | null) {
  return modal(
    [
      { type: 'section', text: mrkdwn(`Add this message to an onboarding's notes in Pivotal:\n${quote(message)}`) },
      staticSelect({
        blockId: ADD_BLOCKS.pick,
        label: 'Onboarding',
        choices: candidates.map((c) => ({ value: c.onboardingId, label: candidateLabel(c) })),
      }),
    ],
    mode,
    {
      callback_id: ADD_PICK_CALLBACK,
      submit: plain('Next', LIMITS.modalTitle),
      close: plain('Cancel', LIMITS.modalTitle),
      private_metadata: JSON.stringify(message),
    },
  );
}

function quote(message: AddedMessage): string {
  return truncate(message.quote, 1000)
    .split('\n')
    .map((line) => `>${escapeMrkdwn(line)}`)
    .join('\n');
}

/**
 * Step two: the notes as Pivotal has them now and what will be added below them. `changed`: the notes
 * moved on in Pivotal since the person last saw them, so they are asked again rather than overwritten.
 */
export function addConfirmModal(snapshot: NotesSnapshot, notes: string, mode: KeyMode | null, changed = false) {
  const shown = notes.trim() ? `\`\`\`${truncate(notes, NOTES_SHOWN)}\`\`\`` : '_No notes yet._';
  return modal(
    [
      ...(changed
        ? [
            {
              type: 'section' as const,
              text: mrkdwn(
                ':warning: *The notes changed in Pivotal* since this window opened. Here they are now: add the message below them?',
              ),
            },
          ]
        : []),
      { type: 'section', text: mrkdwn(`*Notes of onboarding ${escapeMrkdwn(snapshot.label)}*\n${shown}`) },
      { type: 'section', text: mrkdwn(`*Added below them*\n${quote(snapshot.message)}`) },
    ],
    mode,
    {
      callback_id: ADD_CONFIRM_CALLBACK,
      submit: plain('Add', LIMITS.modalTitle),
      close: plain('Cancel', LIMITS.modalTitle),
      private_metadata: JSON.stringify(snapshot),
    },
  );
}

export function addedModal(snapshot: NotesSnapshot, mode: KeyMode | null): ModalView {
  return modal(
    [
      {
        type: 'section',
        text: mrkdwn(`:white_check_mark: Added to the notes of onboarding ${escapeMrkdwn(snapshot.label)} in Pivotal.`),
      },
    ],
    mode,
    { close: plain('Done', LIMITS.modalTitle) },
  );
}
