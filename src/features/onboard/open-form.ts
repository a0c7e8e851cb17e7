import type { WebClient } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import type { Session } from '../shared/session.js';
import { hintExistingCustomer, openingForm } from './service.js';
import { onboardForm } from './views.js';

/**
 * Opens the onboard modal, as `/pivotal onboard [name]` and Home's "Onboard a customer" do. The trigger
 * expires 3 s after the click or command: the modal opens before anything is asked of Pivotal, and a
 * typed name Pivotal may know is looked up afterwards.
 */
export async function openOnboardForm(
  ctx: AppContext,
  session: Session,
  client: WebClient,
  opts: { triggerId: string; userId: string; typed: string },
): Promise<void> {
  const opening = await openingForm(ctx, session, opts.typed, opts.userId);
  const opened = await client.views.open({
    trigger_id: opts.triggerId,
    view: onboardForm(opening.values, { mode: session.mode, phases: opening.phases, facts: opening.facts }),
  });
  if (opening.lookUpInPivotal && opened.view?.id) {
    const view = { id: opened.view.id, hash: opened.view.hash };
    ctx.background.run('onboard.existing-customer', () => hintExistingCustomer(ctx, session, client, view, opening));
  }
}
