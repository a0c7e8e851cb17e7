import type { Db } from './database.js';

/** Each person's notification settings (JSON, read by domain/notification-settings.ts), time zone and mutes. */

export async function getPersonSettingsJson(db: Db, workspaceId: string, slackUserId: string): Promise<string | null> {
  const row = await db
    .selectFrom('person_settings')
    .select('settings')
    .where('workspace_id', '=', workspaceId)
    .where('slack_user_id', '=', slackUserId)
    .executeTakeFirst();
  return row?.settings ?? null;
}

export async function savePersonSettingsJson(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  settings: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('person_settings')
    .values({ workspace_id: workspaceId, slack_user_id: slackUserId, settings, updated_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'slack_user_id']).doUpdateSet({ settings, updated_at: now }))
    .execute();
}

export async function getTimeZone(
  db: Db,
  workspaceId: string,
  slackUserId: string,
): Promise<{ tz: string; checked_at: string } | undefined> {
  return db
    .selectFrom('person_time_zones')
    .select(['tz', 'checked_at'])
    .where('workspace_id', '=', workspaceId)
    .where('slack_user_id', '=', slackUserId)
    .executeTakeFirst();
}

export async function saveTimeZone(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  tz: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('person_time_zones')
    .values({ workspace_id: workspaceId, slack_user_id: slackUserId, tz, checked_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'slack_user_id']).doUpdateSet({ tz, checked_at: now }))
    .execute();
}

export async function isMuted(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  onboardingId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('muted_onboardings')
    .select('onboarding_id')
    .where('workspace_id', '=', workspaceId)
    .where('slack_user_id', '=', slackUserId)
    .where('onboarding_id', '=', onboardingId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function setMuted(
  db: Db,
  workspaceId: string,
  slackUserId: string,
  onboardingId: string,
  muted: boolean,
  now: string,
): Promise<void> {
  if (!muted) {
    await db
      .deleteFrom('muted_onboardings')
      .where('workspace_id', '=', workspaceId)
      .where('slack_user_id', '=', slackUserId)
      .where('onboarding_id', '=', onboardingId)
      .execute();
    return;
  }
  await db
    .insertInto('muted_onboardings')
    .values({ workspace_id: workspaceId, slack_user_id: slackUserId, onboarding_id: onboardingId, muted_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'slack_user_id', 'onboarding_id']).doNothing())
    .execute();
}

export async function mutedCount(db: Db, workspaceId: string, slackUserId: string): Promise<number> {
  const row = await db
    .selectFrom('muted_onboardings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('slack_user_id', '=', slackUserId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
