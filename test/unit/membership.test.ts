import { describe, expect, it } from 'vitest';
import { actorOf, isGuest } from '../../src/slack/membership.js';

/** The rule that tells a host member from a person of another organisation, for every payload kind. */

const HOST = { teamId: 'T0HOST', enterpriseId: undefined };
const GRID_HOST = { teamId: 'T0HOST', enterpriseId: 'E0ACME' };
const never = async () => {
  throw new Error("Slack's record of the person should not be looked up");
};

describe('actorOf', () => {
  it('reads the person and their team where each payload kind carries them', () => {
    expect(actorOf({ command: '/pivotal', user_id: 'U1', team_id: 'T0HOST' })).toEqual({
      userId: 'U1',
      teamId: 'T0HOST',
      inExternalChannel: false,
    });
    expect(actorOf({ command: '/pivotal', user_id: 'U1', team_id: 'T0HOST', user_team: 'T0OTHER' }).teamId).toBe(
      'T0OTHER',
    );
    for (const type of ['block_actions', 'view_submission', 'view_closed', 'block_suggestion', 'shortcut']) {
      expect(actorOf({ type, team: { id: 'T0HOST' }, user: { id: 'U1', team_id: 'T0OTHER' } })).toEqual({
        userId: 'U1',
        teamId: 'T0OTHER',
        inExternalChannel: false,
      });
    }
    expect(actorOf({ type: 'block_actions', team: { id: 'T0OTHER' }, user: { id: 'U1' } }).teamId).toBe('T0OTHER');
    expect(
      actorOf({ type: 'event_callback', is_ext_shared_channel: true, event: { type: 'link_shared', user: 'U1' } }),
    ).toEqual({ userId: 'U1', teamId: undefined, inExternalChannel: true });
    expect(
      actorOf({ type: 'event_callback', event: { type: 'message', user: 'U1', user_team: 'T0OTHER' } }).teamId,
    ).toBe('T0OTHER');
    expect(actorOf({ type: 'event_callback', event: { type: 'app_uninstalled' } })).toEqual({
      userId: undefined,
      teamId: undefined,
      inExternalChannel: false,
    });
  });

  it('marks the Home tab opening as naming the person but not their team', () => {
    expect(actorOf({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U1', tab: 'home' } })).toEqual({
      userId: 'U1',
      teamId: undefined,
      inExternalChannel: false,
      teamUnstated: true,
    });
  });
});

describe('isGuest', () => {
  it('lets the host team in and keeps another team out', async () => {
    expect(await isGuest({ userId: 'U1', teamId: 'T0HOST', inExternalChannel: false }, HOST, never)).toBe(false);
    expect(await isGuest({ userId: 'U1', teamId: 'T0OTHER', inExternalChannel: false }, HOST, never)).toBe(true);
  });

  it('keeps everything in a channel shared with another organisation out, whoever posted', async () => {
    expect(await isGuest({ userId: 'U1', teamId: 'T0HOST', inExternalChannel: true }, HOST, never)).toBe(true);
  });

  it("asks Slack's record for the team when the payload leaves it unstated, and keeps out who Slack cannot describe", async () => {
    const records: Record<string, { teamId: string | undefined; enterpriseId: string | undefined }> = {
      U0MEMBER: { teamId: 'T0HOST', enterpriseId: undefined },
      U0VENDOR: { teamId: 'T0VENDOR', enterpriseId: 'E0VENDOR' },
      U0SIBLING: { teamId: 'T0SISTER', enterpriseId: 'E0ACME' },
    };
    const lookup = async (userId: string) => records[userId];
    const opened = (userId: string | undefined) => ({
      userId,
      teamId: undefined,
      inExternalChannel: false,
      teamUnstated: true,
    });
    expect(await isGuest(opened('U0MEMBER'), HOST, lookup)).toBe(false);
    expect(await isGuest(opened('U0VENDOR'), HOST, lookup)).toBe(true);
    expect(await isGuest(opened('U0UNKNOWN'), HOST, lookup)).toBe(true);
    expect(await isGuest(opened(undefined), HOST, lookup)).toBe(true);
    expect(await isGuest(opened('U0SIBLING'), GRID_HOST, lookup)).toBe(false);
    expect(await isGuest(opened('U0VENDOR'), GRID_HOST, lookup)).toBe(true);
  });

  it('lets requests that are about no person through (lifecycle events)', async () => {
    expect(await isGuest({ userId: undefined, teamId: undefined, inExternalChannel: false }, HOST, never)).toBe(false);
  });

  it('in an Enterprise Grid, lets in a colleague from a sibling workspace and keeps out another enterprise', async () => {
    const enterprises: Record<string, string | undefined> = {
      U0SIBLING: 'E0ACME',
      U0VENDOR: 'E0VENDOR',
      U0PLAIN: undefined,
    };
    const lookup = async (userId: string) => ({ teamId: undefined, enterpriseId: enterprises[userId] });
    expect(
      await isGuest({ userId: 'U0SIBLING', teamId: 'T0SISTER', inExternalChannel: false }, GRID_HOST, lookup),
    ).toBe(false);
    expect(await isGuest({ userId: 'U0VENDOR', teamId: 'T0VENDOR', inExternalChannel: false }, GRID_HOST, lookup)).toBe(
      true,
    );
    expect(await isGuest({ userId: 'U0PLAIN', teamId: 'T0PLAIN', inExternalChannel: false }, GRID_HOST, lookup)).toBe(
      true,
    );
    // The host's own people are never looked up.
    expect(await isGuest({ userId: 'U1', teamId: 'T0HOST', inExternalChannel: false }, GRID_HOST, never)).toBe(false);
  });
});
