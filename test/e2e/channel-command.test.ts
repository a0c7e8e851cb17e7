import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { isThreaded } from '../../src/store/posts.js';

/** `/pivotal channel threads …` and its neighbours: every reply says what changed, or why nothing did. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PIVOTAL_NOTIFY_CHANNEL: '' } });
  h.slack.addChannel({ id: 'C0TEAMONB', name: 'team-onboarding', is_member: true });
  h.slack.addChannel({ id: 'C0HIDDEN1', name: 'hidden', is_private: true, is_member: false });
});
afterAll(() => h.close());

async function reply(command: string): Promise<string> {
  const res = await h.command(command, { user: ADMIN });
  await h.idle();
  return h.slack.responseUrlPosts.find((p) => p.id === res.responseUrlId)!.body.text as string;
}

const threaded = (channel: string) => isThreaded(h.app.ctx.store.db, TEAM.id, channel);

describe('/pivotal channel threads', () => {
  it('names the channel to use when the workspace has no notification channel yet', async () => {
    expect(await reply('channel threads off')).toBe(
      ":warning: Nothing changed: there is no notification channel yet, so I don't know which channel you mean. Name it: type `/pivotal channel threads off #channel-name`, or pick the notification channel first with `/pivotal channel #channel-name`.",
    );
  });

  it('switches a named channel off with the channel between the words, and says how to undo it', async () => {
    expect(await reply('channel threads <#C0TEAMONB|team-onboarding> off')).toBe(
      ':white_check_mark: <#C0TEAMONB> now has threads *off*: each change is its own post. To undo, type `/pivotal channel threads on #team-onboarding`.',
    );
    expect(await threaded('C0TEAMONB')).toBe(false);
    expect(await reply('channel threads off <#C0TEAMONB|team-onboarding>')).toBe(
      'Nothing changed: <#C0TEAMONB> already has threads *off*: each change is its own post. To switch, type `/pivotal channel threads on #team-onboarding`.',
    );
    expect(await reply('channel <#C0TEAMONB|team-onboarding> threads on')).toBe(
      ':white_check_mark: <#C0TEAMONB> now has threads *on*: one post per onboarding, each change a reply in its thread. To undo, type `/pivotal channel threads off #team-onboarding`.',
    );
    expect(await threaded('C0TEAMONB')).toBe(true);
  });

  it('changes nothing for a channel I am not in or cannot see, and says what to type after inviting me', async () => {
    expect(await reply('channel threads <#C0HIDDEN1|hidden> off')).toBe(
      ':warning: Nothing changed: <#C0HIDDEN1> is private and I am not in it. Invite me first by typing `/invite @pivotal` in that channel, then type `/pivotal channel threads off #hidden` again.',
    );
    expect(await reply('channel threads off <#C0GONE001|gone>')).toBe(
      ":warning: Nothing changed: I can't see <#C0GONE001>: if it is private, invite me first by typing `/invite @pivotal` in that channel, then type `/pivotal channel threads off #gone` again.",
    );
    expect(await threaded('C0HIDDEN1')).toBe(true);
  });

  it('answers an unknown word, a missing on/off and an on/off without "threads" with the command to type', async () => {
    expect(await reply('channel threads maybe')).toBe(
      ":warning: Nothing changed: I don't know `maybe` here: threads go `on` or `off`, and a channel is picked by typing `#`. Type `/pivotal channel threads off` (or `on`), with `#channel-name` after it for a channel other than the notification channel.",
    );
    expect(await reply('channel threads <#C0TEAMONB|team-onboarding>')).toBe(
      ':warning: Nothing changed: say whether threads go on or off: type `/pivotal channel threads on #team-onboarding` or `/pivotal channel threads off #team-onboarding`.',
    );
    expect(await reply('channel off <#C0TEAMONB|team-onboarding>')).toBe(
      ':warning: Nothing changed: to switch threading, say `threads`: type `/pivotal channel threads off #team-onboarding`.',
    );
    expect(await reply('channel #team-onboarding')).toBe(
      ":warning: Nothing changed: I don't recognise `#team-onboarding` as a channel. Type `#` and pick the channel from Slack's list, so Slack sends me its id. Type `/pivotal channel #channel-name` to pick the channel, or `/pivotal channel threads off` (or `on`) to switch threading there.",
    );
    expect(await threaded('C0TEAMONB')).toBe(true);
  });

  it('changes nothing when the notification channel is private and I am not in it', async () => {
    expect(await reply('channel <#C0HIDDEN1|hidden>')).toBe(
      ':warning: Nothing changed: <#C0HIDDEN1> is private and I am not in it. Invite me first by typing `/invite @pivotal` in that channel, then type `/pivotal channel #hidden` again.',
    );
  });
});
