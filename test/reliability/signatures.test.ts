import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, CSM, startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import {
  blockActionsPayload,
  blockSuggestionPayload,
  eventEnvelope,
  signSlackBody,
  slashCommandFields,
  viewSubmissionPayload,
} from '../../sandbox/slack-requests.js';
import { probeSideEffects, type SideEffectProbe } from './support.js';

/**
 * Property-based: requests that are forged, stale, from the future, replayed (as they were, with an
 * altered body, or with the signature suffixed, prefixed or re-cased), or malformed are all refused (401, or 400 for a correctly signed body that cannot be parsed), and none
 * of them reaches a listener or causes anything: no Slack call, no Pivotal write, no row written.
 */

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const RUNS_PER_PROPERTY = 200;

interface Raw {
  body: string;
  contentType: string;
}

const now = () => Math.floor(Date.now() / 1000);
const text = fc.string({ unit: 'binary', maxLength: 200 });
const user = fc.constantFrom(ADMIN, CSM);
const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });

/** Requests of every kind Slack sends, with arbitrary content; replies go to the local Slack stand-in. */
const slackRequests = (responseUrl: string): fc.Arbitrary<Raw> =>
  fc.oneof(
    fc.tuple(text, user).map(([t, u]) => ({
      body: new URLSearchParams(slashCommandFields({ text: t, user: u, team: TEAM, responseUrl })).toString(),
      contentType: FORM,
    })),
    fc.tuple(fc.string({ minLength: 1, maxLength: 60 }), text, user).map(([actionId, value, u]) => ({
      body: new URLSearchParams({
        payload: JSON.stringify(
          blockActionsPayload(
            TEAM,
            u,
            { action_id: actionId, value },
            { kind: 'view', view: { id: 'V1', type: 'home' } },
          ),
        ),
      }).toString(),
      contentType: FORM,
    })),
    fc.tuple(fc.string({ maxLength: 60 }), text, user).map(([callbackId, value, u]) => ({
      body: new URLSearchParams({
        payload: JSON.stringify(
          viewSubmissionPayload(TEAM, u, {
            id: 'V2',
            callback_id: callbackId,
            state: { values: { b: { a: { type: 'plain_text_input', value } } } },
          }),
        ),
      }).toString(),
      contentType: FORM,
    })),
    fc.tuple(text, user).map(([value, u]) => ({
      body: new URLSearchParams({
        payload: JSON.stringify(
          blockSuggestionPayload(TEAM, u, { action_id: 'customer', block_id: 'customer', value }),
        ),
      }).toString(),
      contentType: FORM,
    })),
    fc
      .tuple(fc.constantFrom('app_home_opened', 'app_uninstalled', 'tokens_revoked', 'link_shared'), hex(10))
      .map(([type, id]) => ({
        body: JSON.stringify(
          eventEnvelope(TEAM, { type, user: CSM.id, tab: 'home', channel: 'D1', event_ts: '1.1' }, `EvPROP${id}`),
        ),
        contentType: JSON_TYPE,
      })),
  );

/** A different body: appended, cut, or with one character replaced. */
const altered = (body: string): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 20 }).map((extra) => body + extra),
      fc.nat({ max: Math.max(0, body.length - 1) }).map((n) => body.slice(0, n)),
      fc
        .tuple(fc.nat({ max: Math.max(0, body.length - 1) }), fc.string({ minLength: 1, maxLength: 1 }))
        .map(([i, c]) => body.slice(0, i) + c + body.slice(i + 1)),
    )
    // Never the same body, and never Slack's unsigned ssl_check (answered 200 with nothing run, tested below).
    .filter((b) => b !== body && new URLSearchParams(b).get('ssl_check') !== '1');

/** A signature header that is not the right one for (timestamp, body). */
const wrongSignature = (right: string): fc.Arbitrary<string> =>
  fc
    .oneof(
      hex(64).map((hex) => `v0=${hex}`),
      fc
        .nat({ max: 63 })
        .map((i) => `v0=${right.slice(3, 3 + i)}${right[3 + i] === 'a' ? 'b' : 'a'}${right.slice(4 + i)}`),
      fc.constant(right.toUpperCase().replace('V0=', 'v0=')),
      fc.constant(right.replace(/^v0=/, 'v1=')),
      fc.constant(right.slice(0, -1)),
      fc.constant('v0='),
      fc.constant(''),
      fc.stringMatching(/^[ -~]{0,80}$/),
    )
    .filter((s) => s !== right);

describe('forged, stale, future, altered and malformed signed requests', () => {
  let h: Harness;
  let probe: SideEffectProbe;
  let secret: string;
  let slackRequest: fc.Arbitrary<Raw>;
  let cases = 0;

  beforeAll(async () => {
    h = await startHarness();
    probe = probeSideEffects(h);
    const slack = h.app.config.slack;
    if (slack.kind !== 'http') throw new Error('the harness runs single-workspace HTTP mode');
    secret = slack.signingSecret;
    slackRequest = slackRequests(h.slack.responseUrl('signatures'));
  });
  afterAll(async () => {
    console.log(`signature cases: ${cases}`);
    await h.close();
  });

  const post = async (raw: Raw, headers: Record<string, string | undefined>): Promise<number> => {
    cases += 1;
    const sent: Record<string, string> = { 'content-type': raw.contentType };
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) sent[k] = v;
    const res = await fetch(h.eventsUrl, { method: 'POST', headers: sent, body: raw.body });
    const answer = await res.text();
    // A refusal says nothing about why.
    expect(answer).toBe('');
    return res.status;
  };
  const signedHeaders = (ts: number | string, body: string, signWith = secret) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': signSlackBody(signWith, Number(ts), body),
  });

  /** Checks every generated case, then proves that none of them caused anything at all. */
  const refusedWithoutEffect = async <T>(cases: fc.Arbitrary<T>, check: (c: T) => Promise<void>) => {
    const before = await probe.snapshot();
    await fc.assert(fc.asyncProperty(cases, check), { numRuns: RUNS_PER_PROPERTY });
    expect(await probe.snapshot()).toEqual(before);
  };

  it('serves the same requests correctly signed, and the probe sees them reach a listener', async () => {
    const before = await probe.snapshot();
    const raw = {
      body: new URLSearchParams(
        slashCommandFields({ text: 'help', user: CSM, team: TEAM, responseUrl: h.slack.responseUrl('signatures') }),
      ).toString(),
      contentType: FORM,
    };
    const res = await fetch(h.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': FORM, ...signedHeaders(now(), raw.body) },
      body: raw.body,
    });
    expect(res.status).toBe(200);
    expect((await probe.snapshot()).dispatched).toBe(before.dispatched + 1);
  });

  it('refuses requests signed with another secret', async () => {
    await refusedWithoutEffect(
      fc.tuple(
        slackRequest,
        fc.string({ minLength: 8, maxLength: 64 }).filter((s) => s !== secret),
      ),
      async ([raw, other]) => {
        expect(await post(raw, signedHeaders(now(), raw.body, other))).toBe(401);
      },
    );
  });

  it('refuses requests whose signature header is wrong, truncated, re-cased, of another version or missing', async () => {
    const cases = slackRequest.chain((raw) => {
      const ts = now();
      return fc.tuple(
        fc.constant(raw),
        fc.constant(ts),
        fc.option(wrongSignature(signSlackBody(secret, ts, raw.body)), { nil: undefined }),
      );
    });
    await refusedWithoutEffect(cases, async ([raw, ts, signature]) => {
      expect(await post(raw, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature })).toBe(401);
    });
  });

  it('refuses correctly signed requests older than five minutes', async () => {
    await refusedWithoutEffect(
      fc.tuple(slackRequest, fc.integer({ min: 5 * 60 + 2, max: 10 * 365 * 24 * 3600 })),
      async ([raw, age]) => {
        expect(await post(raw, signedHeaders(now() - age, raw.body))).toBe(401);
      },
    );
  });

  it('refuses correctly signed requests stamped more than five minutes in the future', async () => {
    await refusedWithoutEffect(
      fc.tuple(slackRequest, fc.integer({ min: 5 * 60 + 2, max: 10 * 365 * 24 * 3600 })),
      async ([raw, ahead]) => {
        expect(await post(raw, signedHeaders(now() + ahead, raw.body))).toBe(401);
      },
    );
  });

  it('refuses a captured request replayed with an altered body', async () => {
    await refusedWithoutEffect(
      slackRequest.chain((raw) => fc.tuple(fc.constant(raw), altered(raw.body))),
      async ([raw, body]) => {
        expect(await post({ ...raw, body }, signedHeaders(now(), raw.body))).toBe(401);
      },
    );
  });

  const isSuggestion = (raw: Raw) =>
    (JSON.parse(new URLSearchParams(raw.body).get('payload') ?? '{}') as { type?: string }).type === 'block_suggestion';

  it('refuses an exact copy of a command, click or submission it has already served', async () => {
    const interactions = slackRequest.filter(
      (raw) => raw.contentType === FORM && new URLSearchParams(raw.body).get('ssl_check') !== '1' && !isSuggestion(raw),
    );
    await fc.assert(
      fc.asyncProperty(interactions, async (raw) => {
        const headers = { 'content-type': FORM, ...signedHeaders(now(), raw.body) };
        cases += 1;
        const served = await fetch(h.eventsUrl, { method: 'POST', headers, body: raw.body });
        await served.text();
        expect(served.status).toBe(200);
        await h.idle();
        const before = await probe.snapshot();
        // Captured and sent again within the five minutes its signature is valid for.
        expect(await post(raw, headers)).toBe(401);
        expect(await probe.snapshot()).toEqual(before);
      }),
      { numRuns: RUNS_PER_PROPERTY / 2 },
    );
  });

  /** The signature of a request already served, dressed up as another header Bolt alone would accept. */
  const disguised = (right: string): fc.Arbitrary<string> =>
    fc
      .oneof(
        // Bolt compares only the text between the first and the second '='.
        fc.constantFrom('=x', '=', '=1=2').map((suffix) => right + suffix),
        fc
          .string({ unit: fc.constantFrom(...'=abcdef0123456789xyzXYZ ;,'), minLength: 1, maxLength: 20 })
          .map((suffix) => right + suffix),
        fc.constantFrom('v0=', 'v1,', 'x', 'V0=', '0').map((prefix) => prefix + right),
        fc.constant(right.toUpperCase()),
        fc.constant(`V0=${right.slice(3)}`),
        fc
          .array(fc.boolean(), { minLength: 64, maxLength: 64 })
          .map((upper) => `v0=${[...right.slice(3)].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')}`),
      )
      .filter((s) => s !== right && s.trim() !== right);

  /** A command, click or submission, signed now, and a disguised copy of its genuine signature. */
  const disguisedReplays = () =>
    slackRequest
      .filter((raw) => raw.contentType === FORM && !isSuggestion(raw))
      .chain((raw) => {
        const ts = now();
        return fc.tuple(fc.constant(raw), fc.constant(ts), disguised(signSlackBody(secret, ts, raw.body)));
      });

  it('refuses a served command, click or submission replayed with its signature suffixed, prefixed or re-cased', async () => {
    const disguisedCases = disguisedReplays();
    await fc.assert(
      fc.asyncProperty(disguisedCases, async ([raw, ts, signature]) => {
        const headers = { 'content-type': FORM, ...signedHeaders(ts, raw.body) };
        cases += 1;
        const served = await fetch(h.eventsUrl, { method: 'POST', headers, body: raw.body });
        await served.text();
        expect(served.status).toBe(200);
        await h.idle();
        const before = await probe.snapshot();
        expect(await post(raw, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature })).toBe(401);
        expect(await probe.snapshot()).toEqual(before);
      }),
      { numRuns: RUNS_PER_PROPERTY },
    );
  });

  it('refuses a suffixed, prefixed or re-cased signature sent before the genuine one, which is then still served', async () => {
    const disguisedCases = disguisedReplays();
    await fc.assert(
      fc.asyncProperty(disguisedCases, async ([raw, ts, signature]) => {
        const before = await probe.snapshot();
        expect(await post(raw, { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature })).toBe(401);
        expect(await probe.snapshot()).toEqual(before);
        const served = await fetch(h.eventsUrl, {
          method: 'POST',
          headers: { 'content-type': FORM, ...signedHeaders(ts, raw.body) },
          body: raw.body,
        });
        cases += 1;
        await served.text();
        expect(served.status).toBe(200);
      }),
      { numRuns: RUNS_PER_PROPERTY / 2 },
    );
  });

  it('answers a suggestion request again: Slack can send the same one twice, and it only reads', async () => {
    const raw = {
      body: new URLSearchParams({
        payload: JSON.stringify(
          blockSuggestionPayload(TEAM, CSM, {
            action_id: 'customer_pick',
            block_id: 'contact_customer',
            value: 'acme',
          }),
        ),
      }).toString(),
      contentType: FORM,
    };
    const headers = { 'content-type': FORM, ...signedHeaders(now(), raw.body) };
    for (let i = 0; i < 2; i++) {
      const res = await fetch(h.eventsUrl, { method: 'POST', headers, body: raw.body });
      expect(res.status).toBe(200);
      expect(await res.json()).toHaveProperty('options');
    }
  });

  it('answers a copy of a refused request as it answered the request: it changed nothing', async () => {
    const raw = { body: new URLSearchParams({ payload: '{not json' }).toString(), contentType: FORM };
    const headers = signedHeaders(now(), raw.body);
    expect(await post(raw, headers)).toBe(400);
    expect(await post(raw, headers)).toBe(400);
  });

  it('refuses malformed requests: bad timestamps, unparsable bodies (400 when signed), wrong content types', async () => {
    const notJson = fc.string({ unit: 'binary', maxLength: 100 }).filter((s) => {
      try {
        JSON.parse(s);
        return false;
      } catch {
        return true;
      }
    });
    const malformed = fc.oneof(
      // Timestamp missing or not a number: refused before the signature is even compared.
      slackRequest.map((raw) => ({
        raw,
        headers: { 'x-slack-signature': signSlackBody(secret, now(), raw.body) },
        expected: 401,
      })),
      fc.tuple(slackRequest, fc.constantFrom('abc', '', ' ', '1e400', '-', 'NaN')).map(([raw, ts]) => ({
        raw,
        headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackBody(secret, now(), raw.body) },
        expected: 401,
      })),
      // Correctly signed, but the body cannot be read.
      notJson.map((junk) => {
        const raw = { body: new URLSearchParams({ payload: junk }).toString(), contentType: FORM };
        return { raw, headers: signedHeaders(now(), raw.body), expected: 400 };
      }),
      notJson.map((junk) => ({
        raw: { body: junk, contentType: JSON_TYPE },
        headers: signedHeaders(now(), junk),
        expected: 400,
      })),
      // Bolt compares the content type exactly: a form with a charset is parsed as JSON and refused.
      slackRequest
        .filter((raw) => raw.contentType === FORM)
        .map((raw) => ({
          raw: { ...raw, contentType: `${FORM}; charset=utf-8` },
          headers: signedHeaders(now(), raw.body),
          expected: 400,
        })),
    );
    await refusedWithoutEffect(malformed, async ({ raw, headers, expected }) => {
      expect(await post(raw, headers)).toBe(expected);
    });
  });

  it("answers Slack's unsigned ssl_check with an empty 200 and runs nothing, even with a command smuggled in", async () => {
    const before = await probe.snapshot();
    const smuggled = `ssl_check=1&${new URLSearchParams(slashCommandFields({ text: 'help', user: CSM, team: TEAM, responseUrl: h.slack.responseUrl('signatures') })).toString()}`;
    expect(await post({ body: smuggled, contentType: FORM }, {})).toBe(200);
    expect(await probe.snapshot()).toEqual(before);
  });

  it('ran at least 1,000 cases, and none of them reached a listener', async () => {
    expect(cases).toBeGreaterThanOrEqual(1_000);
  });
});
