import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { PivotalError, PivotalNotFoundError, type Onboarding } from '../../pivotal/index.js';
import { truncate } from '../../views/text.js';
import { NO_OPEN_ONBOARDING, NOT_CONNECTED, openOnboardingCandidates } from '../move/move-service.js';
import type { PickCandidate } from '../move/move-views.js';
import type { Actor } from '../shared/actor.js';
import { explainToPerson } from '../shared/explain-to-person.js';
import type { Session } from '../shared/session.js';

/**
 * "Add to onboarding": a message (quoted, with its link) goes at the end of an onboarding's `notes`
 * in Pivotal. PATCH replaces the whole field, so the notes are read first and shown; if they changed
 * in Pivotal before the person confirmed, they are shown again instead of being overwritten.
 */

/** The message's text kept for the notes: private_metadata holds 3000 characters, with the rest of the snapshot. */
const QUOTE_MAX = 900;

export const AddedMessageSchema = z.object({ quote: z.string(), permalink: z.string().nullable() });
export type AddedMessage = z.infer<typeof AddedMessageSchema>;

export const NotesSnapshotSchema = z.object({
  onboardingId: z.string(),
  label: z.string(),
  /** A digest of the notes the person was shown. */
  notesDigest: z.string(),
  message: AddedMessageSchema,
});
export type NotesSnapshot = z.infer<typeof NotesSnapshotSchema>;

export type AddScreen =
  | { kind: 'message'; text: string }
  | { kind: 'pick'; candidates: PickCandidate[]; message: AddedMessage }
  | { kind: 'confirm'; snapshot: NotesSnapshot; notes: string; changed: boolean }
  | { kind: 'added'; snapshot: NotesSnapshot };

const GONE = 'That onboarding no longer exists in Pivotal (it may have been deleted).';

export function addedMessage(text: string, permalink: string | null): AddedMessage {
  return { quote: truncate(text.trim() || '(a message without text)', QUOTE_MAX), permalink };
}

/** What goes below the notes: the message quoted line by line, then where it was said. */
export function noteEntry(message: AddedMessage): string {
  const quoted = message.quote
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
  return message.permalink ? `${quoted}\nFrom Slack: ${message.permalink}` : quoted;
}

export function appendedNotes(notes: string, message: AddedMessage): string {
  return notes.trim() ? `${notes.trimEnd()}\n\n${noteEntry(message)}` : noteEntry(message);
}

const digest = (notes: string) => createHash('sha256').update(notes).digest('hex').slice(0, 32);

/** Step one: the open onboardings to pick from. */
export async function startAdding(ctx: AppContext, session: Session, message: AddedMessage): Promise<AddScreen> {
  if (!session.connection) return { kind: 'message', text: NOT_CONNECTED };
  const candidates = await openOnboardingCandidates(ctx, session);
  if (candidates.length === 0) return { kind: 'message', text: NO_OPEN_ONBOARDING };
  return { kind: 'pick', candidates, message };
}

function confirmScreen(onboarding: Onboarding, message: AddedMessage, changed: boolean): AddScreen {
  const notes = onboarding.notes ?? '';
  const label = `#${onboarding.display_id}${onboarding.name ? ` ${truncate(onboarding.name, 100)}` : ''}`;
  return {
    kind: 'confirm',
    snapshot: { onboardingId: onboarding.id, label, notesDigest: digest(notes), message },
    notes,
    changed,
  };
}

/** Step two: the onboarding's notes as Pivotal has them now. */
export async function showNotes(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  onboardingId: string,
  message: AddedMessage,
): Promise<AddScreen> {
  return explained(ctx, session, actor, async (client) =>
    confirmScreen(await client.getOnboarding(onboardingId), message, false),
  );
}

/**
 * Confirmed: the notes are read again; unchanged since they were shown, the message is added. A copy
 * of a submission already saved finds its own entry at the end and answers as the first one did.
 */
export async function addToNotes(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  snapshot: NotesSnapshot,
): Promise<AddScreen> {
  return explained(ctx, session, actor, async (client) => {
    const fresh = await client.getOnboarding(snapshot.onboardingId);
    const notes = fresh.notes ?? '';
    if (digest(notes) !== snapshot.notesDigest) {
      if (notes.endsWith(noteEntry(snapshot.message))) return { kind: 'added', snapshot };
      return confirmScreen(fresh, snapshot.message, true);
    }
    await client.updateOnboarding(fresh.id, { notes: appendedNotes(notes, snapshot.message) });
    return { kind: 'added', snapshot };
  });
}

type PivotalClient = NonNullable<Session['connection']>['client'];

async function explained(
  ctx: AppContext,
  session: Session,
  actor: Actor,
  work: (client: PivotalClient) => Promise<AddScreen>,
): Promise<AddScreen> {
  if (!session.connection) return { kind: 'message', text: NOT_CONNECTED };
  try {
    return await work(session.connection.client);
  } catch (err) {
    if (!(err instanceof PivotalError)) throw err;
    if (err instanceof PivotalNotFoundError) return { kind: 'message', text: GONE };
    ctx.logger.warn({ err }, 'add to onboarding: a Pivotal call failed');
    return { kind: 'message', text: `:warning: ${await explainToPerson(ctx, actor.slack, session.workspaceId, err)}` };
  }
}
