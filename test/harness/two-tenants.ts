import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import type { SlackTeamRef } from '../../sandbox/slack-requests.js';
import { recordActivity, type ActivityEvent } from '../../src/notifications/activity.js';
import { CustomerSchema, OnboardingSchema } from '../../src/pivotal/index.js';
import { createInstallationStore } from '../../src/store/installation-store.js';
import { upsertCustomer, upsertOnboarding } from '../../src/store/read-model.js';
import { ADMIN, TEAM, type Harness, type HarnessOptions } from './app-harness.js';
import { connectWorkspace } from './connect-workspace.js';
import { installThroughOAuth, startOAuthHarness } from './oauth.js';
import { customerRecord, onboardingRecord } from '../../src/sync/projection.js';

/**
 * One app serving two workspaces through OAuth (Acme and Globex), each connected with its own key,
 * and changes "made in Pivotal" queued for either, as the sync queues them.
 */

export const ACME = TEAM;
export const GLOBEX: SlackTeamRef = { id: 'T0GLOBEX', domain: 'globex' };
export const ACME_CHANNEL = 'C0ACMEPOS';
export const GLOBEX_CHANNEL = 'C0GLOBPOS';

export interface Tenant {
  team: SlackTeamRef;
  orgId: string;
}

/** Both workspaces installed (Acme through the real OAuth flow) and connected with their own key. */
export async function startTwoTenants(
  opts: Pick<HarnessOptions, 'env'> = {},
): Promise<{ h: Harness; acme: Tenant; globex: Tenant }> {
  const h = await startOAuthHarness({ bootstrapKey: false, ...opts });
  await installThroughOAuth(h);
  // The fake Slack answers OAuth for one team only; the second installation goes through the store Bolt uses.
  const token = `xoxb-7777-${randomBytes(10).toString('hex')}`;
  h.secrets.push(token);
  const installation: Installation = {
    team: { id: GLOBEX.id, name: GLOBEX.domain },
    enterprise: undefined,
    isEnterpriseInstall: false,
    bot: { token, id: 'BBOT', userId: 'UBOT', scopes: ['commands', 'chat:write'] },
    user: { id: ADMIN.id, token: undefined, scopes: undefined },
    appId: 'A0PIVOTAL',
    authVersion: 'v2',
    tokenType: 'bot',
  };
  await createInstallationStore(h.app.ctx.store.db, h.app.ctx.keyRing).storeInstallation(installation);
  const globexOrg = h.pivotal.createOrg({ name: 'Globex', slug: `globex-${randomBytes(2).toString('hex')}` }).id;
  await connectWorkspace(h, h.newKey('live'), { team: ACME });
  await connectWorkspace(h, h.newKey('live', globexOrg), { team: GLOBEX });
  return { h, acme: { team: ACME, orgId: h.orgId }, globex: { team: GLOBEX, orgId: globexOrg } };
}

/** Picks the workspace's notification channel the way its admin would; returns the app's answer. */
export async function pickChannel(h: Harness, team: SlackTeamRef, channelId: string): Promise<string> {
  h.slack.addChannel({ id: channelId, name: channelId.toLowerCase(), is_member: true });
  const res = await h.command(`channel <#${channelId}|${channelId.toLowerCase()}>`, { user: ADMIN, team });
  await h.idle();
  const text = h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)?.body.text;
  if (typeof text !== 'string' || !text.includes(`<#${channelId}>`))
    throw new Error(`picking <#${channelId}> answered: ${String(text)}`);
  return text;
}

/** Onboardings made in the tenant's Pivotal and already in the read model, as the sync leaves them. */
export async function seedOnboardings(h: Harness, tenant: Tenant, count: number): Promise<string[]> {
  const customer = h.pivotal.state.createCustomer(tenant.orgId, { name: `Customer ${randomBytes(3).toString('hex')}` });
  const now = new Date().toISOString();
  return h.app.ctx.store.db.transaction().execute(async (trx) => {
    await upsertCustomer(trx, tenant.team.id, customerRecord(CustomerSchema.parse(customer)), now);
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const onboarding = h.pivotal.state.createOnboarding(tenant.orgId, { customer_id: customer.id, phase: 'review' });
      await upsertOnboarding(trx, tenant.team.id, onboardingRecord(OnboardingSchema.parse(onboarding)), now);
      ids.push(onboarding.id);
    }
    return ids;
  });
}

/** Changes made in Pivotal, queued in one transaction as the sync would, oldest first, then the dispatcher nudged. */
export async function queueChanges(h: Harness, tenant: Tenant, events: ActivityEvent[], startAt: Date): Promise<void> {
  await h.app.ctx.store.db.transaction().execute(async (trx) => {
    for (const [i, event] of events.entries()) {
      await recordActivity(trx, tenant.team.id, event, `change-${i}`, new Date(startAt.getTime() + i).toISOString());
    }
  });
  h.app.outbox.nudge();
}

export const openedInPivotal = (onboardingId: string): ActivityEvent => ({
  kind: 'onboarding.opened',
  onboardingId,
  actor: { type: 'pivotal' },
});

/** Ten changes per onboarding: it was opened, then its target launch date moved nine times. */
export function changeBurst(onboardingIds: string[]): ActivityEvent[] {
  return onboardingIds.flatMap((onboardingId) => [
    openedInPivotal(onboardingId),
    ...Array.from(
      { length: 9 },
      (_, day): ActivityEvent => ({
        kind: 'onboarding.target_changed',
        onboardingId,
        from: day === 0 ? null : `2026-07-0${day}`,
        to: `2026-07-0${day + 1}`,
        actor: { type: 'pivotal' },
      }),
    ),
  ]);
}
