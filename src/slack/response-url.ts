/** Where Slack's own response_urls live (commercial and GovSlack). */
const SLACK_HOOK_ORIGINS = ['https://hooks.slack.com', 'https://hooks.slack-gov.com'];

/**
 * Whether a response_url may be POSTed to: only Slack's hosts, or the origin the app's Web API calls
 * go to (SLACK_API_URL: slack.com itself, or the local Slack stand-in of tests and the sandbox).
 * A payload naming any other host would make the app send its replies wherever it says.
 */
export function responseUrlPolicy(slackApiUrl: string): (url: string) => boolean {
  const allowed = new Set([...SLACK_HOOK_ORIGINS, new URL(slackApiUrl).origin]);
  return (url) => URL.canParse(url) && allowed.has(new URL(url).origin);
}
