import type { Harness } from '../harness/app-harness.js';
import { blockKitProblems, mrkdwnTexts, type SurfaceKind } from '../harness/block-kit.js';
import { setPrimaryContact, upsertCustomer, upsertOnboarding } from '../../src/store/read-model.js';
import { contactRecord, customerRecord, onboardingRecord } from '../../src/sync/projection.js';

/**
 * What a request could have caused, counted so that a test can prove it caused nothing: requests
 * handed to Bolt's dispatch (a spy on `processEvent`, which every middleware and handler sits behind), Slack calls,
 * response_url posts, Pivotal writes, and rows in the tables a handled request writes to.
 */
export interface SideEffects {
  dispatched: number;
  slackCalls: number;
  responseUrlPosts: number;
  pivotalWrites: number;
  processedEvents: number;
  outbox: number;
}

export interface SideEffectProbe {
  snapshot(): Promise<SideEffects>;
}

export function probeSideEffects(h: Harness): SideEffectProbe {
  let dispatched = 0;
  const { app } = h.app.running;
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    dispatched += 1;
    return processEvent(event);
  };
  const { db } = h.app.ctx.store;
  const count = async (table: 'processed_events' | 'outbox') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    snapshot: async () => {
      await h.idle();
      return {
        dispatched,
        slackCalls: h.slack.calls.length,
        responseUrlPosts: h.slack.responseUrlPosts.length,
        // The sync worker reads Pivotal on its own schedule; only a write can come from a request.
        pivotalWrites: h.pivotal.requests.filter((r) => r.method !== 'GET').length,
        processedEvents: await count('processed_events'),
        outbox: await count('outbox'),
      };
    },
  };
}

/** Where the recordings stood, so a check can look at only what one request caused. */
export interface Mark {
  calls: number;
  responseUrlPosts: number;
  logLines: number;
}

export function mark(h: Harness): Mark {
  return {
    calls: h.slack.calls.length,
    responseUrlPosts: h.slack.responseUrlPosts.length,
    logLines: h.logs.lines.length,
  };
}

/** Text that only shows up in mrkdwn if someone's input was pasted in unescaped. */
export const RAW_INJECTIONS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U0HOSTILE>',
  '<#C0HOSTILE>',
  '<http://evil.example',
];
/** What the one error path tells a person when a listener crashed (src/slack/error-reporting.ts). */
const CRASH_TEXT = 'Something went wrong on our side';

/** Problems of one surface: Block Kit limits, unescaped injections, the crash message. */
export function surfaceProblems(kind: SurfaceKind, surface: Record<string, unknown>): string[] {
  const problems = blockKitProblems(kind, surface);
  for (const text of mrkdwnTexts(surface)) {
    for (const raw of RAW_INJECTIONS)
      if (text.includes(raw)) problems.push(`unescaped ${raw} in mrkdwn: ${text.slice(0, 120)}`);
  }
  if (JSON.stringify(surface).includes(CRASH_TEXT)) problems.push('the person was shown the crash message');
  return problems;
}

const SURFACE_OF: Record<string, { kind: SurfaceKind; pick: (args: Record<string, unknown>) => unknown }> = {
  'views.open': { kind: 'modal', pick: (a) => a.view },
  'views.push': { kind: 'modal', pick: (a) => a.view },
  'views.update': { kind: 'modal', pick: (a) => a.view },
  'views.publish': { kind: 'home', pick: (a) => a.view },
  'chat.postMessage': { kind: 'message', pick: (a) => a },
  'chat.postEphemeral': { kind: 'message', pick: (a) => a },
  'chat.update': { kind: 'message', pick: (a) => a },
};

/**
 * Everything the app showed since `since` (views, messages, response_url replies) checked with
 * surfaceProblems, plus every error-level log line written meanwhile (a crash is logged there).
 * Returns how many surfaces were checked and what is wrong.
 */
export function auditSince(h: Harness, since: Mark): { surfaces: number; problems: string[] } {
  const problems: string[] = [];
  let surfaces = 0;
  for (const call of h.slack.calls.slice(since.calls)) {
    const surface = SURFACE_OF[call.method];
    if (!surface) continue;
    const value = surface.pick(call.args);
    if (!value || typeof value !== 'object') continue;
    surfaces += 1;
    for (const p of surfaceProblems(surface.kind, value as Record<string, unknown>))
      problems.push(`${call.method}: ${p}`);
  }
  for (const post of h.slack.responseUrlPosts.slice(since.responseUrlPosts)) {
    if (post.body.delete_original) continue;
    surfaces += 1;
    for (const p of surfaceProblems('message', post.body)) problems.push(`response_url: ${p}`);
  }
  for (const line of h.logs.lines.slice(since.logLines)) {
    if ((JSON.parse(line) as { level?: number }).level! >= 50) problems.push(`error logged: ${line.slice(0, 400)}`);
  }
  return { surfaces, problems };
}

/**
 * Brings the workspace's read model up to what its Pivotal org holds, through the real client and
 * the read model's own repository: what the sync does, without waiting for its schedule. Tests that
 * need records to act on (moves, Home) use it, whether or not the sync worker is running.
 */
export async function mirrorPivotalIntoReadModel(h: Harness, teamId: string): Promise<number> {
  const connection = await h.app.ctx.pivotal.forWorkspace({ teamId });
  if (!connection) throw new Error(`workspace ${teamId} is not connected to Pivotal`);
  const { db } = h.app.ctx.store;
  const now = new Date().toISOString();
  let n = 0;
  for await (const customer of connection.client.customers({ limit: 100 })) {
    await upsertCustomer(db, connection.workspaceId, customerRecord(customer), now);
    for await (const contact of connection.client.contacts(customer.id))
      if (contact.is_primary) await setPrimaryContact(db, connection.workspaceId, customer.id, contactRecord(contact));
    n += 1;
  }
  for await (const onboarding of connection.client.onboardings({ limit: 100 })) {
    await upsertOnboarding(db, connection.workspaceId, onboardingRecord(onboarding), now);
    n += 1;
  }
  return n;
}
