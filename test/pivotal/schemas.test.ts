import { describe, expect, it } from 'vitest';
import {
  KNOWN_PHASES,
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
  it('normalises the spec shape { object: "me", api_key, organization }', async () => {
    const { client } = stubClient(() => ({
      body: {
        object: 'me',
        api_key: { id: 'key_1', name: 'slack-bot', prefix: 'pivotal_abc123', scopes: ['read:customers', 'write:contacts'], rate_limit_tier: 'standard' },
        organization: { id: 'org_1', slug: 'acme-corp', name: 'Acme Corporation' },
      },
    }));

    expect(await client.me()).toMatchObject({
      keyName: 'slack-bot',
      keyPrefix: 'pivotal_abc123',
      keyId: 'key_1',
      organization: { id: 'org_1', slug: 'acme-corp', name: 'Acme Corporation' },
      mode: null,
      scopes: ['read:customers', 'write:contacts'],
    });
  });

  it('normalises the test-mode guide shape { object: "api_key_identity", key_name, key_prefix }', async () => {
    const { client } = stubClient(() => ({
      body: { object: 'api_key_identity', id: 'key_2', key_name: 'ci-smoke', key_prefix: 'pivotal_test_Zx9q', test_mode: true, org_id: 'org_2', org_slug: 'acme' },
    }));

    const me = await client.me();

    expect(me).toMatchObject({ keyName: 'ci-smoke', keyPrefix: 'pivotal_test_Zx9q', keyId: 'key_2', mode: 'test', scopes: [] });
    expect(me.organization).toEqual({ id: 'org_2', slug: 'acme', name: null });
    expect(me.raw).toMatchObject({ object: 'api_key_identity' });
  });

  it('reads the mode from livemode or an environment string', async () => {
    const live = stubClient(() => ({ body: { object: 'me', api_key: { name: 'k', environment: 'production' } } }));
    const test = stubClient(() => ({ body: { object: 'me', livemode: false } }));

    expect((await live.client.me()).mode).toBe('live');
    expect((await test.client.me()).mode).toBe('test');
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
        return { status: 400, body: { error: { type: 'invalid_request_error', code: 'invalid_string', message: 'Invalid date', field: 'target_launch_date' } } };
      }
      return { status: 201, body: onboardingJson(body) };
    });

    const onboarding = await client.createOnboarding({ customer_id: '#12', target_launch_date: '2026-07-15' }, { idempotencyKey: 'onb-12' });

    expect(onboarding.target_launch_date).toBe('2026-07-15');
    const sent = calls.map((c) => [JSON.parse(String(c.init.body)), (c.init.headers as Record<string, string>)['idempotency-key']]);
    expect(sent).toEqual([
      [{ customer_id: '12', target_launch_date: '2026-07-15T00:00:00.000Z' }, 'onb-12'],
      [{ customer_id: '12', target_launch_date: '2026-07-15' }, 'onb-12:date-only'],
    ]);
  });
});

describe('tolerance', () => {
  it('keeps unknown fields and values, and reads numeric-string display ids', () => {
    const parsed = OnboardingSchema.parse(onboardingJson({ display_id: '245', phase: 'kickoff', state: 'blocked', reminder_channel: 'email', metadata: { a: 1 } }));
    expect(parsed).toMatchObject({ display_id: 245, phase: 'kickoff', state: 'blocked', reminder_channel: 'email', metadata: { a: 1 } });
    expect(KNOWN_PHASES[0]).toBe('before_getting_started');
    expect(KNOWN_PHASES.at(-1)).toBe('completed');
  });

  it('follows pagination with has_more, whatever the page size', async () => {
    const pages: Record<string, unknown> = {
      first: { object: 'list', data: [onboardingJson({ id: 'a' })], has_more: true, next_cursor: '2026-01-02T00:00:00.000Z' },
      second: { object: 'list', data: [onboardingJson({ id: 'b' })], has_more: false },
    };
    const { client } = stubClient((url) => ({ body: url.includes('cursor=') ? pages.second : pages.first }));

    const ids: string[] = [];
    for await (const o of client.onboardings({ phase: 'launch' })) ids.push(o.id);

    expect(ids).toEqual(['a', 'b']);
  });
});
