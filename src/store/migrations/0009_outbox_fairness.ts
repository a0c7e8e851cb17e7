import type { Kysely } from 'kysely';

/**
 * The dispatcher asks, for every due row, whether an earlier post of the same onboarding still waits;
 * the retention job removes delivered rows by when they were delivered. Both need an index to stay
 * cheap once the outbox holds a backlog or months of history.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('outbox_sequence')
    .on('outbox')
    .columns(['workspace_id', 'onboarding_id', 'created_at'])
    .execute();
  await db.schema.createIndex('outbox_delivered').on('outbox').columns(['status', 'done_at']).execute();
}
