import { ErrorCode, WebClient, type WebClientOptions } from '@slack/web-api';

type Options = Record<string, unknown> | undefined;
/** WebClient's fields a view sets for itself; the rest (queue, retry policy, logger) it reads from the shared one. */
type Own = { token: string; teamId: string | undefined; defaultHeaders: Record<string, string> };

/** What a 429 looks like once WebClient gives it back instead of waiting (rejectRateLimitedCalls). */
function retryAfterSeconds(err: unknown): number | undefined {
  const { code, retryAfter } = (err ?? {}) as { code?: unknown; retryAfter?: unknown };
  return code === ErrorCode.RateLimitedError && typeof retryAfter === 'number' ? retryAfter : undefined;
}

/**
 * WebClient's own map of where each Web API method sits (`client.chat.postMessage`) to the name it
 * calls (`chat.postMessage`): a client whose bound methods answer their name instead of calling.
 */
class MethodNames extends WebClient {
  override apiCall(method: string): never {
    return method as never;
  }

  override filesUploadV2(): never {
    return 'files.uploadV2' as never;
  }
}

/** A method as WebClient binds it: `apiCall` (or `filesUploadV2`) with its name. */
function isBoundMethod(value: unknown): value is () => string {
  return typeof value === 'function' && (value.name === 'bound apiCall' || value.name === 'bound filesUploadV2');
}

/** A Web API namespace (`chat`, `admin.apps`, …): an object holding bound methods or namespaces. */
function isApiNamespace(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).some((member) => isBoundMethod(member) || isApiNamespace(member))
  );
}

let methodNames: Record<string, unknown> | undefined;

/** The namespaces of a MethodNames client, made once per process (it costs what a WebClient costs). */
function namespacesByName(): Record<string, unknown> {
  if (!methodNames) {
    const client = new MethodNames() as unknown as Record<string, unknown>;
    methodNames = Object.fromEntries(
      Object.keys(client).flatMap((key) => (isApiNamespace(client[key]) ? [[key, client[key]]] : [])),
    );
  }
  return methodNames;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One WebClient shared by every workspace, handing out a view per workspace token. Making a WebClient
 * binds every Web API method to it (about 26 KB and 0.15 ms each): one per workspace, kept or made
 * again, was the largest allocation under load from a thousand workspaces. A view is the shared
 * client with its own token, team and Authorization header, as a client made for that token would
 * have; its methods call its own `apiCall`, so the token goes in the header only, never in a body.
 *
 * WebClient waits out a 429 by pausing its whole queue, which in a shared client would stall every
 * workspace behind one workspace's limit. So the shared client hands 429s back, and the view that got
 * one waits out its Retry-After alone, as many times as the retry policy's `retries`.
 */
export class SharedWebClient {
  private readonly client: WebClient;
  private readonly namespaces = namespacesByName();
  private readonly rateLimitRetries: number;

  constructor(
    options: WebClientOptions,
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {
    this.client = new WebClient(undefined, {
      // WebClient queues calls past 100 in flight: shared, that would let one workspace's slow calls hold
      // back every other workspace's, which their own clients never did. The callers pace themselves.
      maxRequestConcurrency: Number.POSITIVE_INFINITY,
      ...options,
      rejectRateLimitedCalls: true,
    });
    this.rateLimitRetries = options.rejectRateLimitedCalls ? 0 : (options.retryConfig?.retries ?? 0);
    const chat = this.namespaces.chat as { postMessage?: unknown } | undefined;
    if (!isBoundMethod(chat?.postMessage) || chat.postMessage() !== 'chat.postMessage')
      throw new Error('WebClient no longer binds its Web API methods as expected: it cannot be shared');
  }

  /** A client whose every call carries `token` (and `team_id`, unless a call names its own). */
  forToken(token: string, teamId?: string): WebClient {
    const { defaultHeaders } = this.client as unknown as Own;
    const own: Own = { token, teamId, defaultHeaders: { ...defaultHeaders, Authorization: `Bearer ${token}` } };
    const view = Object.assign(Object.create(this.client) as object, own) as unknown as WebClient;
    // WebClient's own methods run with the client handed out as `this`, so what they call goes through it too.
    const call = (method: string, options?: Options): Promise<unknown> =>
      this.waitingOutRateLimits(() => WebClient.prototype.apiCall.call(client, method, options));
    const namespace = (names: Record<string, unknown>): Record<string, unknown> =>
      new Proxy(names, {
        get: (target, key) => {
          const member = Reflect.get(target, key);
          if (isBoundMethod(member)) return (options?: Options) => call(member(), options);
          // Inside a namespace every object is a namespace: the names tree holds nothing else.
          return typeof member === 'object' && member !== null ? namespace(member as Record<string, unknown>) : member;
        },
      });
    const client: WebClient = new Proxy(view, {
      get: (target, key, receiver) => {
        if (key === 'apiCall') return call;
        const names = typeof key === 'string' ? this.namespaces[key] : undefined;
        return names ? namespace(names as Record<string, unknown>) : Reflect.get(target, key, receiver);
      },
    });
    return client;
  }

  private async waitingOutRateLimits(send: () => Promise<unknown>): Promise<unknown> {
    for (let waited = 0; ; waited += 1) {
      try {
        return await send();
      } catch (err) {
        const seconds = retryAfterSeconds(err);
        if (seconds === undefined || waited >= this.rateLimitRetries) throw err;
        await this.sleep(seconds * 1000);
      }
    }
  }
}
