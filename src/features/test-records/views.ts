import type { KnownBlock, ModalView } from '@slack/types';
import type { CleanupKind } from '../../store/schema-test-records.js';
import type { CleanupCounts } from '../../store/test-record-cleanup.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { LIMITS, escapeMrkdwn, mrkdwn, plain, truncate } from '../../views/text.js';
import type { CountProgress } from './service.js';
import type { KeyMode } from '../../domain/key-mode.js';

/** The "Remove test records" modal in each of its states, as pure functions of the job's numbers. */

export const TEST_RECORDS_OPEN = 'test_records_open';
export const TEST_RECORDS_CONFIRM = 'test_records_confirm';

const TITLE = 'Remove test records';
const KINDS: CleanupKind[] = ['onboarding', 'contact', 'customer'];

export type CleanupModal =
  | { kind: 'counting'; progress: CountProgress | null; problem: string | null }
  | { kind: 'confirm'; jobId: string; counts: CleanupCounts }
  | { kind: 'progress'; status: 'deleting' | 'done' | 'failed'; counts: CleanupCounts; problem: string | null }
  | { kind: 'notice'; text: string; mode: KeyMode | null };

const plural = (n: number, one: string) => `${n.toLocaleString('en-US')} ${one}${n === 1 ? '' : 's'}`;
const section = (text: string, blockId?: string): KnownBlock => ({
  type: 'section',
  ...(blockId ? { block_id: blockId } : {}),
  text: mrkdwn(text),
});

function total(counts: CleanupCounts, field: 'total' | 'finished'): number {
  return KINDS.reduce((n, kind) => n + counts[kind][field], 0);
}

/** `3 onboardings, 3 contacts and 2 customers` (kinds with none left out). */
export function countsInWords(counts: CleanupCounts, field: 'total' | 'finished' = 'total'): string {
  const parts = KINDS.filter((kind) => counts[kind][field] > 0).map((kind) => plural(counts[kind][field], kind));
  if (parts.length === 0) return 'no records';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

const WHAT_IS_REMOVED =
  'Only records this app created from this Slack workspace while connected with a test key are removed: their metadata says `source: slack` and `test: true`. ' +
  'Records without `test: true`, and records made in Pivotal or by other integrations, stay.';

function modal(blocks: KnownBlock[], extra: Partial<ModalView> = {}, mode: KeyMode | null = 'test'): ModalView {
  return {
    type: 'modal',
    title: plain(TITLE, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    ...extra,
    blocks: [...testKeyLabelBlock(mode), ...blocks],
  };
}

function problemBlock(problem: string | null): KnownBlock[] {
  return problem
    ? [
        {
          type: 'context',
          block_id: 'cleanup_problem',
          elements: [mrkdwn(`:warning: ${escapeMrkdwn(truncate(problem, 500))}`)],
        },
      ]
    : [];
}

function progressLines(counts: CleanupCounts): string {
  return KINDS.filter((kind) => counts[kind].total > 0)
    .map((kind) => `• ${plural(counts[kind].total, kind)}: ${counts[kind].finished.toLocaleString('en-US')} removed`)
    .join('\n');
}

export function cleanupModal(view: CleanupModal): ModalView {
  switch (view.kind) {
    case 'counting': {
      const sofar = view.progress
        ? ` So far ${plural(view.progress.customersLooked, 'customer')} looked at, ${plural(view.progress.found, 'test record')} found.`
        : '';
      return modal([
        section(
          `:mag: Looking through Pivotal for this app's test records, within the test key's rate limit.${sofar}`,
          'cleanup_counting',
        ),
        ...problemBlock(view.problem),
      ]);
    }
    case 'confirm': {
      const n = total(view.counts, 'total');
      if (n === 0)
        return modal([
          section(`:white_check_mark: There are no test records to remove.\n${WHAT_IS_REMOVED}`, 'cleanup_counts'),
        ]);
      return modal(
        [
          section(`*Soft-delete ${countsInWords(view.counts)}?*`, 'cleanup_counts'),
          section(
            `${WHAT_IS_REMOVED}\nOnboardings go first, then contacts, then customers. Pivotal keeps soft-deleted records for its audit log; only Pivotal support can restore them.`,
          ),
        ],
        {
          callback_id: TEST_RECORDS_CONFIRM,
          private_metadata: JSON.stringify({ jobId: view.jobId }),
          submit: plain(`Remove ${n.toLocaleString('en-US')}`, LIMITS.modalTitle),
          close: plain('Cancel', LIMITS.modalTitle),
        },
      );
    }
    case 'progress': {
      const n = total(view.counts, 'total');
      const finished = total(view.counts, 'finished');
      const headline =
        view.status === 'done'
          ? `:white_check_mark: *Removed ${plural(finished, 'test record')}.*`
          : view.status === 'failed'
            ? `:x: *Stopped after removing ${finished.toLocaleString('en-US')} of ${plural(n, 'test record')}.*`
            : `:hourglass_flowing_sand: *Removing test records: ${finished.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} done.* You can close this; the removal goes on.`;
      return modal([
        section(`${headline}\n${progressLines(view.counts)}`, 'cleanup_progress'),
        ...problemBlock(view.problem),
      ]);
    }
    case 'notice':
      return modal([section(view.text, 'cleanup_notice')], {}, view.mode);
  }
}

/** Read back from the confirmation modal; anything else is a stale or forged submission. */
export function parseJobId(privateMetadata: string | undefined): string | undefined {
  try {
    const value = (JSON.parse(privateMetadata ?? '') as { jobId?: unknown }).jobId;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
