import { createHash } from 'node:crypto';

export type IdempotencyCheck =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

export interface IdempotencyEntry {
  bodyHash: string;
  startedAtMs: number;
  /** Undefined while the first request is still being handled. */
  stored?: { status: number; body: string };
}

const RETENTION_MS = 24 * 60 * 60 * 1000;

export function hashBody(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * `Idempotency-Key` on POST, scoped to org + endpoint, kept 24 h. Only successful
 * answers are stored (the docs describe no other): after a failure the same key may try again.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, IdempotencyEntry>();

  begin(scope: string, key: string, bodyHash: string, nowMs: number): IdempotencyCheck {
    const id = `${scope}\u0000${key}`;
    const entry = this.entries.get(id);
    if (entry && nowMs - entry.startedAtMs < RETENTION_MS) {
      if (entry.bodyHash !== bodyHash) return { kind: 'mismatch' };
      return entry.stored ? { kind: 'replay', ...entry.stored } : { kind: 'in_flight' };
    }
    this.entries.set(id, { bodyHash, startedAtMs: nowMs });
    return { kind: 'new' };
  }

  /** Answered entries only: a request in flight when the simulator stopped never got its answer. */
  dump(): Array<[string, IdempotencyEntry]> {
    return [...this.entries].filter(([, entry]) => entry.stored !== undefined);
  }

  load(dump: Array<[string, IdempotencyEntry]>): void {
    for (const [id, entry] of dump) this.entries.set(id, entry);
  }

  finish(scope: string, key: string, status: number, body: string): void {
    const id = `${scope}\u0000${key}`;
    const entry = this.entries.get(id);
    if (!entry) return;
    if (status >= 200 && status < 300) entry.stored = { status, body };
    else this.entries.delete(id);
  }
}
