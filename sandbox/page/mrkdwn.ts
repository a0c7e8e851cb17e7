import { withEmoji } from './emoji.js';
import { h, safeHref, type VNode } from './vnode.js';

/**
 * Slack's mrkdwn, the subset the sandbox page needs: *bold*, _italic_, ~strike~, `code`, ```pre```,
 * > quotes, <url|text> links, <@U…> user and <#C…|name> channel mentions, <!here>-style specials as
 * text, emoji shortcodes as the emoji (outside code), and the &lt; &gt; &amp; entities (decoded into text
 * nodes, never markup).
 */

export interface MentionDirectory {
  users: ReadonlyArray<{ id: string; name: string; real_name?: string }>;
  channels: ReadonlyArray<{ id: string; name: string }>;
}

export function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// Angle-bracket tokens and code spans are cut out before formatting is parsed, and stand in the
// text as private-use placeholders: `*<url|Acme>*` is a bold link, while `*` inside code stays a `*`.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

const FORMATS: ReadonlyArray<{ marker: string; tag: string }> = [
  { marker: '*', tag: 'strong' },
  { marker: '_', tag: 'em' },
  { marker: '~', tag: 's' },
];

function formatPattern(marker: string): RegExp {
  // Of the three markers only `*` means something to a regular expression.
  const m = marker === '*' ? '\\*' : marker;
  // Slack only formats at word edges: snake_case_names and 2*3*4 stay as they are.
  return new RegExp(`(^|[^\\p{L}\\p{N}])${m}(?!\\s)([^${m}\\n]*[^\\s${m}])${m}(?![\\p{L}\\p{N}])`, 'u');
}
const PATTERNS = FORMATS.map((f) => ({ ...f, re: formatPattern(f.marker) }));

function angleToken(inner: string, dir: MentionDirectory): VNode {
  const [target = '', label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const user = dir.users.find((u) => u.id === id);
    return h('span', { class: 'mention', 'data-user-id': id }, `@${user?.real_name ?? user?.name ?? label ?? id}`);
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const channel = dir.channels.find((c) => c.id === id);
    return h('span', { class: 'mention', 'data-channel-id': id }, `#${label ?? channel?.name ?? id}`);
  }
  if (target.startsWith('!')) {
    // <!here>, <!channel>, <!subteam^S1|@team>, <!date^…|fallback>: shown as text, nobody is pinged.
    const special = target.slice(1).split('^')[0] ?? '';
    return h('span', { class: 'mention' }, label ? decodeEntities(label) : `@${special}`);
  }
  const href = safeHref(decodeEntities(target));
  const text = decodeEntities(label ?? target);
  return href ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, text) : text;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function expand(text: string, tokens: VNode[]): VNode[] {
  const out: VNode[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) out.push(withEmoji(decodeEntities(text.slice(last, m.index))));
    out.push(tokens[Number(m[1])]!);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(withEmoji(decodeEntities(text.slice(last))));
  return out;
}

function formatted(text: string, tokens: VNode[]): VNode[] {
  let best: { index: number; match: RegExpExecArray; tag: string } | undefined;
  for (const p of PATTERNS) {
    const match = p.re.exec(text);
    if (match && (!best || match.index < best.index)) best = { index: match.index, match, tag: p.tag };
  }
  if (!best) return expand(text, tokens);
  const { match, tag } = best;
  const before = text.slice(0, match.index) + (match[1] ?? '');
  const after = text.slice(match.index + match[0].length);
  return [...expand(before, tokens), h(tag, {}, formatted(match[2]!, tokens)), ...formatted(after, tokens)];
}

function inline(text: string, dir: MentionDirectory): VNode[] {
  const tokens: VNode[] = [];
  const stash = (node: VNode) => `${OPEN}${tokens.push(node) - 1}${CLOSE}`;
  const withCode = text.replace(/`([^`\n]+)`/g, (_all, code: string) => stash(h('code', {}, decodeEntities(code))));
  const withTokens = withCode.replace(/<([^<>\n]+)>/g, (_all, inner: string) => stash(angleToken(inner, dir)));
  return formatted(withTokens, tokens);
}

/** Lines starting with `>` (sent escaped as `&gt;`) become a quote; the rest stays inline text. */
function paragraphs(text: string, dir: MentionDirectory): VNode[] {
  const out: VNode[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; ) {
    const quoted: string[] = [];
    while (i < lines.length && /^(&gt;|>)/.test(lines[i]!)) quoted.push(lines[i++]!.replace(/^(&gt;|>) ?/, ''));
    if (quoted.length) {
      out.push(h('blockquote', {}, inline(quoted.join('\n'), dir)));
      continue;
    }
    const plainLines: string[] = [];
    while (i < lines.length && !/^(&gt;|>)/.test(lines[i]!)) plainLines.push(lines[i++]!);
    out.push(...inline(plainLines.join('\n'), dir));
  }
  return out;
}

export function renderMrkdwn(text: string, dir: MentionDirectory): VNode[] {
  const out: VNode[] = [];
  const parts = text.split('```');
  parts.forEach((part, i) => {
    // Odd parts sit between fences; an unclosed fence leaves its text as it was typed.
    const fenced = i % 2 === 1 && i < parts.length - 1;
    if (fenced) out.push(h('pre', {}, decodeEntities(part.replace(/^\n/, ''))));
    else if (part) out.push(...paragraphs(i % 2 === 1 ? `\`\`\`${part}` : part, dir));
  });
  return out;
}
