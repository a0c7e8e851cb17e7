import { request } from 'undici';

/** The headers of an answer, read by name (any case), as `Headers` reads them. */
export interface HeaderReader {
  get(name: string): string | null;
}

export interface HttpAsk {
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  signal: AbortSignal;
}

/** One answer read to its end: the transport decides on status and headers only once the body is in. */
export interface HttpAnswer {
  status: number;
  headers: HeaderReader;
  text: string;
}

/** One HTTP request and its whole answer; it rejects when the request cannot be sent or is aborted. */
export type HttpExchange = (url: string, ask: HttpAsk) => Promise<HttpAnswer>;

/**
 * The default way out: undici's `request`. A sync of many workspaces keeps hundreds of requests in
 * flight, and `fetch` builds web streams, a Request and a Response for each; what outlives a young
 * collection is promoted, and was the largest share of what grew the old generation in `bench/rss.ts`.
 * Redirects are not followed (Pivotal's documents name none, and the key must not go where one points):
 * a 3xx is reported like any other answer outside 2xx.
 */
export const undiciExchange: HttpExchange = async (url, ask) => {
  const answer = await request(url, { method: ask.method, headers: ask.headers, body: ask.body, signal: ask.signal });
  const text = await answer.body.text();
  const headers = answer.headers;
  return {
    status: answer.statusCode,
    headers: {
      get: (name) => {
        const value = headers[name.toLowerCase()];
        if (value === undefined) return null;
        return Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text,
  };
};

/** A caller's own `fetch` (a proxy, a test's fault injector) in place of the default. */
export function exchangeThrough(fetchImpl: typeof fetch): HttpExchange {
  return async (url, ask) => {
    const response = await fetchImpl(url, ask);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
}
