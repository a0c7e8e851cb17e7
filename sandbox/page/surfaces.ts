import type { HomeView, ModalView } from '@slack/types';
import { asArray, asObject, asString, textOfObject } from './blocks.js';
import { renderMrkdwn, type MentionDirectory } from './mrkdwn.js';
import { limitWarning, renderBlocks } from './render.js';
import { h, type VElement } from './vnode.js';

/** The Slack chrome around Block Kit: a modal's frame, the Home tab, channel messages with threads. */

export interface ModalFrame {
  viewId: string;
  view: ModalView;
  /** 1 for the root view, 2–3 for pushed views. */
  depth: number;
  errors?: Record<string, string>;
  /** Slack's own line when the app did not answer a submission in time. */
  trouble?: string;
}

export function renderModal(frame: ModalFrame, dir: MentionDirectory): VElement {
  const { view } = frame;
  const submit = asObject(view.submit);
  return h(
    'div',
    {
      class: 'modal',
      role: 'dialog',
      'data-surface': 'view',
      'data-view-id': frame.viewId,
      'data-callback-id': asString(view.callback_id),
      'data-depth': String(frame.depth),
    },
    h(
      'div',
      { class: 'modal-head' },
      frame.depth > 1
        ? h('button', { type: 'button', class: 'modal-back', 'data-modal-close': '', title: 'Back' }, '‹')
        : null,
      h('h2', { class: 'modal-title' }, textOfObject(view.title)),
      h('button', { type: 'button', class: 'modal-x', 'data-modal-close': '', title: 'Close' }, '×'),
    ),
    h(
      'div',
      { class: 'modal-body' },
      limitWarning(view.blocks, 'modal'),
      renderBlocks(view.blocks, { ...dir, errors: frame.errors, scope: frame.viewId }),
    ),
    frame.trouble ? h('div', { class: 'modal-trouble', role: 'alert' }, frame.trouble) : null,
    h(
      'div',
      { class: 'modal-foot' },
      h(
        'button',
        { type: 'button', class: 'bk-button', 'data-modal-close': '' },
        textOfObject(view.close) || (submit ? 'Cancel' : 'Close'),
      ),
      submit
        ? h('button', { type: 'button', class: 'bk-button bk-primary', 'data-modal-submit': '' }, textOfObject(submit))
        : null,
    ),
  );
}

export function renderHome(home: { viewId: string; view: HomeView } | undefined, dir: MentionDirectory): VElement {
  if (!home) return h('div', { class: 'home-empty' }, 'The app has not published a Home tab for you yet.');
  return h(
    'div',
    { class: 'home', 'data-surface': 'view', 'data-view-id': home.viewId },
    limitWarning(home.view.blocks, 'home'),
    renderBlocks(home.view.blocks, { ...dir, scope: home.viewId }),
  );
}

export interface TimelineMessage {
  /** Posted through the Web API (channel, ts) or kept by the page (an ack body or response_url reply). */
  ref: { kind: 'message'; channel: string; ts: string } | { kind: 'ephemeral'; id: string };
  author: string;
  /** An app's message (the APP badge) rather than a person's. */
  app: boolean;
  text?: string;
  blocks?: unknown[];
  ephemeral: boolean;
  edited: boolean;
  replies: TimelineMessage[];
}

export function renderMessage(m: TimelineMessage, dir: MentionDirectory): VElement {
  const surface =
    m.ref.kind === 'message'
      ? { 'data-surface': 'message', 'data-channel': m.ref.channel, 'data-ts': m.ref.ts }
      : { 'data-surface': 'ephemeral', 'data-ephemeral-id': m.ref.id };
  const scope = m.ref.kind === 'message' ? m.ref.ts : m.ref.id;
  const blocks = asArray(m.blocks);
  return h(
    'div',
    { class: `msg${m.ephemeral ? ' msg-ephemeral' : ''}`, ...surface },
    h(
      'div',
      { class: 'msg-head' },
      h('span', { class: 'msg-author' }, m.author),
      m.app ? h('span', { class: 'msg-app' }, 'APP') : null,
      m.ephemeral ? h('span', { class: 'msg-only-you' }, 'Only visible to you') : null,
      m.edited ? h('span', { class: 'msg-edited' }, '(edited)') : null,
      // Slack offers message shortcuts on every message except ephemeral ones.
      m.ref.kind === 'message' && !m.ephemeral
        ? h('button', { type: 'button', class: 'msg-more', 'data-message-menu': '', title: 'More actions' }, '⋯')
        : null,
    ),
    h(
      'div',
      { class: 'msg-body' },
      blocks.length
        ? [limitWarning(blocks, 'message'), ...renderBlocks(blocks, { ...dir, scope })]
        : renderMrkdwn(m.text ?? '', dir),
    ),
    m.replies.length && m.ref.kind === 'message'
      ? h(
          'div',
          { class: 'thread', 'data-thread-of': m.ref.ts },
          h(
            'button',
            { type: 'button', class: 'thread-toggle', 'data-thread-toggle': m.ref.ts },
            `${m.replies.length} ${m.replies.length === 1 ? 'reply' : 'replies'}`,
          ),
          h(
            'div',
            { class: 'thread-replies', hidden: '' },
            m.replies.map((r) => renderMessage(r, dir)),
          ),
        )
      : null,
  );
}

export function renderTimeline(messages: TimelineMessage[], dir: MentionDirectory, empty: string): VElement {
  return h(
    'div',
    { class: 'timeline' },
    messages.length ? messages.map((m) => renderMessage(m, dir)) : h('div', { class: 'timeline-empty' }, empty),
  );
}
