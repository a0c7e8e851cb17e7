import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import {
  blockActionsPayload,
  eventEnvelope,
  slashCommandFields,
  viewSubmissionPayload,
} from '../../sandbox/slack-requests.js';
import { probeSideEffects, type SideEffectProbe } from './support.js';

/**
 * Correctly signed bodies that are not a request the app handles (unknown type, a field its type
 * requires missing or of the wrong kind) are refused with 400 at once: never a 500 from a listener
 * that could not read them, never Bolt's three-second wait for an ack nobody sends.
 */

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
/**
 * The promise: a refusal within 50 ms. Checked on the median of every case in a test (a refusal takes
 * 1–3 ms on an idle machine), since a machine shared with other work can stall any single request;
 * none may come near Slack's 3 s.
 */
const PROMPT_MS = 50;
const WORST_MS = 1_500;

const form = (payload: string) => new URLSearchParams({ payload }).toString();
const without = <T>(value: Record<string, T>, key: string): Record<string, T> =>
  Object.fromEntries(Object.entries(value).filter(([k]) => k !== key));

describe('signed but malformed Slack bodies', () => {
  let h: Harness;
  let probe: SideEffectProbe;
  let cases = 0;
  let times: number[] = [];
  beforeAll(async () => {
    h = await startHarness();
    probe = probeSideEffects(h);
  });
  afterAll(async () => {
    console.log(`malformed body cases: ${cases}`);
    await h.close();
  });

  const refusedPromptly = async (body: string, contentType: string) => {
    cases += 1;
    const started = performance.now();
    const res = await h.sender.send(body, contentType);
    const tookMs = performance.now() - started;
    expect({ status: res.status, text: res.text }).toEqual({ status: 400, text: '' });
    expect(tookMs).toBeLessThan(WORST_MS);
    times.push(tookMs);
  };
  /** The refusals of the test so far came within PROMPT_MS (median; the 95th percentile is printed). */
  const refusalsWerePrompt = () => {
    const sorted = times.sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.ceil(sorted.length * p) - 1]!;
    times = [];
    console.log(`refusals: ${sorted.length}, p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms`);
    expect(at(0.5), `median of ${sorted.length} refusals, in ms`).toBeLessThan(PROMPT_MS);
  };

  it('refuses each kind of malformed body with 400 at once, and runs nothing', async () => {
    const click = blockActionsPayload(
      TEAM,
      CSM,
      { action_id: 'move_open', value: 'x' },
      { kind: 'view', view: { id: 'V1', type: 'home' } },
    );
    const submission = viewSubmissionPayload(TEAM, CSM, { id: 'V2', callback_id: 'connect_submit' });
    const command = slashCommandFields({
      text: 'help',
      user: CSM,
      team: TEAM,
      responseUrl: h.slack.responseUrl('malformed'),
    });
    const event = eventEnvelope(TEAM, { type: 'app_home_opened', user: CSM.id, tab: 'home' });
    const shortcut = {
      type: 'shortcut',
      callback_id: 'onboard_shortcut',
      trigger_id: '1.2.abc',
      user: { id: CSM.id },
      team: { id: TEAM.id },
    };
    const messageShortcut = {
      ...shortcut,
      type: 'message_action',
      channel: { id: 'C0GENERAL' },
      message: { ts: '1700000000.000100', text: 'hello' },
      response_url: h.slack.responseUrl('message-action'),
    };
    const bodies: Array<[string, string]> = [
      [form('[]'), FORM],
      [form('null'), FORM],
      [form('42'), FORM],
      [form('"block_actions"'), FORM],
      [form('{"type":"nope"}'), FORM],
      [form('{"type":"block_actions","actions":[]}'), FORM],
      [form(JSON.stringify({ ...click, actions: [] })), FORM],
      [form(JSON.stringify({ ...click, actions: [{ value: 'no action id' }] })), FORM],
      [form(JSON.stringify(without(click, 'user'))), FORM],
      [form(JSON.stringify(without(click, 'trigger_id'))), FORM],
      [form(JSON.stringify(without(submission, 'view'))), FORM],
      [form(JSON.stringify({ ...submission, view: 'V2' })), FORM],
      [form(JSON.stringify({ type: 'block_suggestion', user: { id: CSM.id }, action_id: 'a', block_id: 'b' })), FORM],
      [form(JSON.stringify({ type: 'view_closed', user: { id: CSM.id } })), FORM],
      [form(JSON.stringify({ type: 'interactive_message', user: { id: CSM.id } })), FORM],
      ...['callback_id', 'trigger_id', 'user', 'team'].map((key): [string, string] => [
        form(JSON.stringify(without(shortcut, key))),
        FORM,
      ]),
      [form(JSON.stringify({ ...shortcut, user: CSM.id })), FORM],
      ...['callback_id', 'trigger_id', 'user', 'team', 'channel', 'message'].map((key): [string, string] => [
        form(JSON.stringify(without(messageShortcut, key))),
        FORM,
      ]),
      [form(JSON.stringify({ ...messageShortcut, message: { text: 'no ts' } })), FORM],
      [form(JSON.stringify({ ...messageShortcut, response_url: 'https://evil.example/hook' })), FORM],
      [new URLSearchParams(without(command, 'command')).toString(), FORM],
      [new URLSearchParams(without(command, 'user_id')).toString(), FORM],
      [new URLSearchParams({ ...command, command: 'pivotal' }).toString(), FORM],
      [`${new URLSearchParams(command).toString()}&user_id=U2`, FORM],
      [`payload=${encodeURIComponent(JSON.stringify(click))}&payload=x`, FORM],
      [JSON.stringify([]), JSON_TYPE],
      [JSON.stringify({ type: 'nope' }), JSON_TYPE],
      [JSON.stringify(without(event, 'event')), JSON_TYPE],
      [JSON.stringify({ ...event, event: { user: CSM.id } }), JSON_TYPE],
      [JSON.stringify(without(event, 'event_id')), JSON_TYPE],
      [JSON.stringify({ type: 'url_verification' }), JSON_TYPE],
      [JSON.stringify({ type: 'app_rate_limited' }), JSON_TYPE],
    ];
    const before = await probe.snapshot();
    for (const [body, contentType] of bodies) await refusedPromptly(body, contentType);
    expect(await probe.snapshot()).toEqual(before);
    refusalsWerePrompt();
  });

  it('refuses any JSON value as a payload unless it is a request the app handles (property-based)', async () => {
    const known = new Set([
      'block_actions',
      'block_suggestion',
      'view_submission',
      'view_closed',
      'shortcut',
      'message_action',
      'event_callback',
      'url_verification',
      'app_rate_limited',
    ]);
    // Never `{ id: "…" }`, so a user or view drawn from it is never a valid one.
    const notAnId = fc
      .jsonValue()
      .filter((v) => !(v !== null && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string'));
    // A known type with anything in its fields, but never all it requires: no trigger_id, event_id,
    // challenge, action_id or team_id is drawn, and no valid user or view.
    const value = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          type: fc.constantFrom(...known),
          user: notAnId,
          actions: fc.jsonValue(),
          view: notAnId,
          event: fc.jsonValue(),
          response_url: fc.jsonValue(),
        },
        { requiredKeys: ['type'] },
      ),
    );
    const before = await probe.snapshot();
    await fc.assert(
      fc.asyncProperty(value, fc.boolean(), async (v, asForm) => {
        const text = JSON.stringify(v);
        await refusedPromptly(asForm ? form(text) : text, asForm ? FORM : JSON_TYPE);
      }),
      { numRuns: 200 },
    );
    expect(await probe.snapshot()).toEqual(before);
    refusalsWerePrompt();
  });

  it("still serves the well-formed request each case was made from, and acks Slack's rate-limit notice", async () => {
    const res = await h.action(
      { action_id: 'move_open', value: 'x' },
      { kind: 'view', view: { id: 'V1', type: 'home' } },
    );
    expect(res.status).toBe(200);
    const started = performance.now();
    const notice = await h.sender.send(
      JSON.stringify({
        token: 'legacy',
        type: 'app_rate_limited',
        team_id: TEAM.id,
        minute_rate_limited: 1518467820,
        api_app_id: 'A0PIVOTAL',
      }),
      JSON_TYPE,
    );
    expect(notice.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(WORST_MS);
    expect(h.logs.lines.some((l) => l.includes('app_rate_limited'))).toBe(true);
  });
});
