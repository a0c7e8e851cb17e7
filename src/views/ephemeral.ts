import type { KnownBlock } from '@slack/types';
import { testKeyLabelBlock, testKeyPrefix } from './test-key-label.js';
import { mrkdwn, truncate } from './text.js';
import type { KeyMode } from '../domain/key-mode.js';

export interface EphemeralReply {
  response_type: 'ephemeral';
  text: string;
  blocks: KnownBlock[];
}

/** A short answer only the person sees, labelled in a test-key workspace like every other surface. */
export function ephemeral(text: string, mode: KeyMode | null): EphemeralReply {
  return {
    response_type: 'ephemeral',
    text: truncate(`${testKeyPrefix(mode)}${text}`, 3000),
    blocks: [{ type: 'section', text: mrkdwn(text) }, ...testKeyLabelBlock(mode)],
  };
}
