import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { KeyMode } from '../domain/key-mode.js';
import { noticeModal } from '../views/banners.js';
import { type EphemeralMessage, ephemeral } from '../views/ephemeral.js';
import type { FieldErrors } from '../views/form-values.js';
import { testKeyLabelBlock } from '../views/test-key-label.js';
import { mrkdwn } from '../views/text.js';
import { type Permissions, mentionList } from './permissions.js';

/** The workspace a request is for (a request's session fits) and its key mode, for the test-key label. */
export interface GuardedWorkspace {
  workspaceId: string;
  mode: KeyMode | null;
}

/** Who asks; `slack` is the request's client, which answers for that workspace. */
export interface Asker {
  userId: string;
  slack: WebClient;
}

/** What a view submission acks with: field errors where the modal has an input, else a new view. */
export type SubmissionRefusal =
  | { response_action: 'errors'; errors: FieldErrors }
  | { response_action: 'update'; view: ModalView };

interface SubmittedView {
  blocks?: readonly { type: string; block_id?: string | undefined }[] | undefined;
}

/**
 * The one answer to someone who is not an admin: one sentence, `Only a workspace admin can <what>.`,
 * then whom to ask by Slack mention, shown the way the surface allows.
 */
export class AdminRefusal {
  constructor(
    /** Completes "Only a workspace admin can …", e.g. "edit the phase list". */
    readonly what: string,
    /** The admins Permissions knows; none means Slack could not say. */
    readonly admins: readonly string[],
    readonly mode: KeyMode | null,
  ) {}

  /** Mrkdwn, with the admins as mentions: for messages and modals. */
  get text(): string {
    return `:lock: Only a workspace admin can ${this.what}. Ask ${mentionList(this.admins)}.`;
  }

  /** Field errors are plain text, where a mention would show as its raw id: the sentence alone. */
  get fieldText(): string {
    return `Only a workspace admin can ${this.what}.`;
  }

  /** For a command or a button in a message. */
  message(): EphemeralMessage {
    return { ...ephemeral(this.text, this.mode), replace_original: false };
  }

  /** For a button on Home or in a modal, where no message can answer. */
  modal(): ModalView {
    return noticeModal('Pivotal', [...testKeyLabelBlock(this.mode), { type: 'section', text: mrkdwn(this.text) }]);
  }

  /**
   * For a view submission: the sentence under `field`, or under the modal's first input. A modal
   * without inputs cannot show field errors, so it is replaced by the refusal.
   */
  onSubmission(view: SubmittedView, field?: string): SubmissionRefusal {
    const blockId = field ?? view.blocks?.find((b) => b.type === 'input')?.block_id;
    return blockId
      ? { response_action: 'errors', errors: { [blockId]: this.fieldText } }
      : { response_action: 'update', view: this.modal() };
  }
}

/**
 * Null for an admin (Slack workspace admins and owners, and the configured ones, see
 * src/security/permissions.ts); for anyone else the refusal. What decided it goes to the log only.
 */
export async function refuseUnlessAdmin(
  deps: { permissions: Permissions; logger: Logger },
  workspace: GuardedWorkspace,
  asker: Asker,
  what: string,
): Promise<AdminRefusal | null> {
  if (await deps.permissions.isAdmin(asker.slack, workspace.workspaceId, asker.userId)) return null;
  const admins = await deps.permissions.admins(asker.slack, workspace.workspaceId);
  deps.logger.info(
    { workspace: workspace.workspaceId, user: asker.userId, what, admins: admins.length },
    'admin-only request refused: the user is no Slack admin or owner and not in PIVOTAL_ADMIN_SLACK_IDS',
  );
  return new AdminRefusal(what, admins, workspace.mode);
}
