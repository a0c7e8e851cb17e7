import { createHmac, randomBytes } from 'node:crypto';

/**
 * Outbound webhooks as Pivotal's webhook preview describes them: endpoints an admin adds (each with
 * its own `whsec_` signing secret, flagged for test or live events), and deliveries signed the Svix
 * way, base64 HMAC-SHA256 over `{svix-id}.{svix-timestamp}.{raw body}` keyed with the decoded secret.
 * The documents leave open which changes emit events; here only changes made "in the Pivotal UI"
 * (the sandbox page's panel) do, never API calls.
 */

export interface WebhookEndpoint {
  id: string;
  orgId: string;
  url: string;
  /** Shown to the admin to paste into the receiver; kept, as Pivotal keeps it, to sign deliveries. */
  secret: string;
  /** A test endpoint gets the events with `livemode: false`. */
  testMode: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  at: string;
  endpointId: string;
  eventId: string;
  type: string;
  /** The receiver's HTTP status, or null when it could not be reached. */
  status: number | null;
  /** The start of the receiver's answer, or why nothing came back. */
  answer: string;
}

const MAX_LOG = 20;
const TIMEOUT_MS = 10_000;

const randomId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export function svixSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export class WebhookSender {
  private readonly endpoints = new Map<string, WebhookEndpoint>();
  /** Newest first. */
  readonly deliveries: WebhookDelivery[] = [];

  constructor(private readonly changed: () => void = () => {}) {}

  addEndpoint(orgId: string, o: { url: string; testMode?: boolean }): WebhookEndpoint {
    const endpoint: WebhookEndpoint = {
      id: randomId('ep'),
      orgId,
      url: o.url,
      secret: `whsec_${randomBytes(32).toString('base64')}`,
      testMode: o.testMode ?? true,
      createdAt: new Date().toISOString(),
    };
    this.endpoints.set(endpoint.id, endpoint);
    this.changed();
    return endpoint;
  }

  removeEndpoint(id: string): void {
    if (!this.endpoints.delete(id)) throw new Error(`simulator: no webhook endpoint ${id}`);
    this.changed();
  }

  list(orgId: string): WebhookEndpoint[] {
    return [...this.endpoints.values()].filter((e) => e.orgId === orgId);
  }

  dump(): WebhookEndpoint[] {
    return [...this.endpoints.values()];
  }

  load(dump: WebhookEndpoint[]): void {
    for (const endpoint of dump) this.endpoints.set(endpoint.id, { ...endpoint });
  }

  /** One event to every endpoint of the org; resolves once each answered (or failed), never rejects. */
  async send(
    orgId: string,
    type: string,
    object: Record<string, unknown>,
    previous: Record<string, unknown> = {},
  ): Promise<WebhookDelivery[]> {
    const eventId = randomId('evt');
    const results = await Promise.all(
      this.list(orgId).map((endpoint) => this.deliver(endpoint, eventId, type, orgId, object, previous)),
    );
    this.deliveries.unshift(...results);
    this.deliveries.length = Math.min(this.deliveries.length, MAX_LOG);
    return results;
  }

  private async deliver(
    endpoint: WebhookEndpoint,
    eventId: string,
    type: string,
    orgId: string,
    object: Record<string, unknown>,
    previous: Record<string, unknown>,
  ): Promise<WebhookDelivery> {
    const now = new Date();
    const body = JSON.stringify({
      id: eventId,
      type,
      created_at: now.toISOString(),
      org_id: orgId,
      livemode: !endpoint.testMode,
      api_version: 'v1',
      data: { object, ...(Object.keys(previous).length ? { previous_attributes: previous } : {}) },
    });
    // The delivery id differs from the event id: a retry of one event is a new delivery.
    const deliveryId = randomId('msg');
    const timestamp = Math.floor(now.getTime() / 1000);
    const base = { at: now.toISOString(), endpointId: endpoint.id, eventId, type };
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'svix-id': deliveryId,
          'svix-timestamp': String(timestamp),
          'svix-signature': svixSignature(endpoint.secret, deliveryId, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return { ...base, status: res.status, answer: (await res.text()).slice(0, 200) };
    } catch (err) {
      return { ...base, status: null, answer: (err as Error).message };
    }
  }
}
