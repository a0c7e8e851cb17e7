import type {
  App,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * What features register their Slack listeners on. It has App's own signatures, so listeners are
 * typed exactly as with `app.action(…)`, but actions, views (submissions and closes), options and
 * events each go through one Bolt listener per kind that looks the handler up by id or type.
 *
 * Why: Bolt runs every registered listener's middleware chain for every request; with a few dozen
 * listeners that doubled the ack latency against a bare Bolt app (bench/ack-latency.ts). One
 * dispatcher per kind keeps the cost flat however many features there are, and lets an action or
 * view nobody handles be acked politely instead of timing out in Slack.
 */
export type SlackListeners = Pick<App, 'action' | 'view' | 'options' | 'shortcut' | 'event' | 'command' | 'use'>;

/** What a feature's handler factories return, typed as `app.action(…)` and the others type them. */
export type ActionHandler = Middleware<SlackActionMiddlewareArgs>;
export type ViewSubmissionHandler = Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>;
export type EventHandler<Type extends string> = Middleware<SlackEventMiddlewareArgs<Type>>;

type Matcher = string | RegExp;
type AnyListener = (args: any) => Promise<unknown> | unknown;

interface Entry {
  /** Every field that must match, e.g. { action_id: 'move_open' } or { callback_id: /…/, type: 'view_closed' }. */
  fields: Record<string, Matcher>;
  listener: AnyListener;
}

const matches = (m: Matcher, value: unknown) =>
  typeof value === 'string' && (typeof m === 'string' ? m === value : m.test(value));
const fieldsOf = (constraint: unknown, idField: string): Record<string, Matcher> =>
  typeof constraint === 'string' || constraint instanceof RegExp
    ? { [idField]: constraint }
    : { ...(constraint as Record<string, Matcher>) };

function find(entries: readonly Entry[], subject: Record<string, unknown>): Entry | undefined {
  return entries.find((e) => Object.entries(e.fields).every(([field, m]) => matches(m, subject[field])));
}

function single(listeners: unknown[], what: string): AnyListener {
  if (listeners.length !== 1 || typeof listeners[0] !== 'function')
    throw new Error(`${what}: register exactly one listener`);
  return listeners[0] as AnyListener;
}

export function createListenerRegistry(app: App, logger: Logger): SlackListeners {
  const actions: Entry[] = [];
  const views: Entry[] = [];
  const options: Entry[] = [];
  const events: Entry[] = [];
  const shortcuts: Entry[] = [];

  app.action(/[\s\S]*/, async (args: any) => {
    const action = args.action as Record<string, unknown>;
    const entry = find(actions, action);
    if (entry) {
      await entry.listener(args);
      return;
    }
    await args.ack();
    logger.warn({ actionId: action.action_id }, 'an action nobody handles was acked');
    // Link buttons send an action too: only a real button or menu without a handler says something.
    if (!action.url && args.respond) {
      await args.respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That control is out of date. Run the command again to get a fresh one.',
      });
    }
  });

  app.view({ callback_id: /[\s\S]*/ }, async (args: any) => {
    const view = args.view as Record<string, unknown>;
    const type = (args.body as { type: string }).type;
    const entry = find(views, { ...view, type });
    if (entry) {
      await entry.listener(args);
      return;
    }
    logger.warn({ callbackId: view.callback_id, type }, 'a view nobody handles was acked');
    await args.ack();
  });

  app.shortcut(/[\s\S]*/, async (args: any) => {
    const shortcut = args.shortcut as Record<string, unknown>;
    const entry = find(shortcuts, shortcut);
    if (entry) {
      await entry.listener(args);
      return;
    }
    await args.ack();
    logger.warn({ callbackId: shortcut.callback_id }, 'a shortcut nobody handles was acked');
  });

  app.event(/[\s\S]*/, async (args: any) => {
    const entry = find(events, args.event as Record<string, unknown>);
    // Events are acked by Bolt before listeners run; one nobody subscribed to is simply dropped.
    if (entry) await entry.listener(args);
  });

  app.options(/[\s\S]*/, async (args: any) => {
    const payload = args.payload as Record<string, unknown>;
    const entry = find(options, payload);
    if (entry) {
      await entry.listener(args);
      return;
    }
    logger.warn({ actionId: payload.action_id }, 'an options request nobody handles got no options');
    await args.ack({ options: [] });
  });

  const registry = {
    action: (constraint: unknown, ...listeners: unknown[]) => {
      actions.push({ fields: fieldsOf(constraint, 'action_id'), listener: single(listeners, 'action') });
    },
    view: (constraint: unknown, ...listeners: unknown[]) => {
      const fields = fieldsOf(constraint, 'callback_id');
      views.push({ fields: { type: 'view_submission', ...fields }, listener: single(listeners, 'view') });
    },
    options: (constraint: unknown, ...listeners: unknown[]) => {
      options.push({ fields: fieldsOf(constraint, 'action_id'), listener: single(listeners, 'options') });
    },
    shortcut: (constraint: unknown, ...listeners: unknown[]) => {
      shortcuts.push({ fields: fieldsOf(constraint, 'callback_id'), listener: single(listeners, 'shortcut') });
    },
    event: (type: unknown, ...listeners: unknown[]) => {
      events.push({ fields: fieldsOf(type, 'type'), listener: single(listeners, 'event') });
    },
    command: app.command.bind(app),
    use: app.use.bind(app),
  };
  return registry as unknown as SlackListeners;
}
