import pino from 'pino';
import { expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import { HomeRefresher } from '../../src/features/home/refresher.js';
import type { SlackClients } from '../../src/slack/clients.js';
import { describeEachDialect } from '../helpers/databases.js';

/** The Home refresher remembers when it last ran per workspace within a bound of count and age. */
describeEachDialect('Home refresher memory', (suite) => {
  it('remembers at most its capacity of workspaces, and none past homeRefreshMs', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const ctx = { store: suite.store(), now: () => new Date(now), logger: pino({ level: 'silent' }) };
    const refresher = new HomeRefresher(
      ctx as unknown as AppContext,
      // Nobody has looked at Home in this empty store, so no Slack client is ever asked for.
      {} as SlackClients,
      { homeRefreshMs: 15_000, homeRecentMs: 60_000 },
      100,
    );
    for (let i = 0; i < 250; i++) await refresher.refresh(`T${i}`);
    expect(refresher.remembered).toBe(100);
    now += 15_000;
    await refresher.refresh('T0');
    // The expired entry of T0 was dropped when it was read, and T0 remembered afresh.
    expect(refresher.remembered).toBe(100);
  });
});
