import { PivotalProtocolError } from './errors.js';
import type { Page } from './schemas.js';

/**
 * Walks a cursor-paginated list to its end, one page at a time, following `next_cursor` verbatim and
 * trusting `has_more` rather than the page size, as Pivotal's pagination guide asks.
 */
export async function* paginate<T>(
  fetchPage: (cursor?: string) => Promise<Page<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.data;
    if (!page.has_more || page.next_cursor === null) return;
    // A server handing back the cursor it was given would otherwise keep us here forever.
    if (page.next_cursor === cursor)
      throw new PivotalProtocolError(200, `pagination did not advance past cursor ${cursor}`);
    cursor = page.next_cursor;
  }
}
