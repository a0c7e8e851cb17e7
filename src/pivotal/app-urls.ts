/** Where Pivotal's documents put the web app; PIVOTAL_WEB_URL names another host (a region, a test server). */
export const PIVOTAL_APP_URL = 'https://my.pivotal.app';

let webUrl = PIVOTAL_APP_URL;

/**
 * Set once at start-up from the configuration. The base is a fact of the deployment, like Slack's
 * limits, so the pure views that link to Pivotal read it here rather than each carrying it.
 */
export function setPivotalWebUrl(url: string): void {
  webUrl = url.replace(/\/+$/, '');
}

/**
 * The one record page Pivotal's documents name: a customer's, `/customers/{display_id}` (as in
 * `/customers/245`). An onboarding has no page of its own: it shows in its customer's sidebar, so it
 * links here too.
 */
export function customerPageUrl(customerDisplayId: number): string {
  return `${webUrl}/customers/${customerDisplayId}`;
}
