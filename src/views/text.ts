/**
 * Text helpers that know Slack's Block Kit limits (docs/slack-notes.md). Limits count code points, so
 * truncation splits on code points and never cuts an emoji in half.
 */
export const LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionValue: 150,
  modalTitle: 24,
  placeholder: 150,
  contextText: 3000,
  privateMetadata: 3000,
} as const;

export function truncate(text: string, max: number): string {
  const points = [...text];
  if (points.length <= max) return text;
  return `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/**
 * Like `truncate`, but ends at the last word that fits, so a cut shows as "…" after a whole word. A
 * first word longer than the room is cut inside it rather than leaving nothing.
 */
export function truncateAtWord(text: string, max: number): string {
  const points = [...text];
  if (points.length <= max) return text;
  const kept = points.slice(0, Math.max(0, max - 1)).join('');
  const space = kept.search(/\s+\S*$/);
  const atWord = space > 0 ? kept.slice(0, space) : kept;
  return `${atWord.replace(/[\s,.;:·—-]+$/u, '')}…`;
}

/**
 * User-supplied text shown in mrkdwn must not become a mention, a link or formatting: `<!channel>`
 * in a customer name must stay text. Slack's own escaping is &, < and >.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function plain(text: string, max: number = LIMITS.sectionText) {
  return { type: 'plain_text' as const, text: truncate(text || ' ', max), emoji: true };
}

export function mrkdwn(text: string, max: number = LIMITS.sectionText) {
  return { type: 'mrkdwn' as const, text: truncate(text || ' ', max) };
}

/** Slack escapes `&`, `<` and `>` in command text (`should_escape`); a name is typed without them. */
export function commandText(args: string): string {
  return args.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

/** `code` formatting for a value people typed, safe in mrkdwn. */
export function quoted(text: string, max = 80): string {
  return `\`${escapeMrkdwn(truncate(text, max)).replace(/`/g, "'")}\``;
}
