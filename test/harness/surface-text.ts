import type { FakeSlack } from '../../sandbox/fake-slack/server.js';

/**
 * What people read, collected over a harness's whole run, for two checks made when it closes:
 * field errors (`response_action: errors`) are plain text, since Slack shows them without mrkdwn;
 * and nothing a non-admin can see names an environment variable (operator words stay in logs).
 */

/** Markup Slack would render in a message but shows as typed in a field error. */
const MARKUP: ReadonlyArray<[string, RegExp]> = [
  ['code', /`/],
  ['bold', /(^|[\s("'])\*[^*\s][^*]*\*(?=$|[\s)"'.,:;!?])/],
  ['italic', /(^|[\s("'])_[^_\s][^_]*_(?=$|[\s)"'.,:;!?])/],
  ['strike', /(^|[\s("'])~[^~\s][^~]*~(?=$|[\s)"'.,:;!?])/],
  ['link or mention', /<[@#!]?[^>\s][^>]*>/],
  ['emoji code', /(^|\s):[a-z0-9_+-]+:(?=$|\s)/],
];

/** The mrkdwn a text carries, by kind; none for plain text. */
export function mrkdwnIn(text: string): string[] {
  return MARKUP.filter(([, re]) => re.test(text)).map(([kind]) => kind);
}

/** `PIVOTAL_API_KEY`, `SLACK_BOT_TOKEN`: UPPER_SNAKE words, the shape of an environment variable. */
const ENV_NAME = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;

export function envNamesIn(text: string): string[] {
  return [...text.matchAll(ENV_NAME)].map((m) => m[0]);
}

/** Keys whose values are ids, urls or data for the app, never text shown to a person. */
const NOT_SHOWN = new Set(['private_metadata', 'value', 'action_id', 'block_id', 'callback_id', 'url', 'image_url']);

/** Every string a person can read in a message, view or ack body. */
export function shownTexts(surface: unknown): string[] {
  if (typeof surface === 'string') return [surface];
  if (Array.isArray(surface)) return surface.flatMap(shownTexts);
  if (surface && typeof surface === 'object')
    return Object.entries(surface).flatMap(([key, v]) => (NOT_SHOWN.has(key) ? [] : shownTexts(v)));
  return [];
}

interface Viewer {
  id: string;
  admin: boolean;
}

export class SurfaceWatch {
  private readonly seenBy: Array<{ viewer: Viewer; where: string; surface: unknown }> = [];
  private readonly fieldErrors: Array<{ where: string; errors: Record<string, string> }> = [];
  private readonly triggers = new Map<string, Viewer>();
  private readonly responseUrls = new Map<string, Viewer>();

  constructor(private readonly isAdmin: (userId: string) => boolean) {}

  viewer(userId: string): Viewer {
    return { id: userId, admin: this.isAdmin(userId) };
  }

  /** A request this person sent: its trigger opens their modals, its response_url answers only them. */
  sent(userId: string, payload: { trigger_id?: unknown; response_url?: unknown }): void {
    const viewer = this.viewer(userId);
    if (typeof payload.trigger_id === 'string') this.triggers.set(payload.trigger_id, viewer);
    if (typeof payload.response_url === 'string') this.responseUrls.set(responseId(payload.response_url), viewer);
  }

  /** What the app answered this person in the HTTP response itself. */
  answered(userId: string, where: string, body: unknown): void {
    this.seenBy.push({ viewer: this.viewer(userId), where, surface: body });
    const ack = body as { response_action?: string; errors?: Record<string, string> } | undefined;
    if (ack?.response_action === 'errors' && ack.errors) this.fieldErrors.push({ where, errors: ack.errors });
  }

  /** Field errors with markup, and environment-variable names in anything a non-admin can see. */
  problems(slack: FakeSlack): string[] {
    const found: string[] = [];
    for (const { where, errors } of this.fieldErrors) {
      for (const [block, message] of Object.entries(errors)) {
        const markup = mrkdwnIn(message);
        if (markup.length > 0) found.push(`field error ${block} (${where}) has ${markup.join(', ')}: ${message}`);
      }
    }
    for (const { viewer, where, surface } of this.nonAdminSurfaces(slack)) {
      for (const text of shownTexts(surface)) {
        const names = envNamesIn(text);
        if (names.length > 0) found.push(`${viewer} sees ${names.join(', ')} in ${where}: ${text.slice(0, 200)}`);
      }
    }
    return found;
  }

  private *nonAdminSurfaces(slack: FakeSlack): Generator<{ viewer: string; where: string; surface: unknown }> {
    for (const s of this.seenBy) if (!s.viewer.admin) yield { viewer: s.viewer.id, where: s.where, surface: s.surface };
    for (const view of slack.views.values()) {
      const owner = view.trigger_id ? this.triggers.get(view.trigger_id) : undefined;
      if (owner && !owner.admin) yield { viewer: owner.id, where: `view ${view.id}`, surface: view.view };
    }
    for (const [userId, home] of slack.homeViews) {
      const viewer = this.viewer(userId);
      if (viewer && !viewer.admin) yield { viewer: viewer.id, where: `Home ${home.id}`, surface: home.view };
    }
    for (const m of slack.messages) {
      // A DM is read by the person it is for; an ephemeral by its user; a channel post by everyone in it.
      const reader = m.user ?? (m.channel.startsWith('U') ? m.channel : undefined);
      if (reader && this.isAdmin(reader)) continue;
      yield { viewer: reader ?? `everyone in ${m.channel}`, where: `message ${m.ts}`, surface: m };
    }
    for (const post of slack.responseUrlPosts) {
      const viewer = this.responseUrls.get(post.id);
      if (viewer && !viewer.admin) yield { viewer: viewer.id, where: `response_url ${post.id}`, surface: post.body };
    }
  }
}

function responseId(url: string): string {
  return url.split('/').at(-1) ?? url;
}
