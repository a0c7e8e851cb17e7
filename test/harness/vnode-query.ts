import type { VElement, VNode } from '../../sandbox/page/vnode.js';

/** Reading the sandbox page's node trees in tests, the way a person reads the page. */

export function textOf(node: VNode | readonly VNode[] | null | undefined): string {
  if (!node) return '';
  if (Array.isArray(node)) return node.map((n: VNode) => textOf(n)).join('');
  if (typeof node === 'string') return node;
  return textOf((node as VElement).children ?? []);
}

export function findAll(
  node: VNode | readonly VNode[] | null | undefined,
  match: (el: VElement) => boolean,
): VElement[] {
  const out: VElement[] = [];
  const visit = (n: VNode) => {
    if (typeof n === 'string') return;
    if (match(n)) out.push(n);
    n.children?.forEach(visit);
  };
  if (node) (Array.isArray(node) ? node : [node as VNode]).forEach(visit);
  return out;
}

export function byAttr(node: VNode | readonly VNode[] | null | undefined, name: string, value?: string): VElement[] {
  return findAll(node, (el) => el.attrs?.[name] !== undefined && (value === undefined || el.attrs[name] === value));
}
