import { expect, it } from 'vitest';
import { markEventProcessed } from '../../src/store/processed-events.js';
import { describeEachDialect } from '../helpers/databases.js';

describeEachDialect('processed Slack events', (suite) => {
  const db = () => suite.store().db;
  const now = new Date('2026-03-01T10:00:00.000Z');

  it('is true for the first delivery of an event and false for retries', async () => {
    expect(await markEventProcessed(db(), 'Ev1', now)).toBe(true);
    expect(await markEventProcessed(db(), 'Ev1', now)).toBe(false);
    expect(await markEventProcessed(db(), 'Ev2', now)).toBe(true);
  });

  it('lets exactly one of 20 concurrent deliveries through', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => markEventProcessed(db(), 'Ev1', now)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
