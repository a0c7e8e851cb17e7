import type { KnownBlock } from '@slack/types';
import type { PhaseSequence } from '../../domain/phases.js';
import type { RmCustomerRow, RmOnboardingRow } from '../../store/schema-domain.js';
import { escapeMrkdwn, mrkdwn, truncate } from '../../views/text.js';
import { testKeyLabelBlock } from '../../views/test-key-label.js';
import { targetInWords } from '../../views/launch-date.js';
import { daysInPhase } from '../home/views.js';
import type { KeyMode } from '../../domain/key-mode.js';
import { customerStatusName, stateName } from '../../domain/states.js';

/** Unfurl cards: a few blocks each, from the read model only (a pasted link must not cost a Pivotal call). */

const OPEN_ONBOARDINGS_SHOWN = 5;

export interface CardContext {
  mode: KeyMode | null;
  phases: PhaseSequence;
  now: Date;
}

export function customerCard(customer: RmCustomerRow, onboardings: RmOnboardingRow[], c: CardContext): KnownBlock[] {
  const contact = customer.primary_contact_name
    ? `Primary contact: ${escapeMrkdwn(truncate(customer.primary_contact_name, 80))}${customer.primary_contact_title ? `, ${escapeMrkdwn(truncate(customer.primary_contact_title, 80))}` : ''}${customer.primary_contact_email ? ` (${escapeMrkdwn(truncate(customer.primary_contact_email, 120))})` : ''}`
    : 'No primary contact known';
  const lines = onboardings
    .slice(0, OPEN_ONBOARDINGS_SHOWN)
    .map(
      (o) =>
        `• #${o.display_id} ${escapeMrkdwn(truncate(c.phases.name(o.phase), 60))} · ${escapeMrkdwn(truncate(stateName(o.state), 30))}`,
    );
  const more = onboardings.length > lines.length ? `\n…and ${onboardings.length - lines.length} more` : '';
  return [
    ...testKeyLabelBlock(c.mode),
    {
      type: 'section',
      text: mrkdwn(
        `*${escapeMrkdwn(truncate(customer.name, 150))}* · customer #${customer.display_id}${customer.status ? ` · ${escapeMrkdwn(truncate(customerStatusName(customer.status), 30))}` : ''}\n${contact}`,
      ),
    },
    {
      type: 'context',
      elements: [mrkdwn(lines.length ? `Onboardings:\n${lines.join('\n')}${more}` : 'No onboardings')],
    },
  ];
}

export function onboardingCard(o: RmOnboardingRow, customer: RmCustomerRow | undefined, c: CardContext): KnownBlock[] {
  const progress = c.phases.progress(o.phase);
  const today = c.now.toISOString().slice(0, 10);
  const facts = [
    `Phase *${escapeMrkdwn(truncate(c.phases.name(o.phase), 80))}*${progress ? ` (${progress.step}/${progress.of})` : ''}`,
    `state *${escapeMrkdwn(truncate(stateName(o.state), 30))}*`,
    o.completed_at
      ? 'finished'
      : o.target_launch_date
        ? `target ${targetInWords(o.target_launch_date, today)}`
        : 'no target',
    daysInPhase(o.phase_entered_at, c.now),
  ].filter(Boolean);
  return [
    ...testKeyLabelBlock(c.mode),
    {
      type: 'section',
      text: mrkdwn(
        `*${escapeMrkdwn(truncate(customer?.name ?? 'Unknown customer', 150))}* · onboarding #${o.display_id}${o.name ? ` · ${escapeMrkdwn(truncate(o.name, 80))}` : ''}\n${facts.join(' · ')}`,
      ),
    },
  ];
}
