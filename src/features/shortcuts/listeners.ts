import type { Middleware, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { KeyMode } from '../../domain/key-mode.js';
import type { SlackListeners, ViewSubmissionHandler } from '../../slack/listener-registry.js';
import { FormState } from '../../views/form-values.js';
import { openMovePicker } from '../move/listeners.js';
import { openOnboardFromShortcut } from '../onboard/listeners.js';
import { FILL_FAILED_TEXT, fillLoadingModal } from '../shared/loading-modal.js';
import { openSession } from '../shared/session.js';
import { prefillFromMessage, plainText } from './message-text.js';
import {
  AddedMessageSchema,
  addToNotes,
  addedMessage,
  NotesSnapshotSchema,
  showNotes,
  startAdding,
  type AddScreen,
} from './notes.js';
import {
  ADD_BLOCKS,
  ADD_CONFIRM_CALLBACK,
  ADD_PICK_CALLBACK,
  addConfirmModal,
  addedModal,
  addLoadingModal,
  addMessageModal,
  addPickModal,
  addSavingModal,
} from './views.js';

export const SHORTCUTS = {
  startOnboarding: 'start_onboarding',
  addToOnboarding: 'add_to_onboarding',
  newOnboarding: 'new_onboarding',
  moveOnboarding: 'move_onboarding',
} as const;

const GlobalShortcut = z.looseObject({ trigger_id: z.string(), user: z.looseObject({ id: z.string() }) });
const MessageShortcut = GlobalShortcut.extend({
  channel: z.looseObject({ id: z.string() }),
  message: z.looseObject({ ts: z.string(), text: z.string().optional(), thread_ts: z.string().optional() }),
});
type ShortcutListener = Middleware<SlackShortcutMiddlewareArgs>;

const STALE_FORM = 'This window is from an older version of the app. Close it and use the shortcut again.';

/** The message shortcuts (on any message's "⋯" menu) and the global ones (the composer's shortcuts menu). */
export function registerShortcuts(app: SlackListeners, ctx: AppContext): void {
  app.shortcut(SHORTCUTS.startOnboarding, startOnboarding(ctx));
  app.shortcut(SHORTCUTS.newOnboarding, newOnboarding(ctx));
  app.shortcut(SHORTCUTS.moveOnboarding, moveOnboarding(ctx));
  app.shortcut(SHORTCUTS.addToOnboarding, addToOnboarding(ctx));
  app.view(ADD_PICK_CALLBACK, addPicked(ctx));
  app.view(ADD_CONFIRM_CALLBACK, addConfirmed(ctx));
}

async function permalinkOf(ctx: AppContext, client: WebClient, channel: string, ts: string): Promise<string | null> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink ?? null;
  } catch (err) {
    ctx.logger.info({ err, channel }, 'shortcut: Slack gave no permalink for the message');
    return null;
  }
}

/** "Start onboarding" on a message: the onboard form filled from it, the message kept as the source. */
function startOnboarding(ctx: AppContext): ShortcutListener {
  return async ({ ack, body, client, context }) => {
    await ack();
    const { trigger_id, user, channel, message } = MessageShortcut.parse(body);
    const session = await openSession(ctx, context);
    await openOnboardFromShortcut(ctx, session, client, { triggerId: trigger_id, userId: user.id }, async () => ({
      ...prefillFromMessage(message.text ?? ''),
      source: {
        channelId: channel.id,
        ts: message.ts,
        threadTs: message.thread_ts ?? null,
        permalink: await permalinkOf(ctx, client, channel.id, message.ts),
      },
    }));
  };
}

function newOnboarding(ctx: AppContext): ShortcutListener {
  return async ({ ack, body, client, context }) => {
    await ack();
    const { trigger_id, user } = GlobalShortcut.parse(body);
    const session = await openSession(ctx, context);
    await openOnboardFromShortcut(ctx, session, client, { triggerId: trigger_id, userId: user.id }, async () => ({
      customerName: '',
    }));
  };
}

function moveOnboarding(ctx: AppContext): ShortcutListener {
  return async ({ ack, body, client, context }) => {
    await ack();
    const { trigger_id } = GlobalShortcut.parse(body);
    await openMovePicker(ctx, await openSession(ctx, context), client, trigger_id);
  };
}

function render(screen: AddScreen, mode: KeyMode | null): ModalView {
  switch (screen.kind) {
    case 'message':
      return addMessageModal(screen.text, mode);
    case 'pick':
      return addPickModal(screen.candidates, screen.message, mode);
    case 'confirm':
      return addConfirmModal(screen.snapshot, screen.notes, mode, screen.changed);
    case 'added':
      return addedModal(screen.snapshot, mode);
  }
}

/** Fills a modal already open; should the work fail, the modal says so before the error goes to the global handler. */
function fill(client: WebClient, viewId: string, mode: KeyMode | null, work: () => Promise<AddScreen>) {
  return fillLoadingModal(
    client,
    viewId,
    async () => render(await work(), mode),
    () => addMessageModal(FILL_FAILED_TEXT, mode),
  );
}

function addToOnboarding(ctx: AppContext): ShortcutListener {
  return async ({ ack, body, client, context }) => {
    await ack();
    const { trigger_id, channel, message } = MessageShortcut.parse(body);
    const session = await openSession(ctx, context);
    const opened = await client.views.open({ trigger_id, view: addLoadingModal(session.mode) });
    await fill(client, opened.view!.id!, session.mode, async () => {
      const permalink = await permalinkOf(ctx, client, channel.id, message.ts);
      return startAdding(ctx, session, addedMessage(plainText(message.text ?? ''), permalink));
    });
  };
}

function parsed<T>(schema: z.ZodType<T>, privateMetadata: string | undefined): T | null {
  try {
    const result = schema.safeParse(JSON.parse(privateMetadata ?? ''));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function addPicked(ctx: AppContext): ViewSubmissionHandler {
  return async ({ ack, body, view, client, context }) => {
    const session = await openSession(ctx, context);
    const message = parsed(AddedMessageSchema, view.private_metadata);
    if (!message)
      return void (await ack({ response_action: 'update', view: addMessageModal(STALE_FORM, session.mode) }));
    const onboardingId = FormState.from(view.state.values).option(ADD_BLOCKS.pick)?.value;
    if (!onboardingId) {
      await ack({ response_action: 'errors', errors: { [ADD_BLOCKS.pick]: 'Pick the onboarding to add it to.' } });
      return;
    }
    await ack({ response_action: 'update', view: addLoadingModal(session.mode) });
    const actor = { userId: body.user.id, slack: client };
    await fill(client, view.id, session.mode, () => showNotes(ctx, session, actor, onboardingId, message));
  };
}

function addConfirmed(ctx: AppContext): ViewSubmissionHandler {
  return async ({ ack, body, view, client, context }) => {
    const session = await openSession(ctx, context);
    const snapshot = parsed(NotesSnapshotSchema, view.private_metadata);
    if (!snapshot)
      return void (await ack({ response_action: 'update', view: addMessageModal(STALE_FORM, session.mode) }));
    await ack({ response_action: 'update', view: addSavingModal(session.mode) });
    const actor = { userId: body.user.id, slack: client };
    await fill(client, view.id, session.mode, () => addToNotes(ctx, session, actor, snapshot));
  };
}
