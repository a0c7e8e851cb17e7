/**
 * Checks a surface the app sent against Slack's Block Kit limits (docs/slack-notes.md), the ones
 * Slack enforces by refusing the whole view or message: a view that breaks one shows the person
 * "trouble connecting" or nothing at all. Returns what is wrong, empty when the surface is valid.
 */

export type SurfaceKind = 'modal' | 'home' | 'message';

const MAX_BLOCKS: Record<SurfaceKind, number> = { modal: 100, home: 100, message: 50 };
const ID_MAX = 255;

interface TextObject {
  type?: unknown;
  text?: unknown;
}

type Node = Record<string, unknown>;

const points = (s: string) => [...s].length;

export function blockKitProblems(kind: SurfaceKind, surface: Node): string[] {
  const problems: string[] = [];
  const at = (path: string, problem: string) => problems.push(`${path}: ${problem}`);

  const text = (path: string, value: unknown, max: number, opts: { plainOnly?: boolean; optional?: boolean } = {}) => {
    if (value === undefined && opts.optional) return;
    const t = value as TextObject | undefined;
    if (!t || typeof t !== 'object' || typeof t.text !== 'string') return at(path, 'missing text object');
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn') return at(path, `unknown text type ${String(t.type)}`);
    if (opts.plainOnly && t.type !== 'plain_text') at(path, 'must be plain_text');
    const n = points(t.text);
    if (n === 0) at(path, 'empty text (Slack refuses it)');
    if (n > max) at(path, `text of ${n} characters (max ${max})`);
  };
  const id = (path: string, value: unknown) => {
    if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > ID_MAX))
      at(path, `id must be 1–${ID_MAX} characters`);
  };
  const option = (path: string, o: Node) => {
    text(`${path}.text`, o.text, 75);
    text(`${path}.description`, o.description, 75, { optional: true });
    if (typeof o.value !== 'string' || points(o.value) > 150)
      at(`${path}.value`, 'option value must be a string of at most 150 characters');
  };
  const element = (path: string, e: Node) => {
    id(`${path}.action_id`, e.action_id);
    text(`${path}.placeholder`, e.placeholder, 150, { plainOnly: true, optional: true });
    switch (e.type) {
      case 'button':
        text(`${path}.text`, e.text, 75, { plainOnly: true });
        if (typeof e.value === 'string' && points(e.value) > 2000)
          at(`${path}.value`, 'button value over 2000 characters');
        if (typeof e.url === 'string' && points(e.url) > 3000) at(`${path}.url`, 'url over 3000 characters');
        break;
      case 'static_select':
      case 'multi_static_select':
      case 'overflow':
      case 'radio_buttons':
      case 'checkboxes': {
        const options = (e.options as Node[] | undefined) ?? [];
        const max = e.type === 'overflow' ? 5 : e.type === 'radio_buttons' || e.type === 'checkboxes' ? 10 : 100;
        if (options.length > max) at(`${path}.options`, `${options.length} options (max ${max})`);
        // Slack's reference gives an overflow menu at least two options.
        if (e.type === 'overflow' && options.length < 2) at(`${path}.options`, `${options.length} option (min 2)`);
        options.forEach((o, i) => option(`${path}.options[${i}]`, o));
        for (const [gi, g] of ((e.option_groups as Node[] | undefined) ?? []).entries()) {
          text(`${path}.option_groups[${gi}].label`, g.label, 75, { plainOnly: true });
          ((g.options as Node[] | undefined) ?? []).forEach((o, i) =>
            option(`${path}.option_groups[${gi}].options[${i}]`, o),
          );
        }
        if (e.initial_option) option(`${path}.initial_option`, e.initial_option as Node);
        break;
      }
      case 'external_select':
        if (e.initial_option) option(`${path}.initial_option`, e.initial_option as Node);
        break;
      case 'plain_text_input':
        if (
          typeof e.initial_value === 'string' &&
          typeof e.max_length === 'number' &&
          points(e.initial_value) > e.max_length
        )
          at(`${path}.initial_value`, 'longer than the max_length of its own input');
        if (typeof e.max_length === 'number' && e.max_length > 3000) at(`${path}.max_length`, 'over 3000');
        break;
      default:
    }
    if (e.confirm) {
      const c = e.confirm as Node;
      text(`${path}.confirm.title`, c.title, 100, { plainOnly: true });
      text(`${path}.confirm.text`, c.text, 300);
      text(`${path}.confirm.confirm`, c.confirm, 30, { plainOnly: true });
      text(`${path}.confirm.deny`, c.deny, 30, { plainOnly: true });
    }
  };

  const blocks = (surface.blocks as Node[] | undefined) ?? [];
  if (blocks.length > MAX_BLOCKS[kind]) at('blocks', `${blocks.length} blocks (max ${MAX_BLOCKS[kind]})`);
  const blockIds = new Set<string>();
  let inputs = 0;
  blocks.forEach((b, i) => {
    const path = `blocks[${i}] (${String(b.type)})`;
    id(`${path}.block_id`, b.block_id);
    if (typeof b.block_id === 'string') {
      if (blockIds.has(b.block_id)) at(`${path}.block_id`, `duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    switch (b.type) {
      case 'section': {
        if (b.text === undefined && b.fields === undefined) at(path, 'a section needs text or fields');
        text(`${path}.text`, b.text, 3000, { optional: b.fields !== undefined });
        const fields = (b.fields as unknown[] | undefined) ?? [];
        if (fields.length > 10) at(`${path}.fields`, `${fields.length} fields (max 10)`);
        fields.forEach((f, fi) => text(`${path}.fields[${fi}]`, f, 2000));
        if (b.accessory) element(`${path}.accessory`, b.accessory as Node);
        break;
      }
      case 'header':
        text(`${path}.text`, b.text, 150, { plainOnly: true });
        break;
      case 'context': {
        const elements = (b.elements as Node[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > 10) at(`${path}.elements`, `${elements.length} elements (1–10)`);
        elements.forEach((e, ei) => (e.type === 'image' ? undefined : text(`${path}.elements[${ei}]`, e, 3000)));
        break;
      }
      case 'actions': {
        const elements = (b.elements as Node[] | undefined) ?? [];
        if (elements.length === 0 || elements.length > 25) at(`${path}.elements`, `${elements.length} elements (1–25)`);
        const actionIds = new Set<string>();
        elements.forEach((e, ei) => {
          element(`${path}.elements[${ei}]`, e);
          if (typeof e.action_id === 'string') {
            if (actionIds.has(e.action_id)) at(`${path}.elements[${ei}]`, `duplicate action_id ${e.action_id}`);
            actionIds.add(e.action_id);
          }
        });
        break;
      }
      case 'input':
        inputs += 1;
        if (kind === 'message') at(path, 'input blocks only belong in modals and Home');
        text(`${path}.label`, b.label, 2000, { plainOnly: true });
        text(`${path}.hint`, b.hint, 2000, { plainOnly: true, optional: true });
        if (!b.element) at(path, 'an input block needs an element');
        else element(`${path}.element`, b.element as Node);
        break;
      case 'markdown':
        if (typeof b.text !== 'string' || points(b.text) === 0 || points(b.text) > 12_000)
          at(path, 'markdown text must be 1–12,000 characters');
        break;
      case 'divider':
      case 'image':
      case 'rich_text':
        break;
      default:
        at(path, `unknown block type ${String(b.type)}`);
    }
  });

  if (kind === 'modal') {
    text('title', surface.title, 24, { plainOnly: true });
    text('submit', surface.submit, 24, { plainOnly: true, optional: inputs === 0 });
    text('close', surface.close, 24, { plainOnly: true, optional: true });
    if (inputs > 0 && !surface.submit) at('submit', 'a modal with input blocks needs a submit button');
  }
  if (kind !== 'message') {
    id('callback_id', surface.callback_id);
    id('external_id', surface.external_id);
    if (typeof surface.private_metadata === 'string' && surface.private_metadata.length > 3000)
      at('private_metadata', `${surface.private_metadata.length} characters (max 3000)`);
  } else if (blocks.length > 0 && (typeof surface.text !== 'string' || surface.text.length === 0)) {
    at('text', 'a message with blocks needs its notification text');
  }
  if (JSON.stringify(surface).length > 250_000) at('(view)', 'over 250 KB');
  return problems;
}

/** Every mrkdwn text of a surface (and a message's top-level text, which Slack reads as mrkdwn). */
export function mrkdwnTexts(surface: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'mrkdwn' && typeof record.text === 'string') out.push(record.text);
    if (record.type === 'markdown' && typeof record.text === 'string') out.push(record.text);
    for (const value of Object.values(record)) if (typeof value === 'object') walk(value);
  };
  walk(surface);
  const top = (surface as { text?: unknown } | null)?.text;
  if (typeof top === 'string') out.push(top);
  return out;
}

const textIn = (t: unknown) => (t && typeof t === 'object' ? String((t as TextObject).text ?? '') : '');

function elementLine(element: Node): string {
  const label = textIn(element.text ?? element.placeholder);
  const initial =
    element.initial_value ??
    element.initial_date ??
    element.initial_user ??
    textIn((element.initial_option as Node | undefined)?.text);
  return `${element.type}${label ? ` "${label}"` : ''}${initial ? ` = ${String(initial)}` : ''}`;
}

/**
 * A surface's blocks as one line each (type, id, texts, elements): a projection that stays readable
 * in an inline snapshot and changes only when what a person sees or submits changes.
 */
export function outline(blocks: readonly unknown[]): string[] {
  return (blocks as Node[]).map((block) => {
    const id = typeof block.block_id === 'string' ? `#${block.block_id} ` : '';
    switch (block.type) {
      case 'section': {
        const fields = ((block.fields as unknown[] | undefined) ?? []).map(textIn);
        const accessory = block.accessory ? ` [${elementLine(block.accessory as Node)}]` : '';
        return `section ${id}${[textIn(block.text), ...fields].filter(Boolean).join(' | ')}${accessory}`;
      }
      case 'header':
        return `header ${id}${textIn(block.text)}`;
      case 'context':
        return `context ${id}${((block.elements as Node[]) ?? []).map((e) => textIn(e) || e.type).join(' ')}`;
      case 'actions':
        return `actions ${id}${((block.elements as Node[]) ?? []).map((e) => `[${elementLine(e)}]`).join(' ')}`;
      case 'input':
        return `input ${id}${textIn(block.label)}${block.optional ? ' (optional)' : ''}: ${elementLine(block.element as Node)}`;
      default:
        return `${String(block.type)} ${id}`.trim();
    }
  });
}
