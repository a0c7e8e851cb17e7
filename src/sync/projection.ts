import { slackOwnerFromMetadata } from '../domain/slack-owner.js';
import type { Contact, Customer, Onboarding } from '../pivotal/index.js';
import type { ContactInput, CustomerInput, OnboardingInput } from '../store/read-model.js';

/**
 * From Pivotal's records to the read model's rows: the one place that knows both shapes, so the store
 * keeps its own types. Used by the sync, the webhooks and the app's own writes.
 */
export function customerRecord(c: Customer): CustomerInput {
  return {
    id: c.id,
    display_id: c.display_id,
    name: c.name,
    slug: c.slug ?? null,
    domain: c.domain ?? null,
    status: c.status ?? null,
    slack_channel_id: c.slack_channel_id ?? null,
    pivotal_created_at: c.created_at ?? null,
    pivotal_updated_at: c.updated_at ?? null,
  };
}

export function onboardingRecord(o: Onboarding): OnboardingInput {
  return {
    id: o.id,
    display_id: o.display_id,
    customer_id: o.customer_id,
    name: o.name ?? null,
    phase: o.phase,
    state: o.state,
    waiting_on_customer: o.waiting_on_customer ? 1 : 0,
    target_launch_date: o.target_launch_date ?? null,
    csm_id: o.csm_id ?? null,
    started_at: o.started_at ?? null,
    completed_at: o.completed_at ?? null,
    metadata: o.metadata ? JSON.stringify(o.metadata) : null,
    slack_owner_in_metadata: slackOwnerFromMetadata(o.metadata),
    pivotal_created_at: o.created_at ?? null,
    pivotal_updated_at: o.updated_at ?? null,
  };
}

export function contactRecord(c: Pick<Contact, 'id' | 'name' | 'email' | 'title'> | null): ContactInput | null {
  return c && { id: c.id, name: c.name ?? null, email: c.email ?? null, title: c.title ?? null };
}
