/**
 * Emoji shortcodes as Slack shows them: the ones the app uses and a few common ones. Anything else
 * stays as typed, `:like_this:`, as Slack itself does for a custom emoji it does not know.
 */
const EMOJI: Readonly<Record<string, string>> = {
  arrow_forward: '▶️',
  calendar: '📆',
  double_vertical_bar: '⏸️',
  electric_plug: '🔌',
  eyes: '👀',
  fast_forward: '⏩',
  heavy_minus_sign: '➖',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  information_source: 'ℹ️',
  large_green_circle: '🟢',
  leftwards_arrow_with_hook: '↩️',
  lock: '🔒',
  new: '🆕',
  red_circle: '🔴',
  rocket: '🚀',
  rotating_light: '🚨',
  tada: '🎉',
  test_tube: '🧪',
  traffic_light: '🚥',
  twisted_rightwards_arrows: '🔀',
  warning: '⚠️',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
};

export function emojiFor(name: string): string | undefined {
  return Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
}

export function withEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (shortcode, name: string) => emojiFor(name) ?? shortcode);
}
