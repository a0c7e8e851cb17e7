import type { StoredHome } from '../../sandbox/fake-slack/server.js';
import type { ActionInput, EchoedView, SlackUserRef } from '../../sandbox/slack-requests.js';
import { TEAM, type Harness } from './app-harness.js';
import { visibleText } from './view-submission.js';
import { waitFor } from './wait.js';

/** Home tab helpers: open it as Slack does, press its controls, read what it shows. */

export async function openHome(h: Harness, user: SlackUserRef): Promise<StoredHome> {
  const before = h.slack.homeViews.get(user.id)?.hash;
  const res = await h.event({
    type: 'app_home_opened',
    user: user.id,
    channel: `D${user.id.slice(1)}`,
    tab: 'home',
    event_ts: `${Date.now() / 1000}`,
  });
  if (res.status !== 200) throw new Error(`app_home_opened answered ${res.status}`);
  await waitFor(() => h.slack.homeViews.get(user.id) && h.slack.homeViews.get(user.id)!.hash !== before, {
    what: `Home published for ${user.id}`,
  });
  return h.slack.homeViews.get(user.id)!;
}

export function homeEcho(view: StoredHome): EchoedView {
  return { id: view.id, hash: view.hash, type: 'home', blocks: view.view.blocks };
}

export function homeBlocks(view: StoredHome): Array<Record<string, any>> {
  return view.view.blocks as Array<Record<string, any>>;
}

export function homeText(view: StoredHome): string {
  return visibleText(view.view.blocks);
}

/** Presses a control on the person's current Home and waits for the Home published in answer. */
export async function pressOnHome(h: Harness, user: SlackUserRef, action: ActionInput): Promise<StoredHome> {
  const current = h.slack.homeViews.get(user.id);
  if (!current) throw new Error(`no Home published for ${user.id}`);
  const res = await h.action(action, { kind: 'view', view: homeEcho(current) }, { user });
  if (res.status !== 200) throw new Error(`${action.action_id} answered ${res.status}`);
  await h.idle();
  return h.slack.homeViews.get(user.id)!;
}

export function selectOption(actionId: string, value: string): ActionInput {
  return {
    action_id: actionId,
    block_id: 'home_filters',
    type: 'static_select',
    selected_option: { text: { type: 'plain_text', text: value }, value },
  };
}

/** The onboarding numbers listed on a Home, in order. */
export function listedOnboardings(view: StoredHome): number[] {
  return homeBlocks(view)
    .filter((b) => typeof b.block_id === 'string' && b.block_id.startsWith('row:'))
    .map((b) => Number(/· #(\d+)/.exec(b.text.text as string)?.[1]));
}

export async function waitForFullSync(h: Harness, what = 'the first complete sync'): Promise<void> {
  await waitFor(
    async () =>
      (
        await h.app.ctx.store.db
          .selectFrom('sync_state')
          .select('last_full_walk_at')
          .where('workspace_id', '=', TEAM.id)
          .executeTakeFirst()
      )?.last_full_walk_at,
    { what, timeoutMs: 15_000 },
  );
}

/** One of the summary's counts on Home, pressed (again to list everything). */
export function focusButton(focus: string): ActionInput {
  return { action_id: `home_focus_${focus}`, block_id: 'home_summary', type: 'button', value: focus };
}

/** "Show finished (N)" or "Hide finished". */
export function finishedButton(value: 'show' | 'hide'): ActionInput {
  return { action_id: 'home_finished', block_id: 'home_filters', type: 'button', value };
}
