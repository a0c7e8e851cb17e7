import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoViewWithState, answerEveryInput, inputBlockIds } from '../harness/view-submission.js';
import { ADMIN, CSM, NOTIFY_CHANNEL, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import type { ModalView } from '@slack/types';
import { isViewOfType, type FakeUser, type StoredView } from '../../sandbox/fake-slack/server.js';
import type { ActionInput } from '../../sandbox/slack-requests.js';
import { fastOutbox } from '../harness/phase-moves.js';
import { auditSince, mark, mirrorPivotalIntoReadModel, surfaceProblems } from './support.js';

/**
 * Hostile input in every field of every command and modal the app has: each one must end in a clean
 * field error or a safe, escaped rendering; never a crash, never a view Slack would refuse. The
 * commands are read from the app's own router and the modals are the ones those commands open, so
 * the suite grows with the app.
 */

const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['empty', ''],
  ['whitespace', ' \t  \u00a0 '],
  ['10,000 characters', 'Acme '.repeat(2_000)],
  ['emoji', '🚀 Acme 👩‍👩‍👧‍👦 Corp 🏳️‍🌈'],
  ['right-to-left', 'شركة أكمي للتجارة \u202Egnp.exe'],
  ['mention injection', '<!channel> <!here> <!everyone> <@U0HOSTILE> <#C0HOSTILE>'],
  ['mrkdwn injection', '*bold* _it_ ~gone~ `code` ```block``` <http://evil.example|click here> &amp; &lt;'],
  ['SQL-looking', `Robert'); DROP TABLE rm_customers;-- " OR 1=1 --`],
  ['control characters', 'a\u0000b\u0007c\r\nd\u2028e'],
];

const USERS: FakeUser[] = [ADMIN, CSM];
const MAX_DEPTH = 2;
/** A customer of the simulator's demo data, so commands that need a real record reach their modals. */
const KNOWN_CUSTOMER = 'Aurora Analytics';

describe('hostile input into every command and modal', () => {
  let h: Harness;
  let commands = 0;
  let submissions = 0;
  let surfaces = 0;
  let actions = 0;
  /** The first command that opened each kind of modal, to open a fresh one per hostile value. */
  const openers = new Map<string, { text: string; user: FakeUser }>();

  beforeAll(async () => {
    h = await startHarness({ simulator: { rateLimit: { live: 100_000, test: 100_000 } } });
    fastOutbox(h);
    h.pivotal.seedDemo(h.orgId, { customers: 4 });
    // Records "made in the Pivotal UI" with hostile names, which Home, search and posts will show.
    for (const [i, [, value]] of HOSTILE.entries()) {
      const customer = h.pivotal.state.createCustomer(h.orgId, {
        name: value || ' ',
        slug: `hostile-${i}`,
        domain: `hostile-${i}.example`,
      });
      h.pivotal.state.createContact(h.orgId, customer.id, {
        name: value || ' ',
        email: `hostile-${i}@example.com`,
        title: value,
        is_primary: true,
      });
      h.pivotal.state.createOnboarding(h.orgId, {
        customer_id: customer.id,
        name: value,
        phase: 'review',
        state: 'active',
        notes: value,
      });
    }
    await h.command('help');
    await mirrorPivotalIntoReadModel(h, TEAM.id);
  });
  afterAll(async () => {
    console.log(
      `hostile input cases: ${commands} commands, ${submissions} modal submissions (${[...openers.keys()].join(', ')}), ${surfaces} surfaces checked`,
    );
    await h.close();
  });

  /** Every case runs; what went wrong is gathered and shown together at the end of each test. */
  let problems: string[] = [];
  const report = (what: string, found: readonly string[]) => {
    for (const p of found) problems.push(`${what}: ${p}`);
  };
  const audit = (since: ReturnType<typeof mark>, what: string) => {
    const result = auditSince(h, since);
    surfaces += result.surfaces;
    report(what, result.problems);
  };
  const expectNoProblems = () => {
    const found = problems;
    problems = [];
    expect(found).toEqual([]);
  };

  const newModals = (before: ReadonlySet<string>): StoredView[] =>
    [...h.slack.views.values()].filter((v) => !before.has(v.id) && inputBlockIds(v.view.blocks).size > 0);

  it('every subcommand (and an unknown word) with every hostile argument, as an admin and as a CSM', async () => {
    const words = [...h.app.running.router.list().map((s) => s.name), 'frobnicate'];
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) {
      // With a real record first, so that commands which need one reach the modal they open for it.
      for (const [label, value] of [['a known customer', KNOWN_CUSTOMER] as const, ...HOSTILE]) {
        for (const user of USERS) {
          const since = mark(h);
          const viewsBefore = new Set(h.slack.views.keys());
          const res = await h.command(`${word} ${value}`, { user });
          commands += 1;
          const what = `/pivotal ${word} <${label}> as ${user.name}`;
          if (res.status !== 200) report(what, [`answered HTTP ${res.status}`]);
          if (res.json) report(what, surfaceProblems('message', res.json as Record<string, unknown>));
          await h.idle();
          audit(since, what);
          for (const modal of newModals(viewsBefore)) {
            const callbackId = String(modal.view.callback_id);
            if (!openers.has(callbackId))
              openers.set(callbackId, { text: value === KNOWN_CUSTOMER ? `${word} ${value}` : word, user });
          }
        }
      }
    }
    expectNoProblems();
  });

  it('every input of every modal those commands open, filled with every hostile value and submitted', async () => {
    expect(openers.size).toBeGreaterThan(0);
    for (const [callbackId, opener] of openers) {
      for (const [label, value] of HOSTILE) {
        const viewsBefore = new Set(h.slack.views.keys());
        await h.command(opener.text, { user: opener.user });
        await h.idle();
        const modal = newModals(viewsBefore).find((v) => v.view.callback_id === callbackId);
        if (!modal) throw new Error(`/pivotal ${opener.text} no longer opens ${callbackId}`);
        await submitHostile(modal, value, `${callbackId} <${label}>`, 1, opener.user);
      }
    }
    expectNoProblems();
  });

  /** Submits the view with the value in every input; follows an updated or pushed view once more. */
  async function submitHostile(
    view: { id: string; hash?: string; view: ModalView },
    value: string,
    what: string,
    depth: number,
    user: FakeUser,
  ): Promise<void> {
    const since = mark(h);
    const values = answerEveryInput(view.view.blocks, {
      text: value,
      user: CSM.id,
      channel: NOTIFY_CHANNEL,
      date: '2031-01-15',
    });
    const res = await h.submit(echoViewWithState(view, values), { user });
    submissions += 1;
    if (res.status !== 200) report(what, [`answered HTTP ${res.status}`]);
    const answer = (res.json ?? {}) as {
      response_action?: string;
      errors?: Record<string, string>;
      view?: Record<string, unknown>;
    };
    if (answer.response_action === 'errors') {
      const inputs = inputBlockIds(view.view.blocks);
      const errors = Object.entries(answer.errors ?? {});
      if (errors.length === 0) report(what, ['response_action errors without any field']);
      for (const [blockId, message] of errors) {
        if (!inputs.has(blockId))
          report(what, [`error for ${blockId}, which is not an input of the view (Slack would show nothing)`]);
        if (message.trim() === '') report(what, [`empty error message for ${blockId}`]);
      }
    } else if (answer.view) {
      report(what, surfaceProblems('modal', answer.view));
    }
    await h.idle();
    audit(since, what);
    const replaced = answer.response_action === 'update' || answer.response_action === 'push';
    if (replaced && answer.view && !isViewOfType(answer.view, 'modal'))
      report(what, [`${answer.response_action} with a view that is not a modal`]);
    if (
      depth < MAX_DEPTH &&
      replaced &&
      isViewOfType(answer.view, 'modal') &&
      inputBlockIds(answer.view.blocks).size > 0
    ) {
      const next =
        answer.response_action === 'update' ? { id: view.id, view: answer.view } : h.slack.putView(answer.view);
      await submitHostile(next, value, `${what} → ${String(answer.view.callback_id)}`, depth + 1, user);
    }
  }

  it('Home and channel posts stay valid and escaped with everything the hostile submissions created', async () => {
    const since = mark(h);
    for (const user of USERS) {
      await h.event({
        type: 'app_home_opened',
        user: user.id,
        channel: `D${user.id}`,
        tab: 'home',
        event_ts: `${Date.now() / 1000}`,
      });
    }
    await h.idle();
    audit(since, 'Home after hostile input');
    for (const message of h.slack.messages)
      report(`message ${message.ts}`, surfaceProblems('message', message as unknown as Record<string, unknown>));
    for (const home of h.slack.homeViews.values())
      report(`Home of ${home.user_id}`, surfaceProblems('home', { ...home.view }));
    expectNoProblems();
  });

  it('every button and menu the app has shown, pressed with a hostile value', async () => {
    const controls = interactiveControls(h);
    expect(controls.size).toBeGreaterThan(0);
    for (const control of controls.values()) {
      for (const [label, value] of HOSTILE) {
        const since = mark(h);
        const what = `${control.action.action_id} <${label}>`;
        const hostileOption = {
          text: { type: 'plain_text' as const, text: [...value].slice(0, 75).join('') || ' ' },
          value,
        };
        const action =
          control.action.type === 'button'
            ? { ...control.action, value }
            : { ...control.action, selected_option: hostileOption };
        const res = await h.action(action, control.container, { user: ADMIN });
        actions += 1;
        if (res.status !== 200) report(what, [`answered HTTP ${res.status}`]);
        await h.idle();
        audit(since, what);
      }
    }
    console.log(`hostile action cases: ${actions} on ${[...controls.keys()].join(', ')}`);
    expectNoProblems();
  });
});

type Control = { action: ActionInput; container: Parameters<Harness['action']>[1] };

/**
 * One of each button, select and overflow menu on what the app has shown so far (modals, Home,
 * channel posts, ephemeral replies), with the container Slack would send it from.
 */
function interactiveControls(h: Harness): Map<string, Control> {
  const found = new Map<string, Control>();
  const collect = (blocks: unknown, container: Control['container']) => {
    for (const block of (Array.isArray(blocks) ? blocks : []) as Array<Record<string, unknown>>) {
      const elements =
        block.type === 'actions'
          ? ((block.elements as Array<Record<string, unknown>>) ?? [])
          : block.type === 'section' && block.accessory
            ? [block.accessory as Record<string, unknown>]
            : [];
      for (const e of elements) {
        if (
          typeof e.action_id !== 'string' ||
          !['button', 'static_select', 'overflow'].includes(String(e.type)) ||
          found.has(e.action_id)
        )
          continue;
        found.set(e.action_id, {
          action: { action_id: e.action_id, block_id: String(block.block_id ?? 'b'), type: String(e.type) },
          container,
        });
      }
    }
  };
  for (const stored of [...h.slack.views.values(), ...h.slack.homeViews.values()]) {
    collect(stored.view.blocks, {
      kind: 'view',
      view: echoViewWithState(stored),
    });
  }
  for (const message of h.slack.messages) {
    collect(message.blocks, {
      kind: 'message',
      channelId: message.channel,
      messageTs: message.ts,
      responseUrl: h.slack.responseUrl(),
      message: { ts: message.ts, text: message.text ?? '', blocks: message.blocks },
    });
  }
  for (const post of h.slack.responseUrlPosts) {
    collect(post.body.blocks, {
      kind: 'message',
      channelId: 'C0GENERAL',
      messageTs: '1700000000.000200',
      responseUrl: h.slack.responseUrl(post.id),
    });
  }
  return found;
}
