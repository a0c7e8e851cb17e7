import { describe, expect, it } from 'vitest';
import { PivotalProtocolError } from '../../src/pivotal/index.js';
import { nextPageCursor } from '../../src/sync/workspace-sync.js';

/** Where a walk's next page starts, given a page read with `cursor` (rows strictly older than it). */

const page = (createdAts: string[], more = true) => ({
  data: createdAts.map((created_at) => ({ created_at })),
  has_more: more,
  next_cursor: more ? (createdAts.at(-1) ?? null) : null,
});

describe('nextPageCursor', () => {
  it('starts 1 ms after the last row, so the rows of that instant that did not fit come next', () => {
    expect(nextPageCursor(page(['2026-03-02T09:00:05.000Z', '2026-03-02T09:00:04.000Z']), null)).toEqual({
      next: '2026-03-02T09:00:04.001Z',
      crowded: false,
    });
  });

  it('keeps sub-millisecond created_at values of that instant too', () => {
    expect(nextPageCursor(page(['2026-03-02T09:00:05.000Z', '2026-03-02T09:00:04.123456Z']), null).next).toBe(
      '2026-03-02T09:00:04.124Z',
    );
  });

  it("falls back to Pivotal's cursor when the whole page is one instant, and says so", () => {
    const instant = '2026-03-02T09:00:04.000Z';
    expect(nextPageCursor(page([instant, instant, instant]), '2026-03-02T09:00:04.001Z')).toEqual({
      next: instant,
      crowded: true,
    });
  });

  it('ends with the list, and refuses a server whose cursor does not move', () => {
    expect(nextPageCursor(page(['2026-03-02T09:00:04.000Z'], false), null)).toEqual({ next: null, crowded: false });
    const stuck = {
      data: [{ created_at: '2026-03-02T09:00:04.000Z' }],
      has_more: true,
      next_cursor: '2026-03-02T09:00:04.000Z',
    };
    expect(() => nextPageCursor(stuck, '2026-03-02T09:00:04.000Z')).toThrow(PivotalProtocolError);
  });
});
