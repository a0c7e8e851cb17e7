import { z } from 'zod';
import type { AppContext } from '../context.js';
import { CustomerSchema, OnboardingSchema, type Customer, type Onboarding } from '../pivotal/index.js';
import type { Db } from '../store/database.js';
import { getCustomerRow, getOnboardingRow, setPrimaryContact } from '../store/read-model.js';
import type { RmCustomerRow, RmOnboardingRow } from '../store/schema-domain.js';
import { recordWebhookEvent } from '../store/webhook-events.js';
import { getWorkspace } from '../store/workspaces.js';
import { applyCustomers, applyOnboardings } from '../sync/apply.js';
import { ensureSyncState, markContactsRead, updateSyncState } from '../store/sync-state.js';
import { contactRecord } from '../sync/projection.js';

/** The envelope of Pivotal's webhook preview; `data.object` is the whole resource at event time. */
export const WebhookEnvelopeSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  created_at: z.string().optional(),
  org_id: z.string().optional(),
  livemode: z.boolean().optional(),
  data: z.looseObject({ object: z.record(z.string(), z.unknown()) }),
});

export type WebhookEnvelope = z.infer<typeof WebhookEnvelopeSchema>;

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored';

/**
 * Applies one verified event: deduplicated by event id (Svix retries and dashboard replays resend the
 * same id), then the read model is updated and changes announced exactly as the sync would, in one
 * transaction, so a failure leaves the event unrecorded and Pivotal's retry applies it later.
 */
export async function receiveWebhookEvent(
  ctx: AppContext,
  workspaceId: string,
  event: WebhookEnvelope,
): Promise<WebhookOutcome> {
  const now = ctx.now();
  const workspace = await getWorkspace(ctx.store.db, workspaceId);
  const state = await ensureSyncState(ctx.store.db, workspaceId, now);
  const connection = workspace
    ? await ctx.pivotal.forWorkspace({ teamId: workspace.team_id, enterpriseId: workspace.enterprise_id ?? undefined })
    : null;
  const orgId = workspace?.pivotal_org_id ?? state.org_id;
  // Dashboard "Send test event" deliveries carry livemode:false and made-up ids: not for a live workspace.
  const testEventForLiveWorkspace = event.livemode === false && connection?.mode !== 'test';
  const otherOrg = Boolean(event.org_id && orgId && event.org_id !== orgId && !orgId.startsWith('key:'));

  return ctx.store.db.transaction().execute(async (trx) => {
    if (!(await recordWebhookEvent(trx, workspaceId, event.id, now))) return 'duplicate';
    await updateSyncState(trx, workspaceId, { webhook_last_seen_at: now.toISOString() }, now);
    if (testEventForLiveWorkspace || otherOrg) {
      ctx.logger.info(
        { workspace: workspaceId, eventId: event.id, type: event.type, testEventForLiveWorkspace, otherOrg },
        'webhook event ignored',
      );
      return 'ignored';
    }
    const occurredAt = event.created_at ?? now.toISOString();
    const [resource] = event.type.split('.');
    const object = event.data.object;
    if (resource === 'onboarding') {
      const record = mergeOnboarding(
        await getOnboardingRow(trx, workspaceId, String(object.id ?? '')),
        object,
        occurredAt,
      );
      if (!record) return 'ignored';
      await applyOnboardings(trx, [record], {
        workspaceId,
        dialect: ctx.store.dialect,
        now,
        // Until the initial fill is done nothing is announced, as with polling.
        announce: state.last_full_walk_at !== null,
        announceNew: event.type === 'onboarding.created',
      });
      return 'applied';
    }
    if (resource === 'customer') {
      const record = mergeCustomer(await getCustomerRow(trx, workspaceId, String(object.id ?? '')), object, occurredAt);
      if (!record) return 'ignored';
      await applyCustomers(trx, [record], { workspaceId, now });
      return 'applied';
    }
    if (event.type === 'contact.created')
      return (await applyContact(trx, workspaceId, object, now)) ? 'applied' : 'ignored';
    return 'ignored';
  });
}

/**
 * Webhook payloads carry fewer fields than the REST resource (no csm_id in the documented example),
 * so what the event leaves out keeps the value the read model has. A payload without updated_at is
 * stamped with the event time, which orders it against later poll results.
 */
function mergeOnboarding(
  row: RmOnboardingRow | undefined,
  object: Record<string, unknown>,
  occurredAt: string,
): Onboarding | undefined {
  const base = row
    ? {
        id: row.id,
        display_id: row.display_id,
        customer_id: row.customer_id,
        name: row.name,
        phase: row.phase,
        state: row.state,
        waiting_on_customer: row.waiting_on_customer === 1,
        target_launch_date: row.target_launch_date,
        csm_id: row.csm_id,
        started_at: row.started_at,
        completed_at: row.completed_at,
        metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
        ...(row.pivotal_created_at ? { created_at: row.pivotal_created_at } : {}),
      }
    : {};
  const parsed = OnboardingSchema.safeParse({ ...base, ...object, updated_at: object.updated_at ?? occurredAt });
  return parsed.success ? parsed.data : undefined;
}

function mergeCustomer(
  row: RmCustomerRow | undefined,
  object: Record<string, unknown>,
  occurredAt: string,
): Customer | undefined {
  const base = row
    ? {
        id: row.id,
        display_id: row.display_id,
        name: row.name,
        slug: row.slug,
        domain: row.domain,
        status: row.status,
        slack_channel_id: row.slack_channel_id,
        ...(row.pivotal_created_at ? { created_at: row.pivotal_created_at } : {}),
      }
    : {};
  const parsed = CustomerSchema.safeParse({ ...base, ...object, updated_at: object.updated_at ?? occurredAt });
  return parsed.success ? parsed.data : undefined;
}

const ContactPayload = z.looseObject({
  id: z.string(),
  customer_id: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  title: z.string().nullish(),
  is_primary: z.boolean().nullish(),
});

async function applyContact(db: Db, workspaceId: string, object: Record<string, unknown>, now: Date): Promise<boolean> {
  const contact = ContactPayload.safeParse(object);
  if (!contact.success || !contact.data.is_primary) return false;
  await setPrimaryContact(db, workspaceId, contact.data.customer_id, contactRecord(contact.data));
  await markContactsRead(db, workspaceId, [contact.data.customer_id], now);
  return true;
}
