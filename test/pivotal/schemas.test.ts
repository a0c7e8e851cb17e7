import { describe, expect, it } from 'vitest';
import { KNOWN_PHASES } from '../../src/domain/phases.js';
import {
  OnboardingSchema,
  PivotalClient,
  RatePacer,
  normalizeLaunchDate,
  type PivotalClientOptions,
} from '../../src/pivotal/index.js';
import { stubFetch } from './support.js';

function stubClient(answer: Parameters<typeof stubFetch>[0], overrides: Partial<PivotalClientOptions> = {}) {
  const stub = stubFetch(answer);
  const client = new PivotalClient({
    baseUrl: 'https://pivotal.example/api/v1',
    apiKey: 'pivotal_live_stubkey_for_tests',
    fetch: stub.fetch,
    pacer: new RatePacer({ limit: 1_000 }),
    ...overrides,
  });
  return { client, calls: stub.calls };
}

const onboardingJson = (fields: Record<string, unknown>) => ({
  object: 'onboarding',
  id: 'cl9bn00of0000g7l8gcq8c4xk',
  display_id: 245,
  customer_id: 'cl9bn00of0000g7l8gcq8c4xa',
  phase: 'launch',
  state: 'active',
  ...fields,
});

describe('/me shapes', () => {
  it('reads the documented shape { object: "api_key_identity", key_name, key_prefix, org_id, org_slug, mode }', async () => {
    const { client } = stubClient(() => ({
      body: {
        object: 'api_key_identity',
        key_name: 'ci-smoke',
        key_prefix: 'pivotal_test_def4',
        org_id: 'org_2pXh',
        org_slug: 'vml',
        mode: 'test',
      },
    }));

    expect(await client.me()).toEqual({
      keyName: 'ci-smoke',
      keyPrefix: 'pivotal_test_def4',
      organization: { id: 'org_2pXh', slug: 'vml', name: null },
      mode: 'test',
    });
  });

  it('falls back to the spec shape { api_key, organization }, which states no mode', async () => {
    const { client } = stubClient(() => ({
      body: {
        object: 'me',
        api_key: {
          id: 'key_1',
          name: 'slack-bot',
          prefix: 'pivotal_abc123',
          scopes: ['read:customers'],
          rate_limit_tier: 'standard',
        },
        organization: { id: 'org_1', slug: 'acme-corp', name: 'Acme Corporation' },
      },
    }));

    expect(await client.me()).toEqual({
      keyName: 'slack-bot',
      keyPrefix: 'pivotal_abc123',
      organization: { id: 'org_1', slug: 'acme-corp', name: 'Acme Corporation' },
      mode: null,
    });
  });

  it('takes the mode only from a `mode` of live or test, never from guessed fields', async () => {
    const guessed = stubClient(() => ({
      body: { object: 'api_key_identity', livemode: false, test_mode: true, environment: 'test' },
    }));
    const odd = stubClient(() => ({ body: { object: 'api_key_identity', mode: 'sandbox' } }));
    const live = stubClient(() => ({ body: { object: 'api_key_identity', mode: 'live' } }));

    expect((await guessed.client.me()).mode).toBeNull();
    expect((await odd.client.me()).mode).toBeNull();
    expect((await live.client.me()).mode).toBe('live');
  });
});

describe('target_launch_date', () => {
  it.each([
    ['2026-07-15', '2026-07-15'],
    ['2026-07-15T00:00:00.000Z', '2026-07-15'],
    ['2026-07-15T23:30:00-05:00', '2026-07-15'],
    [null, null],
    [undefined, null],
    ['soon', null],
  ])('%s → %s', (input, expected) => {
    expect(normalizeLaunchDate(input)).toBe(expected);
  });

  it('parses onboardings carrying a date or a date-time alike', () => {
    const asDate = OnboardingSchema.parse(onboardingJson({ target_launch_date: '2026-07-15' }));
    const asDateTime = OnboardingSchema.parse(onboardingJson({ target_launch_date: '2026-07-15T00:00:00.000Z' }));
    expect(asDate.target_launch_date).toBe('2026-07-15');
    expect(asDateTime.target_launch_date).toBe('2026-07-15');
  });

  it('sends a date as a date-time, and falls back to the bare date if the server rejects that field', async () => {
    const { client, calls } = stubClient((_url, init) => {
      const body = JSON.parse(String(init.body)) as { target_launch_date: string };
      if (body.target_launch_date.includes('T')) {
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'invalid_string',
              message: 'Invalid date',
              field: 'target_launch_date',
            },
          },
        };
      }
      return { status: 201, body: onboardingJson(body) };
    });

    const onboarding = await client.createOnboarding(
      { customer_id: '#12', target_launch_date: '2026-07-15' },
      { idempotencyKey: 'onb-12' },
    );

    expect(onboarding.target_launch_date).toBe('2026-07-15');
    const sent = calls.map((c) => [
      JSON.parse(String(c.init.body)),
      (c.init.headers as Record<string, string>)['idempotency-key'],
    ]);
    expect(sent).toEqual([
      [{ customer_id: '12', target_launch_date: '2026-07-15T00:00:00.000Z' }, 'onb-12'],
      [{ customer_id: '12', target_launch_date: '2026-07-15' }, 'onb-12:date-only'],
    ]);
  });
});

describe('tolerance', () => {
  it('keeps unknown fields and values, and reads numeric-string display ids', () => {
    const parsed = OnboardingSchema.parse(
      onboardingJson({
        display_id: '245',
        phase: 'kickoff',
        state: 'blocked',
        reminder_channel: 'email',
        metadata: { a: 1 },
      }),
    );
    expect(parsed).toMatchObject({
      display_id: 245,
      phase: 'kickoff',
      state: 'blocked',
      reminder_channel: 'email',
      metadata: { a: 1 },
    });
    expect(KNOWN_PHASES[0]).toBe('before_getting_started');
    expect(KNOWN_PHASES.at(-1)).toBe('completed');
  });

  it('follows pagination with has_more, whatever the page size', async () => {
    const pages: Record<string, unknown> = {
      first: {
        object: 'list',
        data: [onboardingJson({ id: 'a' })],
        has_more: true,
        next_cursor: '2026-01-02T00:00:00.000Z',
      },
      second: { object: 'list', data: [onboardingJson({ id: 'b' })], has_more: false },
    };
    const { client } = stubClient((url) => ({ body: url.includes('cursor=') ? pages.second : pages.first }));

    const ids: string[] = [];
    for await (const o of client.onboardings({ phase: 'launch' })) ids.push(o.id);

    expect(ids).toEqual(['a', 'b']);
  });
});
