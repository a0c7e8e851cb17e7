import type { KnownBlock } from '@slack/types';
import type { KeyMode } from '../domain/key-mode.js';
import { testKeyLabelBlock, testKeyPrefix } from './test-key-label.js';
import { mrkdwn, truncate } from './text.js';

/** A reply only the person sees, to a command (in its ack or through response_url) or to a button. */
export interface EphemeralMessage {
  response_type: 'ephemeral';
  replace_original?: boolean;
  text: string;
  blocks: KnownBlock[];
}

/** A short answer only the person sees, labelled in a test-key workspace like every other surface. */
export function ephemeral(text: string, mode: KeyMode | null): EphemeralMessage {
  return {
    response_type: 'ephemeral',
    text: truncate(`${testKeyPrefix(mode)}${text}`, 3000),
    blocks: [{ type: 'section', text: mrkdwn(text) }, ...testKeyLabelBlock(mode)],
  };
}
