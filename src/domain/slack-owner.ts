/**
 * Who an onboarding opened from Slack belongs to, as a Slack user. Pivotal has no users API, so a CSM
 * without a Pivotal user mapping gets no `csm_id`; the app keeps the Slack user itself, in
 * `rm_onboardings.slack_owner_id`, and also writes it into the record's metadata under this key. The
 * metadata is read when Pivotal echoes it back (records opened by another instance of the app, or
 * before the column existed), but nothing depends on that: the documents do not promise it.
 */
export const SLACK_OWNER_METADATA_KEY = 'slack_csm_user_id';

const SLACK_USER_ID = /^[UW][A-Z0-9]+$/;

/** The Slack owner named in a record's metadata (parsed, or as the read model stores it: JSON text). */
export function slackOwnerFromMetadata(metadata: unknown): string | null {
  let value: unknown = metadata;
  if (typeof metadata === 'string') {
    try {
      value = JSON.parse(metadata) as unknown;
    } catch {
      return null;
    }
  }
  const owner =
    typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)[SLACK_OWNER_METADATA_KEY]
      : undefined;
  return typeof owner === 'string' && SLACK_USER_ID.test(owner) ? owner : null;
}

/** The app's own record first, then the metadata. */
export function slackOwnerOf(row: { slack_owner_id: string | null; metadata: unknown }): string | null {
  return row.slack_owner_id ?? slackOwnerFromMetadata(row.metadata);
}

/**
 * Who owns an onboarding, as a Slack user: the person mapped to its Pivotal `csm_id` (Pivotal's own
 * word on the owner, so a hand-over there counts), else the one it was opened for in Slack.
 */
export function owningSlackUser(
  row: { slack_owner_id: string | null; metadata: unknown },
  mappedToCsm: string | undefined,
): string | null {
  return mappedToCsm ?? slackOwnerOf(row);
}
