/**
 * Where the interactive elements of a Block Kit surface sit, and the ids Slack would give them. The
 * renderer (data attributes on the controls) and the interaction builder (state.values, actions)
 * both walk blocks through here, so they can never disagree about a block_id or action_id.
 */

export type Json = Record<string, unknown>;

export function asObject(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The text of a plain_text or mrkdwn object (or '' when absent). */
export function textOfObject(v: unknown): string {
  return asString(asObject(v)?.text) ?? '';
}

/** Slack fills in ids the app left out; ours are positional, which is stable for one rendering. */
export function blockIdOf(block: Json, index: number): string {
  return asString(block.block_id) ?? `auto-block-${index}`;
}

export function actionIdOf(element: Json, blockIndex: number, position: string | number): string {
  return asString(element.action_id) ?? `auto-action-${blockIndex}-${position}`;
}

export type Placement = 'input' | 'actions' | 'accessory';

export interface Interactive {
  blockId: string;
  actionId: string;
  element: Json;
  placement: Placement;
  /** Whether using it sends block_actions at once (Slack: always outside input blocks; inside only with dispatch_action). */
  dispatches: boolean;
}

export function interactiveElements(blocks: unknown[]): Interactive[] {
  const out: Interactive[] = [];
  blocks.forEach((raw, index) => {
    const block = asObject(raw);
    if (!block) return;
    const blockId = blockIdOf(block, index);
    if (block.type === 'input') {
      const element = asObject(block.element);
      if (element)
        out.push({
          blockId,
          actionId: actionIdOf(element, index, 'input'),
          element,
          placement: 'input',
          dispatches: block.dispatch_action === true,
        });
    } else if (block.type === 'actions') {
      asArray(block.elements).forEach((e, i) => {
        const element = asObject(e);
        if (element)
          out.push({
            blockId,
            actionId: actionIdOf(element, index, i),
            element,
            placement: 'actions',
            dispatches: true,
          });
      });
    } else if (block.type === 'section') {
      const element = asObject(block.accessory);
      if (element && element.type !== 'image')
        out.push({
          blockId,
          actionId: actionIdOf(element, index, 'accessory'),
          element,
          placement: 'accessory',
          dispatches: true,
        });
    }
  });
  return out;
}

export function findInteractive(blocks: unknown[], blockId: string, actionId: string): Interactive | undefined {
  return interactiveElements(blocks).find((i) => i.blockId === blockId && i.actionId === actionId);
}

/** Every option of a select or a group of options, flattened. */
export function optionsOf(element: Json): Json[] {
  const direct = asArray(element.options);
  const grouped = asArray(element.option_groups).flatMap((g) => asArray(asObject(g)?.options));
  return [...direct, ...grouped].map(asObject).filter((o): o is Json => o !== undefined);
}
