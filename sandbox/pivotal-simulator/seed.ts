import { randomBytes } from 'node:crypto';
import { DOCUMENTED_PHASES } from './documented.js';
import type { SimulatorState } from './state.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const DEMO_COMPANIES: { name: string; domain: string; contact: string; title: string }[] = [
  { name: 'Aurora Analytics', domain: 'aurora-analytics.com', contact: 'Maya Chen', title: 'VP Operations' },
  { name: 'Birchwood Bakery Co.', domain: 'birchwoodbakery.com', contact: 'Omar Haddad', title: 'Owner' },
  { name: 'Cobalt Logistics', domain: 'cobaltlogistics.io', contact: 'Priya Natarajan', title: 'Head of Supply Chain' },
  { name: 'Driftwood Dental Group', domain: 'driftwooddental.com', contact: 'Lucas Moreau', title: 'Practice Manager' },
  { name: 'Evergreen Fitness', domain: 'evergreenfit.com', contact: 'Sofia Rossi', title: 'COO' },
  { name: 'Foxglove Florists', domain: 'foxglove.shop', contact: 'Hannah Okafor', title: 'Founder' },
  { name: 'Granite Peak Outfitters', domain: 'granitepeak.co', contact: 'Ethan Brooks', title: 'E-commerce Lead' },
  { name: 'Harbor Light Insurance', domain: 'harborlight.com', contact: 'Aiko Tanaka', title: 'Director of CX' },
  { name: 'Indigo Learning', domain: 'indigolearning.org', contact: 'Mateo Alvarez', title: 'Program Director' },
  { name: 'Juniper Health Clinics', domain: 'juniperhealth.com', contact: 'Grace Mensah', title: 'IT Manager' },
  { name: 'Kestrel Robotics', domain: 'kestrelrobotics.ai', contact: 'Noah Fischer', title: 'CTO' },
  { name: 'Lumen Solar', domain: 'lumensolar.energy', contact: 'Leila Karimi', title: 'Customer Success Lead' },
];

export const DEMO_CSMS = ['user_csm_001', 'user_csm_002', 'user_csm_003'];

function dateOnly(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10) + 'T00:00:00.000Z';
}

/**
 * A pipeline worth looking at: customers with a primary contact and one onboarding each, spread over
 * the seven phases, some overdue (target in the past), some paused, some waiting on the customer,
 * one without target, created over the past weeks.
 */
export function seedDemo(state: SimulatorState, orgId: string, o: { customers?: number; now?: Date } = {}): void {
  const total = o.customers ?? DEMO_COMPANIES.length;
  const nowMs = (o.now ?? new Date()).getTime();
  for (let i = 0; i < total; i++) {
    const company = DEMO_COMPANIES[i % DEMO_COMPANIES.length]!;
    const round = Math.floor(i / DEMO_COMPANIES.length);
    const name = round === 0 ? company.name : `${company.name} ${round + 1}`;
    const createdAt = new Date(nowMs - (total - i) * 2 * DAY_MS);
    const customer = state.createCustomer(
      orgId,
      { name, domain: company.domain, status: 'onboarding', metadata: { demo: true } },
      { createdAt },
    );
    const [first, last] = company.contact.toLowerCase().split(' ');
    const emailLocal = round === 0 ? `${first}.${last}` : `${first}.${last}${round + 1}`;
    state.createContact(
      orgId,
      customer.id,
      { name: company.contact, email: `${emailLocal}@${company.domain}`, title: company.title, is_primary: true },
      { createdAt: new Date(createdAt.getTime() + 60_000) },
    );

    const phase = DOCUMENTED_PHASES[i % DOCUMENTED_PHASES.length]!;
    const finished = phase === 'completed';
    const overdue = !finished && i % 3 === 1;
    const target =
      i === total - 1 && !finished ? null : dateOnly(overdue ? nowMs - (4 + i) * DAY_MS : nowMs + (7 + 3 * i) * DAY_MS);
    state.createOnboarding(
      orgId,
      {
        customer_id: customer.id,
        name: `${name} onboarding`,
        phase,
        state: finished ? 'done' : i % 6 === 3 ? 'paused' : i % 6 === 4 ? 'waiting' : 'active',
        target_launch_date: target,
        csm_id: DEMO_CSMS[i % DEMO_CSMS.length]!,
        notes: overdue ? 'Launch slipped; waiting on integration credentials.' : null,
      },
      { createdAt: new Date(createdAt.getTime() + 120_000) },
    );
  }
}

const BULK_STATES = ['active', 'active', 'paused', 'at_risk', 'waiting'];

/**
 * n customers with one onboarding each, straight into the state: for benchmarks and long list walks.
 * They were made one a second up to `now`, so their created_at values are all different.
 */
export function seedBulk(state: SimulatorState, orgId: string, n: number, now: Date): void {
  const batch = randomBytes(3).toString('hex');
  for (let i = 0; i < n; i++) {
    const createdAt = new Date(now.getTime() - (n - 1 - i) * 1000);
    const customer = state.createCustomer(
      orgId,
      { name: `Bulk Customer ${batch} ${i + 1}`, slug: `bulk-${batch}-${i + 1}` },
      { createdAt },
    );
    state.createOnboarding(
      orgId,
      {
        customer_id: customer.id,
        phase: DOCUMENTED_PHASES[i % DOCUMENTED_PHASES.length]!,
        state: BULK_STATES[i % BULK_STATES.length]!,
        csm_id: DEMO_CSMS[i % DEMO_CSMS.length]!,
      },
      { createdAt },
    );
  }
}
