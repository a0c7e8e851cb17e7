import type { OnboardingRecord } from './records.js';
import type { SimulatorState } from './state.js';
import type { WebhookSender } from './webhooks.js';

/**
 * Changes made by someone in Pivotal's own web app (not through the API): the sandbox page's panel
 * makes them. Each one is written to the org's data and announced to the org's webhook endpoints
 * with the event the webhooks preview names, `data.previous_attributes` holding what changed.
 */
export class PivotalWebUi {
  constructor(
    private readonly state: SimulatorState,
    private readonly webhooks: WebhookSender,
  ) {}

  async movePhase(orgId: string, ref: string, phase: string): Promise<OnboardingRecord> {
    if (!this.state.allowsPhase(orgId, phase)) throw new Error(`Unknown phase "${phase}".`);
    return this.change(orgId, ref, { phase }, 'onboarding.phase_changed');
  }

  async setState(orgId: string, ref: string, state: string): Promise<OnboardingRecord> {
    return this.change(
      orgId,
      ref,
      { state },
      state === 'completed' ? 'onboarding.completed' : 'onboarding.state_changed',
    );
  }

  /** `date` is YYYY-MM-DD, or empty for no target. */
  async setTargetDate(orgId: string, ref: string, date: string): Promise<OnboardingRecord> {
    if (date && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error('A target date is YYYY-MM-DD.');
    return this.change(orgId, ref, { target_launch_date: date ? `${date}T00:00:00.000Z` : null }, 'onboarding.updated');
  }

  /** A new customer with one onboarding, as the "New customer" form makes them. */
  async addOnboarding(orgId: string, o: { customerName: string; phase?: string }): Promise<OnboardingRecord> {
    const name = o.customerName.trim();
    if (!name) throw new Error('Name the customer.');
    if (o.phase && !this.state.allowsPhase(orgId, o.phase)) throw new Error(`Unknown phase "${o.phase}".`);
    const customer = this.state.createCustomer(orgId, { name, status: 'onboarding' });
    const onboarding = this.state.createOnboarding(orgId, {
      customer_id: customer.id,
      name: `${name} onboarding`,
      ...(o.phase ? { phase: o.phase } : {}),
    });
    await this.webhooks.send(orgId, 'customer.created', { ...customer });
    await this.webhooks.send(orgId, 'onboarding.created', { ...onboarding });
    return onboarding;
  }

  /** Soft delete; the catalogue has no deletion event, so only polling finds it. */
  deleteOnboarding(orgId: string, ref: string): void {
    this.state.delete(orgId, 'onboardings', ref);
  }

  /** The current record once more, as a dashboard replay would send it. */
  async resend(orgId: string, ref: string): Promise<void> {
    await this.webhooks.send(orgId, 'onboarding.updated', { ...this.state.require(orgId, 'onboardings', ref) });
  }

  private async change(
    orgId: string,
    ref: string,
    changes: Partial<Pick<OnboardingRecord, 'phase' | 'state' | 'target_launch_date'>>,
    event: string,
  ): Promise<OnboardingRecord> {
    const before = this.state.require(orgId, 'onboardings', ref);
    const after = this.state.updateOnboarding(orgId, ref, changes);
    const previous = Object.fromEntries(
      Object.keys(changes).map((field) => [field, before[field as keyof typeof changes]]),
    );
    await this.webhooks.send(orgId, event, { ...after }, previous);
    return after;
  }
}
