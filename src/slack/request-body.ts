import { parse } from 'node:querystring';
import { z } from 'zod';

/** Bolt compares the content type exactly; a form sent with a charset is read as JSON (and fails). */
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** Slack's unsigned `ssl_check=1`, recognised exactly as Bolt recognises it (Bolt answers it, unverified). */
export function isSslCheck(rawBody: Buffer, contentType: string | undefined): boolean {
  return (
    contentType === FORM_CONTENT_TYPE && rawBody.includes('ssl_check') && parse(rawBody.toString()).ssl_check === '1'
  );
}

/** The body as Bolt will read it (a form's `payload` field is JSON), or undefined when it is not an object. */
export function parseSlackBody(rawBody: Buffer, contentType: string | undefined): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    if (contentType === FORM_CONTENT_TYPE) {
      const fields = parse(rawBody.toString());
      value = typeof fields.payload === 'string' ? JSON.parse(fields.payload) : fields;
    } else {
      value = JSON.parse(rawBody.toString());
    }
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

const id = z.string().min(1);
const user = z.object({ id });

/**
 * What each kind of request the app handles must carry for Bolt to route it and a listener to read
 * it. Anything else would reach Bolt as a request no listener claims, which Bolt leaves unanswered
 * for three seconds, or a listener as a payload it cannot read (a 500): it is refused at once instead.
 */
function slackBodySchema(isSlackUrl: (url: string) => boolean) {
  const responseUrl = z.string().refine(isSlackUrl, 'response_url is not on a Slack host');
  const command = z.object({
    command: z.string().startsWith('/'),
    text: z.string().optional(),
    user_id: id,
    team_id: id,
    channel_id: id,
    trigger_id: id,
    response_url: responseUrl,
  });
  const payload = z.discriminatedUnion('type', [
    z.object({
      type: z.literal('block_actions'),
      user,
      trigger_id: id,
      actions: z.array(z.object({ action_id: z.string(), type: z.string() })).min(1),
      response_url: responseUrl.optional(),
    }),
    z.object({
      type: z.literal('block_suggestion'),
      user,
      action_id: z.string(),
      block_id: z.string(),
      value: z.string(),
    }),
    z.object({
      type: z.literal('view_submission'),
      user,
      view: z.object({ id, callback_id: z.string().optional() }),
      response_urls: z.array(z.object({ response_url: responseUrl })).optional(),
    }),
    z.object({ type: z.literal('view_closed'), user, view: z.object({ id }) }),
    z.object({ type: z.literal('shortcut'), user, callback_id: id, trigger_id: id }),
    z.object({
      type: z.literal('message_action'),
      user,
      callback_id: id,
      trigger_id: id,
      channel: z.object({ id }),
      message: z.object({ ts: id }),
      response_url: responseUrl.optional(),
    }),
  ]);
  const envelope = z.discriminatedUnion('type', [
    z.object({ type: z.literal('event_callback'), event_id: id, event: z.object({ type: z.string() }) }),
    z.object({ type: z.literal('url_verification'), challenge: z.string() }),
    z.object({ type: z.literal('app_rate_limited'), team_id: id, minute_rate_limited: z.number() }),
  ]);
  return { command, payload, envelope };
}

/**
 * Checks a verified body against what its kind requires; returns what is wrong, or undefined.
 * Form bodies are commands (no `type`) or interaction payloads; JSON bodies are Events API envelopes.
 */
export function slackBodyChecker(
  isSlackUrl: (url: string) => boolean,
): (body: Record<string, unknown>, form: boolean) => string | undefined {
  const schema = slackBodySchema(isSlackUrl);
  return (body, form) => {
    const which = !form ? schema.envelope : 'type' in body ? schema.payload : schema.command;
    const result = which.safeParse(body);
    return result.success ? undefined : z.prettifyError(result.error);
  };
}
