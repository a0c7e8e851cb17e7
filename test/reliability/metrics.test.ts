import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEAM, type Harness } from '../harness/app-harness.js';
import { parsePrometheus, sampleValue, type Sample } from '../harness/prometheus.js';

/** GET /metrics end to end: requests through the real app, then a scrape of what they left behind. */
const METRICS_TOKEN = randomBytes(24).toString('hex');
const authorised = { headers: { authorization: `Bearer ${METRICS_TOKEN}` } };

describe('GET /metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { METRICS_TOKEN } });
    h.secrets.push(METRICS_TOKEN);
    // The start-up check of PIVOTAL_API_KEY with /me is not one of the calls these tests count.
    h.pivotal.resetRequests();
  });
  afterAll(async () => {
    await h.close();
  });

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(`${h.baseUrl}/metrics`, authorised);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return parsePrometheus(await res.text());
  };

  it('answers only a scraper that presents METRICS_TOKEN as a bearer token', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}` },
      { authorization: METRICS_TOKEN },
      { authorization: `Basic ${METRICS_TOKEN}` },
    ]) {
      const res = await fetch(`${h.baseUrl}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      const text = await res.text();
      expect(text).not.toContain('slack_requests_total');
      expect(text).not.toContain(TEAM.id);
    }
  });

  it('counts Slack requests by kind and status and times their ack', async () => {
    const before = await scrape();
    const count = (s: Sample[], labels: Record<string, string>) => sampleValue(s, 'slack_requests_total', labels) ?? 0;

    expect((await h.command('help')).status).toBe(200);
    expect((await h.command('help')).status).toBe(200);
    expect((await h.command('help', { send: { signature: 'v0=forged' } })).status).toBe(401);
    expect(
      (await h.event({ type: 'app_home_opened', user: 'U0CSM001', channel: 'D1', tab: 'messages', event_ts: '1.1' }))
        .status,
    ).toBe(200);
    await h.idle();

    const after = await scrape();
    expect(count(after, { kind: 'command', status: '200' }) - count(before, { kind: 'command', status: '200' })).toBe(
      2,
    );
    expect(
      count(after, { kind: 'undispatched', status: '401' }) - count(before, { kind: 'undispatched', status: '401' }),
    ).toBe(1);
    expect(count(after, { kind: 'event', status: '200' }) - count(before, { kind: 'event', status: '200' })).toBe(1);

    const acks = sampleValue(after, 'slack_ack_duration_seconds_count', { kind: 'command' })!;
    expect(acks - (sampleValue(before, 'slack_ack_duration_seconds_count', { kind: 'command' }) ?? 0)).toBe(2);
    // Acked well inside Slack's 3 s: every command falls in the 3 s bucket.
    expect(sampleValue(after, 'slack_ack_duration_seconds_bucket', { kind: 'command', le: '3' })).toBe(acks);
    expect(sampleValue(after, 'slack_ack_duration_seconds_sum', { kind: 'command' })!).toBeGreaterThan(0);
  });

  it("counts Pivotal calls per workspace and shows the key's remaining rate budget", async () => {
    const connection = await h.app.ctx.pivotal.forWorkspace({ teamId: TEAM.id });
    await connection!.client.me();
    await connection!.client.listCustomers({ limit: 1 });

    const samples = await scrape();
    const answered = h.pivotal.requests.filter(
      (r) => r.status !== null && r.keyPrefix === connection!.keyPrefix,
    ).length;
    const counted = samples
      .filter((s) => s.name === 'pivotal_api_requests_total' && s.labels.workspace === TEAM.id)
      .reduce((sum, s) => sum + s.value, 0);
    // Every answer the simulator gave this key is counted, once.
    expect(answered).toBe(2);
    expect(counted).toBe(answered);
    expect(
      sampleValue(samples, 'pivotal_api_requests_total', { workspace: TEAM.id, method: 'GET', status: '200' }),
    ).toBe(2);
    expect(sampleValue(samples, 'pivotal_api_rate_limit_limit', { workspace: TEAM.id })).toBe(60);
    // The key's bucket also paid for the start-up /me, made before any workspace used the key.
    expect(sampleValue(samples, 'pivotal_api_rate_limit_remaining', { workspace: TEAM.id })).toBe(60 - 1 - answered);
    expect(sampleValue(samples, 'pivotal_api_request_duration_seconds_count', { method: 'GET' })).toBe(2);
  });

  it('reads outbox depth and age and the sync lag from the store at scrape time', async () => {
    const { db } = h.app.ctx.store;
    const now = Date.now();
    const at = (msAgo: number) => new Date(now - msAgo).toISOString();
    // A workspace nobody connected, with retries far ahead, so no dispatcher touches these rows.
    const row = (id: string, status: 'pending' | 'held' | 'done', createdMsAgo: number) => ({
      id,
      workspace_id: 'T0METRICS',
      dedupe_key: `metrics-test:${id}`,
      kind: 'onboarding.opened',
      onboarding_id: null,
      payload: '{}',
      status,
      attempts: 0,
      next_attempt_at: at(-24 * 3600_000),
      created_at: at(createdMsAgo),
    });
    await db
      .insertInto('outbox')
      .values([
        row('m1', 'pending', 120_000),
        row('m2', 'pending', 5_000),
        row('m3', 'held', 1_000),
        row('m4', 'done', 600_000),
      ])
      .execute();
    await db
      .insertInto('sync_state')
      .values({
        workspace_id: 'T0METRICS',
        next_sync_at: at(0),
        updated_at: at(0),
        last_sync_at: at(90_000),
        lag_ms: 4_000,
      })
      .execute();

    const samples = await scrape();
    expect(sampleValue(samples, 'outbox_messages', { status: 'pending' })).toBeGreaterThanOrEqual(2);
    expect(sampleValue(samples, 'outbox_messages', { status: 'held' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'outbox_messages', { status: 'done' })).toBeUndefined();
    expect(sampleValue(samples, 'outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(120);
    const lag = sampleValue(samples, 'sync_lag_seconds', { workspace: 'T0METRICS' })!;
    expect(lag).toBeGreaterThanOrEqual(90);
    expect(lag).toBeLessThan(120);
    expect(sampleValue(samples, 'sync_full_walk_seconds', { workspace: 'T0METRICS' })).toBe(4);
  });

  it('keeps each app instance on its own registry', async () => {
    const other = await startHarness({ shared: { pivotal: h.pivotal, slack: h.slack }, env: { METRICS_TOKEN } });
    try {
      await other.command('help');
      const mine = await scrape();
      const theirs = parsePrometheus(await (await fetch(`${other.baseUrl}/metrics`, authorised)).text());
      expect(sampleValue(theirs, 'slack_requests_total', { kind: 'command', status: '200' })).toBe(1);
      expect(sampleValue(mine, 'slack_requests_total', { kind: 'command', status: '200' })).toBe(2);
      // Process metrics come from the default collectors, registered on each registry.
      expect(sampleValue(theirs, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});
