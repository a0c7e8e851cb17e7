/**
 * The page's renderer produces this tree instead of HTML: the browser builds it with createElement,
 * setAttribute and text nodes, so nothing the app (or a customer name inside it) sends can become
 * markup. Plain data also makes the renderer testable without a browser.
 */
export type VNode = string | VElement;

export interface VElement {
  tag: string;
  attrs?: Record<string, string>;
  children?: VNode[];
}

type Child = VNode | null | undefined | false;

export function h(
  tag: string,
  attrs: Record<string, string | undefined | false> = {},
  ...children: Array<Child | Child[]>
): VElement {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (typeof v === 'string') kept[k] = v;
  const flat: VNode[] = [];
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false && c !== '') flat.push(c);
  return { tag, ...(Object.keys(kept).length ? { attrs: kept } : {}), ...(flat.length ? { children: flat } : {}) };
}

/** Only web links may become an href: a `javascript:` URL in app output must stay inert text. */
export function safeHref(url: string): string | undefined {
  return /^(https?:|mailto:)/i.test(url.trim()) ? url.trim() : undefined;
}
