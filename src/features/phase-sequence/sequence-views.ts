import type { KnownBlock, ModalView } from '@slack/types';
import type { Phase } from '../../domain/phases.js';
import { safeText } from '../../notifications/describe.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { LIMITS, mrkdwn, plain } from '../../views/text.js';
import { INPUT_ACTION } from '../move/move-views.js';
import { PHASE_LIMITS, sequenceText, type EditorData } from './sequence-service.js';
import type { KeyMode } from '../../domain/key-mode.js';

export const SEQUENCE_CALLBACK = 'phases_edit';
export const SEQUENCE_BLOCKS = { active: 'active', archived: 'archived' } as const;
const TITLE = 'Onboarding phases';

function textBox(blockId: string, label: string, initial: string, optional: boolean, hint: string): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label, 2000),
    hint: plain(hint, 2000),
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: PHASE_LIMITS.boxChars,
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

export function sequenceEditorModal(data: EditorData, mode: KeyMode | null): ModalView {
  const unlisted = data.unlisted.slice(0, 20).map((k) => `\`${safeText(k, 64)}\``);
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        'One phase per line, in order, as `key = Name`. The *key* is what Pivotal stores, so to rename a phase change only its name. ' +
          'Add a line to add a phase (a name alone makes its key from the name). Move a line to *Archived* to stop offering it; phases are never deleted.',
      ),
    },
    textBox(
      SEQUENCE_BLOCKS.active,
      'Phases, in order',
      sequenceText(data.phases.active),
      false,
      'Moves go forward along this order: Advance is the next line, Send back any earlier one.',
    ),
    textBox(
      SEQUENCE_BLOCKS.archived,
      'Archived',
      sequenceText(data.phases.all.filter((p) => p.archived)),
      true,
      'Onboardings still in an archived phase show its name; nobody can move one into it.',
    ),
    ...(unlisted.length
      ? [
          {
            type: 'context' as const,
            elements: [
              mrkdwn(
                `Onboardings in Pivotal use phases that are not in this list: ${unlisted.join(', ')}. Add a line for each to give it a place and a name.`,
              ),
            ],
          },
        ]
      : []),
    ...testKeyLabelBlock(mode),
  ];
  return {
    type: 'modal',
    callback_id: SEQUENCE_CALLBACK,
    title: plain(TITLE, LIMITS.modalTitle),
    submit: plain('Save', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    blocks,
  };
}

export function sequenceSavedModal(phases: readonly Phase[], mode: KeyMode | null): ModalView {
  const active = phases.filter((p) => !p.archived);
  const archived = phases.filter((p) => p.archived);
  const list = active.map((p, i) => `${i + 1}. ${safeText(p.name, 75)}`).join('\n');
  const archivedLine = archived.length ? `\nArchived: ${archived.map((p) => safeText(p.name, 75)).join(', ')}` : '';
  return {
    type: 'modal',
    title: plain(TITLE, LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalTitle),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(`:white_check_mark: Saved. The phases of this workspace:\n${list}${archivedLine}`),
      },
      ...testKeyLabelBlock(mode),
    ],
  };
}
