/** The resources as the simulator serves them: the fields the documents show, and no others. */

type Json = Record<string, unknown>;

export interface Org {
  id: string;
  name: string;
  slug: string;
  /**
   * Phase strings this workspace accepts besides the API's seven, standing in for a workspace with
   * custom phases. Empty by default, so an unknown phase is a 400 as with the documented enum.
   */
  extraPhases: string[];
}

interface BaseRecord {
  id: string;
  display_id: number;
  created_at: string;
  updated_at: string;
}

export interface CustomerRecord extends BaseRecord {
  object: 'customer';
  name: string;
  slug: string;
  domain: string | null;
  status: string;
  plan: string | null;
  mrr: number | null;
  monthly_orders: number | null;
  hubspot_company_id: string | null;
  hubspot_deal_id: string | null;
  stripe_customer_id: string | null;
  intercom_company_id: string | null;
  slack_channel_id: string | null;
  metadata: Json | null;
}

export interface ContactRecord extends BaseRecord {
  object: 'contact';
  customer_id: string;
  name: string;
  email: string;
  title: string | null;
  is_primary: boolean;
  labels: string[];
  metadata: Json | null;
}

export interface OnboardingRecord extends BaseRecord {
  object: 'onboarding';
  customer_id: string;
  name: string | null;
  template_id: string | null;
  phase: string;
  state: string;
  waiting_on_customer: boolean;
  started_at: string;
  completed_at: string | null;
  /** Served as a date-time, like the REST examples. */
  target_launch_date: string | null;
  csm_id: string | null;
  se_id: string | null;
  designer_id: string | null;
  product_ops_id: string | null;
  notes: string | null;
  metadata: Json | null;
}

export interface RecordsByKind {
  customers: CustomerRecord;
  contacts: ContactRecord;
  onboardings: OnboardingRecord;
}

/** Writable fields: what the validated request bodies (and the "Pivotal UI" test helpers) may set. */
export type CustomerInput = Partial<Omit<CustomerRecord, keyof BaseRecord | 'object'>> & { name: string };
export type ContactInput = Partial<Omit<ContactRecord, keyof BaseRecord | 'object' | 'customer_id'>> & {
  name: string;
  email: string;
};
export type OnboardingInput = Partial<
  Omit<OnboardingRecord, keyof BaseRecord | 'object' | 'customer_id' | 'started_at' | 'completed_at'>
> & {
  customer_id: string;
};
export type OnboardingChanges = Partial<Omit<OnboardingInput, 'customer_id'>>;
