import type { ContextBlock, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import type { FieldErrors } from './form-values.js';
import { LIMITS, escapeMrkdwn, mrkdwn, plain } from './text.js';

/**
 * Where a form says what went wrong as a whole (not tied to one field). `message` is mrkdwn the app
 * wrote (explainPivotalError escapes what Pivotal said), so the admins it names stay mentions.
 */
export function banner(message: string): SectionBlock {
  return { type: 'section', block_id: 'form_banner', text: mrkdwn(`:warning: ${message}`) };
}

/**
 * After the ack only `views.update` is left, so a field refused by Pivotal is marked by a line right
 * under it.
 */
export function withFieldErrors(blocks: KnownBlock[], errors: FieldErrors): KnownBlock[] {
  const out: KnownBlock[] = [];
  for (const block of blocks) {
    out.push(block);
    const message = block.block_id ? errors[block.block_id] : undefined;
    if (message) out.push(fieldErrorLine(block.block_id!, message));
  }
  return out;
}

function fieldErrorLine(blockId: string, message: string): ContextBlock {
  return {
    type: 'context',
    block_id: `${blockId}__error`,
    elements: [mrkdwn(`:warning: ${escapeMrkdwn(message)}`, LIMITS.contextText)],
  };
}

/** A modal that only says something, e.g. when a submission can no longer be carried out. */
export function noticeModal(title: string, blocks: KnownBlock[]): ModalView {
  return { type: 'modal', title: plain(title, LIMITS.modalTitle), close: plain('Close', LIMITS.modalTitle), blocks };
}
