export const PIVOTAL_APP_URL = 'https://my.pivotal.app';

/**
 * Link to a record in the Pivotal web app: `/customers/{display_id}-{slug}` (pivotal-api.md §3). The
 * slug part is cosmetic (routing ignores it), so it is left out when unknown.
 */
export function pivotalAppUrl(
  kind: 'customers' | 'onboardings',
  rec: { display_id: number; slug?: string | null },
  appUrl: string = PIVOTAL_APP_URL,
): string {
  const slug = rec.slug ? `-${encodeURIComponent(rec.slug)}` : '';
  return `${appUrl.replace(/\/+$/, '')}/${kind}/${rec.display_id}${slug}`;
}
