/**
 * A date-time as Slack's date token: each reader sees it in their own time zone (`{date_short_pretty}
 * at {time}`, `{ago}`, …). `fallback` is what clients that cannot render tokens show.
 */
export function slackDate(at: Date, format: string, fallback: string): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;
}
