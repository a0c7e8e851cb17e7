import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { KeyRing } from '../security/key-encryption.js';
import { workspaceId } from '../domain/workspace-ref.js';
import type { Db } from './database.js';
import { ensureWorkspace } from './workspaces.js';

/**
 * Bolt's installation store over the `slack_installations` table. The whole Installation is kept
 * (Bolt needs every field back), encrypted because it carries the bot and user tokens.
 */
export function createInstallationStore(db: Db, keyRing: KeyRing): InstallationStore {
  return {
    // Bolt calls this on every install and again after refreshing rotated tokens, so it upserts.
    async storeInstallation(installation) {
      const isEnterpriseInstall = installation.isEnterpriseInstall === true;
      const owner: InstallationOwner = {
        isEnterpriseInstall,
        enterpriseId: installation.enterprise?.id,
        teamId: installation.team?.id,
      };
      const now = new Date().toISOString();
      const changes = {
        team_id: owner.teamId ?? null,
        enterprise_id: owner.enterpriseId ?? null,
        is_enterprise_install: isEnterpriseInstall ? 1 : 0,
        bot_user_id: installation.bot?.userId ?? null,
        bot_id: installation.bot?.id ?? null,
        installation_ciphertext: keyRing.encrypt(JSON.stringify(installation)),
        updated_at: now,
      } as const;
      await db
        .insertInto('slack_installations')
        .values({ id: installationId(owner), ...changes, created_at: now })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(changes))
        .execute();
      // The workspace's name is what people of other organisations are told this app serves.
      if (!isEnterpriseInstall && owner.teamId && installation.team?.name) {
        await ensureWorkspace(db, { teamId: owner.teamId, enterpriseId: owner.enterpriseId }, installation.team.name);
      }
    },

    async fetchInstallation(query) {
      const owner = ownerOf(query);
      const row = await db
        .selectFrom('slack_installations')
        .select('installation_ciphertext')
        .where('id', '=', installationId(owner))
        .executeTakeFirst();
      // Bolt turns this into an authorization failure for the request; it must not return undefined.
      if (!row) throw new Error(`No Slack installation found for ${describe(owner)}`);
      return withoutNulls(JSON.parse(keyRing.decrypt(row.installation_ciphertext))) as Installation;
    },

    async deleteInstallation(query) {
      await db
        .deleteFrom('slack_installations')
        .where('id', '=', installationId(ownerOf(query)))
        .execute();
    },
  };
}

interface InstallationOwner {
  isEnterpriseInstall: boolean;
  enterpriseId: string | undefined;
  teamId: string | undefined;
}

function ownerOf(query: InstallationQuery<boolean>): InstallationOwner {
  return { isEnterpriseInstall: query.isEnterpriseInstall, enterpriseId: query.enterpriseId, teamId: query.teamId };
}

/** Org-wide installs have no team and are keyed by the enterprise; all others by their workspace. */
function installationId(owner: InstallationOwner): string {
  if (owner.isEnterpriseInstall) {
    if (!owner.enterpriseId) throw new Error('A Slack org-wide installation has no enterprise id');
    return owner.enterpriseId;
  }
  if (!owner.teamId) throw new Error(`A Slack workspace installation has no team id (${describe(owner)})`);
  return workspaceId({ teamId: owner.teamId, enterpriseId: owner.enterpriseId });
}

function describe(owner: InstallationOwner): string {
  if (owner.isEnterpriseInstall) return `the org-wide install of enterprise ${owner.enterpriseId ?? '(none)'}`;
  return `team ${owner.teamId ?? '(none)'}${owner.enterpriseId ? ` in enterprise ${owner.enterpriseId}` : ''}`;
}

/**
 * A stored installation can hold nulls where Bolt expects a field to be absent; Bolt tests fields with
 * `!== undefined` before reading into them, so a null crashes it (bolt-js#1296).
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== null) out[key] = withoutNulls(child);
  }
  return out;
}
