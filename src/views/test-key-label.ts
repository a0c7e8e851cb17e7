import type { ContextBlock } from '@slack/types';
import type { KeyMode } from '../domain/key-mode.js';

export const TEST_KEY_BADGE = ':test_tube: TEST MODE';

/**
 * The one way test mode is shown: every surface a test-key workspace sees carries it —
 * modals, Home, ephemeral replies and channel posts — so a rehearsal is never mistaken for real work.
 */
export function testKeyLabelBlock(mode: KeyMode | null | undefined): ContextBlock[] {
  if (mode !== 'test') return [];
  return [
    {
      type: 'context',
      block_id: 'test_key_label',
      elements: [
        {
          type: 'mrkdwn',
          text: `*${TEST_KEY_BADGE}* — connected with a Pivotal test key (\`pivotal_test_…\`): records are real but flagged as tests, and Pivotal sends no customer notifications.`,
        },
      ],
    },
  ];
}

/** For plain-text places (notification text, modal titles have no room): a short prefix. */
export function testKeyPrefix(mode: KeyMode | null | undefined): string {
  return mode === 'test' ? `[${TEST_KEY_BADGE}] ` : '';
}

/** Replies sit under a parent that carries the full label: a short marker is enough there. */
export function testKeyMarkerBlock(mode: KeyMode | null | undefined): ContextBlock[] {
  if (mode !== 'test') return [];
  return [{ type: 'context', block_id: 'test_key_marker', elements: [{ type: 'mrkdwn', text: TEST_KEY_BADGE }] }];
}
