import type { Migration } from 'kysely';

/**
 * Every migration, in the order it runs (kysely orders them by name). To add one, create
 * `NNNN_what_it_does.ts` exporting `up(db)` and append its line here. Migrations are forward-only
 * and never edited once merged: a released database has already run them.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': await import('./0001_foundation.js'),
  '0002_domain_core': await import('./0002_domain_core.js'),
  '0003_connect': await import('./0003_connect.js'),
  '0004_onboard': await import('./0004_onboard.js'),
  '0005_phases_posts': await import('./0005_phases_posts.js'),
  '0006_sync': await import('./0006_sync.js'),
  '0007_test_record_cleanup': await import('./0007_test_record_cleanup.js'),
  '0008_move_claims': await import('./0008_move_claims.js'),
  '0009_outbox_fairness': await import('./0009_outbox_fairness.js'),
  '0010_onboarding_slack_owner': await import('./0010_onboarding_slack_owner.js'),
  '0011_owner_notifications': await import('./0011_owner_notifications.js'),
  '0012_channel_subscriptions': await import('./0012_channel_subscriptions.js'),
  '0013_digests': await import('./0013_digests.js'),
};
