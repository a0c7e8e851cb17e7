import { emojiFor, withEmoji } from './emoji.js';
import {
  asArray,
  asObject,
  asString,
  blockIdOf,
  interactiveElements,
  optionsOf,
  textOfObject,
  type Interactive,
  type Json,
} from './blocks.js';
import { renderMrkdwn, type MentionDirectory } from './mrkdwn.js';
import { h, safeHref, type VElement, type VNode } from './vnode.js';

/**
 * Block Kit → VNode, for the sandbox page. Pure: the same blocks always give the same tree.
 * Every interactive control carries data-block-id / data-action-id / data-type so the browser can
 * report what was used, and tests can find controls the way the app names them.
 * A block or element this renderer does not know becomes a visible placeholder, never an exception.
 */

export interface RenderContext extends MentionDirectory {
  /** `response_action: errors` for the view being rendered, by block_id. */
  errors?: Readonly<Record<string, string>>;
  /** Keeps radio-button groups of different surfaces apart. */
  scope?: string;
}

/** Slack's block limits per surface; more than this and Slack refuses the call. */
export const BLOCK_LIMITS = { modal: 100, home: 100, message: 50 } as const;

export function unsupported(what: 'block' | 'element', type: string): VElement {
  return h(
    what === 'block' ? 'div' : 'span',
    { class: 'bk-unsupported', 'data-unsupported': type },
    `Unsupported ${what}: ${type || '(no type)'}`,
  );
}

export function renderText(obj: unknown, ctx: RenderContext): VNode[] {
  const o = asObject(obj);
  if (!o) return [];
  const text = asString(o.text) ?? '';
  if (o.type === 'mrkdwn') return renderMrkdwn(text, ctx);
  return [o.emoji === false ? text : withEmoji(text)];
}

function ids(i: Interactive): Record<string, string> {
  return {
    'data-block-id': i.blockId,
    'data-action-id': i.actionId,
    'data-type': asString(i.element.type) ?? '',
    'data-dispatch': i.dispatches ? '1' : '0',
  };
}

function confirmAttr(element: Json): string | undefined {
  const confirm = asObject(element.confirm);
  if (!confirm) return undefined;
  return JSON.stringify({
    title: textOfObject(confirm.title),
    text: textOfObject(confirm.text),
    confirm: textOfObject(confirm.confirm) || 'Yes',
    deny: textOfObject(confirm.deny) || 'Cancel',
  });
}

function optionNodes(element: Json, selected: ReadonlySet<string>): VNode[] {
  const option = (o: unknown) => {
    const opt = asObject(o) ?? {};
    const value = asString(opt.value) ?? '';
    return h('option', { value, selected: selected.has(value) && '' }, textOfObject(opt.text));
  };
  const groups = asArray(element.option_groups);
  if (groups.length) {
    return groups.map((g) =>
      h('optgroup', { label: textOfObject(asObject(g)?.label) }, asArray(asObject(g)?.options).map(option)),
    );
  }
  return asArray(element.options).map(option);
}

function selectedValues(...candidates: unknown[]): Set<string> {
  const out = new Set<string>();
  for (const c of candidates) {
    for (const item of Array.isArray(c) ? c : [c]) {
      const value = typeof item === 'string' ? item : asString(asObject(item)?.value);
      if (value) out.add(value);
    }
  }
  return out;
}

function select(i: Interactive, placeholder: string, options: VNode[], multiple: boolean): VElement {
  const attrs = { ...ids(i), class: 'bk-select', multiple: multiple && '', 'data-confirm': confirmAttr(i.element) };
  return h('select', attrs, multiple ? [] : h('option', { value: '' }, placeholder), options);
}

function choiceList(i: Interactive, kind: 'checkbox' | 'radio', ctx: RenderContext): VElement {
  const e = i.element;
  const chosen = selectedValues(e.initial_options, e.initial_option);
  const name = `${ctx.scope ?? ''}/${i.blockId}/${i.actionId}`;
  return h(
    'div',
    { ...ids(i), class: `bk-choices bk-${kind}es`, 'data-confirm': confirmAttr(e) },
    optionsOf(e).map((o) => {
      const value = asString(o.value) ?? '';
      return h(
        'label',
        { class: 'bk-choice' },
        h('input', { type: kind, name, value, checked: chosen.has(value) && '' }),
        h('span', { class: 'bk-choice-text' }, renderText(o.text, ctx)),
        o.description ? h('span', { class: 'bk-choice-description' }, renderText(o.description, ctx)) : null,
      );
    }),
  );
}

function textInput(i: Interactive): VElement {
  const e = i.element;
  const common = {
    ...ids(i),
    class: 'bk-text-input',
    placeholder: textOfObject(e.placeholder) || undefined,
    maxlength: typeof e.max_length === 'number' ? String(e.max_length) : undefined,
    minlength: typeof e.min_length === 'number' ? String(e.min_length) : undefined,
  };
  const initial = asString(e.initial_value);
  switch (e.type) {
    case 'plain_text_input':
      return e.multiline === true
        ? h('textarea', { ...common, rows: '4' }, initial ?? '')
        : h('input', { ...common, type: 'text', value: initial });
    case 'number_input':
      return h('input', {
        ...common,
        type: 'number',
        step: e.is_decimal_allowed === true ? 'any' : '1',
        min: asString(e.min_value),
        max: asString(e.max_value),
        value: asString(e.initial_value),
      });
    case 'email_text_input':
      return h('input', { ...common, type: 'email', value: initial });
    default:
      return h('input', { ...common, type: 'url', value: initial });
  }
}

function renderInteractive(i: Interactive, ctx: RenderContext): VElement {
  const e = i.element;
  const type = asString(e.type) ?? '';
  const placeholder = textOfObject(e.placeholder) || 'Select an item';
  switch (type) {
    case 'button': {
      const style = asString(e.style);
      const attrs = {
        ...ids(i),
        class: `bk-button${style === 'primary' || style === 'danger' ? ` bk-${style}` : ''}`,
        'data-confirm': confirmAttr(e),
        'data-value': asString(e.value),
      };
      const href = safeHref(asString(e.url) ?? '');
      const label = textOfObject(e.text);
      return href
        ? h('a', { ...attrs, href, target: '_blank', rel: 'noopener noreferrer' }, label)
        : h('button', { ...attrs, type: 'button' }, label);
    }
    case 'overflow':
      return h(
        'select',
        { ...ids(i), class: 'bk-overflow', title: 'More actions', 'data-confirm': confirmAttr(e) },
        h('option', { value: '' }, '⋯'),
        optionNodes(e, new Set()),
      );
    case 'static_select':
    case 'multi_static_select':
      return select(
        i,
        placeholder,
        optionNodes(e, selectedValues(e.initial_option, e.initial_options)),
        type.startsWith('multi_'),
      );
    case 'users_select':
    case 'multi_users_select': {
      const chosen = selectedValues(e.initial_user, e.initial_users);
      return select(
        i,
        placeholder,
        ctx.users.map((u) => h('option', { value: u.id, selected: chosen.has(u.id) && '' }, u.real_name ?? u.name)),
        type.startsWith('multi_'),
      );
    }
    case 'conversations_select':
    case 'multi_conversations_select':
    case 'channels_select':
    case 'multi_channels_select': {
      const chosen = selectedValues(
        e.initial_conversation,
        e.initial_conversations,
        e.initial_channel,
        e.initial_channels,
      );
      return select(
        i,
        placeholder,
        ctx.channels.map((c) => h('option', { value: c.id, selected: chosen.has(c.id) && '' }, `#${c.name}`)),
        type.startsWith('multi_'),
      );
    }
    case 'external_select': {
      const initial = asObject(e.initial_option);
      return h(
        'div',
        { class: 'bk-external' },
        h('input', {
          ...ids(i),
          class: 'bk-external-input',
          type: 'text',
          autocomplete: 'off',
          placeholder,
          'data-min-query-length': String(typeof e.min_query_length === 'number' ? e.min_query_length : 3),
          'data-value': asString(initial?.value),
          'data-label': initial ? textOfObject(initial.text) : undefined,
          value: initial ? textOfObject(initial.text) : undefined,
          'data-confirm': confirmAttr(e),
        }),
        h('ul', { class: 'bk-suggestions', hidden: '' }),
      );
    }
    case 'datepicker':
      return h('input', {
        ...ids(i),
        class: 'bk-date',
        type: 'date',
        value: asString(e.initial_date),
        'data-confirm': confirmAttr(e),
      });
    case 'timepicker':
      return h('input', {
        ...ids(i),
        class: 'bk-time',
        type: 'time',
        value: asString(e.initial_time),
        'data-confirm': confirmAttr(e),
      });
    case 'checkboxes':
      return choiceList(i, 'checkbox', ctx);
    case 'radio_buttons':
      return choiceList(i, 'radio', ctx);
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return textInput(i);
    default:
      return unsupported('element', type);
  }
}

/** Non-interactive elements (images in context blocks and accessories) and anything unknown. */
function renderStatic(element: unknown, ctx: RenderContext): VNode {
  const e = asObject(element) ?? {};
  if (e.type === 'image') return h('span', { class: 'bk-image' }, `[image: ${asString(e.alt_text) ?? ''}]`);
  if (e.type === 'mrkdwn' || e.type === 'plain_text')
    return h('span', { class: 'bk-context-text' }, renderText(e, ctx));
  return unsupported('element', asString(e.type) ?? '');
}

function richInline(el: Json, ctx: RenderContext): VNode {
  const style = asObject(el.style) ?? {};
  let node: VNode;
  switch (el.type) {
    case 'text':
      node = asString(el.text) ?? '';
      break;
    case 'link': {
      const href = safeHref(asString(el.url) ?? '');
      const text = asString(el.text) ?? asString(el.url) ?? '';
      node = href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text) : text;
      break;
    }
    case 'user': {
      const user = ctx.users.find((u) => u.id === el.user_id);
      node = h(
        'span',
        { class: 'mention', 'data-user-id': asString(el.user_id) },
        `@${user?.real_name ?? user?.name ?? asString(el.user_id) ?? ''}`,
      );
      break;
    }
    case 'channel': {
      const channel = ctx.channels.find((c) => c.id === el.channel_id);
      node = h(
        'span',
        { class: 'mention', 'data-channel-id': asString(el.channel_id) },
        `#${channel?.name ?? asString(el.channel_id) ?? ''}`,
      );
      break;
    }
    case 'emoji':
      node = emojiFor(asString(el.name) ?? '') ?? `:${asString(el.name) ?? ''}:`;
      break;
    case 'broadcast':
      node = h('span', { class: 'mention' }, `@${asString(el.range) ?? 'here'}`);
      break;
    case 'date':
      node = asString(el.fallback) ?? asString(el.format) ?? '';
      break;
    default:
      return unsupported('element', asString(el.type) ?? '');
  }
  if (style.code === true) node = h('code', {}, node);
  if (style.strike === true) node = h('s', {}, node);
  if (style.italic === true) node = h('em', {}, node);
  if (style.bold === true) node = h('strong', {}, node);
  return node;
}

function richSection(section: Json, ctx: RenderContext): VNode[] {
  return asArray(section.elements).map((e) => richInline(asObject(e) ?? {}, ctx));
}

function richText(block: Json, ctx: RenderContext): VNode[] {
  return asArray(block.elements).map((raw) => {
    const part = asObject(raw) ?? {};
    switch (part.type) {
      case 'rich_text_section':
        return h('div', { class: 'bk-rich-section' }, richSection(part, ctx));
      case 'rich_text_preformatted':
        return h('pre', {}, richSection(part, ctx));
      case 'rich_text_quote':
        return h('blockquote', {}, richSection(part, ctx));
      case 'rich_text_list':
        return h(
          part.style === 'ordered' ? 'ol' : 'ul',
          {},
          asArray(part.elements).map((item) => h('li', {}, richSection(asObject(item) ?? {}, ctx))),
        );
      default:
        return unsupported('element', asString(part.type) ?? '');
    }
  });
}

function renderBlock(block: Json, index: number, byElement: Map<Json, Interactive>, ctx: RenderContext): VElement {
  const type = asString(block.type) ?? '';
  const blockId = blockIdOf(block, index);
  const attrs = { class: `bk-block bk-${type}`, 'data-block-id': blockId };
  const element = (e: unknown): VNode => {
    const o = asObject(e);
    const i = o ? byElement.get(o) : undefined;
    return i ? renderInteractive(i, ctx) : renderStatic(e, ctx);
  };
  switch (type) {
    case 'header':
      return h('div', attrs, h('h3', {}, textOfObject(block.text)));
    case 'divider':
      return h('hr', attrs);
    case 'section':
      return h(
        'div',
        attrs,
        h(
          'div',
          { class: 'bk-section-main' },
          block.text ? h('div', { class: 'bk-text' }, renderText(block.text, ctx)) : null,
          asArray(block.fields).length
            ? h(
                'div',
                { class: 'bk-fields' },
                asArray(block.fields).map((f) => h('div', { class: 'bk-field' }, renderText(f, ctx))),
              )
            : null,
        ),
        block.accessory ? h('div', { class: 'bk-accessory' }, element(block.accessory)) : null,
      );
    case 'context':
      return h('div', attrs, asArray(block.elements).map(element));
    case 'actions':
      return h('div', attrs, asArray(block.elements).map(element));
    case 'image':
      return h(
        'div',
        attrs,
        block.title ? h('div', { class: 'bk-image-title' }, textOfObject(block.title)) : null,
        h('span', { class: 'bk-image' }, `[image: ${asString(block.alt_text) ?? ''}]`),
      );
    case 'input': {
      const error = ctx.errors?.[blockId];
      return h(
        'div',
        { ...attrs, 'data-optional': block.optional === true ? '1' : '0' },
        h(
          'label',
          { class: 'bk-label' },
          textOfObject(block.label),
          block.optional === true ? h('span', { class: 'bk-optional' }, ' (optional)') : null,
        ),
        element(block.element),
        block.hint ? h('div', { class: 'bk-hint' }, textOfObject(block.hint)) : null,
        h('div', { class: 'bk-error', 'data-error-for': blockId, hidden: error ? false : '' }, error ?? ''),
      );
    }
    case 'rich_text':
      return h('div', attrs, richText(block, ctx));
    case 'markdown':
      return h('div', attrs, asString(block.text) ?? '');
    default:
      return unsupported('block', type);
  }
}

export function renderBlocks(blocks: unknown, ctx: RenderContext): VElement[] {
  const list = asArray(blocks);
  const byElement = new Map(interactiveElements(list).map((i) => [i.element, i]));
  return list.map((raw, index) => {
    const block = asObject(raw);
    if (!block) return unsupported('block', typeof raw);
    try {
      return renderBlock(block, index, byElement, ctx);
    } catch (err) {
      // Malformed output from the app must show up on the page, not blank it.
      return h(
        'div',
        { class: 'bk-unsupported', 'data-unsupported': asString(block.type) ?? '' },
        `Could not render ${asString(block.type) ?? 'a'} block: ${(err as Error).message}`,
      );
    }
  });
}

/** A visible note when a surface carries more blocks than Slack accepts, so the app's bug is seen here first. */
export function limitWarning(blocks: unknown, surface: keyof typeof BLOCK_LIMITS): VElement | null {
  const count = asArray(blocks).length;
  const limit = BLOCK_LIMITS[surface];
  return count > limit
    ? h('div', { class: 'bk-limit-warning' }, `This ${surface} has ${count} blocks; Slack refuses more than ${limit}.`)
    : null;
}
