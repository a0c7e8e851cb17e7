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
 * typed exactly as with `app.action(…)`, but nothing is registered with Bolt as a listener: one global
 * middleware, the last, looks the handler up by kind and id and calls it with the request's
 * arguments (Bolt hands global middleware the same arguments it hands listeners).
 *
 * Why: Bolt runs every registered listener's middleware chain for every request, whatever its kind.
 * A few dozen listeners doubled the ack latency against a bare Bolt app (bench/ack-latency.ts); even
 * one listener per kind (six) cost about two thirds of Bolt's time per request and half its garbage
 * (docs/slack-notes.md).
 * Dispatching here keeps that cost at one lookup however many features there are, and lets an
 * action, view or command nobody handles be acked politely instead of timing out in Slack.
 */
export type SlackListeners = Pick<App, 'action' | 'view' | 'options' | 'shortcut' | 'event' | 'command'>;

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

/**
 * Registers the dispatching middleware on `app`: call it after every other `app.use`, so global
 * middleware (the request envelope, the guest guard) runs before any handler.
 */
export function createListenerRegistry(app: App, logger: Logger): SlackListeners {
  const actions: Entry[] = [];
  const views: Entry[] = [];
  const options: Entry[] = [];
  const events: Entry[] = [];
  const shortcuts: Entry[] = [];
  const commands: Entry[] = [];

  async function onAction(args: any): Promise<void> {
    const action = args.action as Record<string, unknown>;
    const entry = find(actions, action);
    if (entry) return void (await entry.listener(args));
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
  }

  async function onView(args: any): Promise<void> {
    const view = args.view as Record<string, unknown>;
    const type = (args.body as { type: string }).type;
    const entry = find(views, { ...view, type });
    if (entry) return void (await entry.listener(args));
    logger.warn({ callbackId: view.callback_id, type }, 'a view nobody handles was acked');
    await args.ack();
  }

  async function onShortcut(args: any): Promise<void> {
    const shortcut = args.shortcut as Record<string, unknown>;
    const entry = find(shortcuts, shortcut);
    if (entry) return void (await entry.listener(args));
    await args.ack();
    logger.warn({ callbackId: shortcut.callback_id }, 'a shortcut nobody handles was acked');
  }

  async function onOptions(args: any): Promise<void> {
    const payload = args.options as Record<string, unknown>;
    const entry = find(options, payload);
    if (entry) return void (await entry.listener(args));
    logger.warn({ actionId: payload.action_id }, 'an options request nobody handles got no options');
    await args.ack({ options: [] });
  }

  async function onCommand(args: any): Promise<void> {
    const command = args.command as Record<string, unknown>;
    const entry = find(commands, command);
    if (entry) return void (await entry.listener(args));
    logger.warn({ command: command.command }, 'a command nobody handles was acked');
    await args.ack(`\`${String(command.command)}\` is not a command this app answers.`);
  }

  // Bolt sets exactly one of these to the payload, by the request's kind.
  app.use(async (args: any) => {
    if (args.command) return onCommand(args);
    if (args.action) return onAction(args);
    if (args.view) return onView(args);
    if (args.shortcut) return onShortcut(args);
    if (args.options) return onOptions(args);
    // Events are acked by Bolt before middleware runs; one nobody subscribed to is simply dropped.
    if (args.event) await find(events, args.event as Record<string, unknown>)?.listener(args);
  });
  // Middleware added after the dispatcher would never run (it calls no next): refused loudly instead.
  app.use = () => {
    throw new Error('global middleware must be added before the listener registry, whose dispatcher runs last');
  };

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
    command: (name: unknown, ...listeners: unknown[]) => {
      commands.push({ fields: fieldsOf(name, 'command'), listener: single(listeners, 'command') });
    },
  };
  return registry as unknown as SlackListeners;
}
