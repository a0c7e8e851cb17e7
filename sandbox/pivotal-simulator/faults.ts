export interface FailureSpec {
  type?: string;
  code?: string;
  message?: string;
  retryAfterSec?: number;
  /** Run the handler (its side effect happens) and answer the error anyway: a lost response. */
  afterHandler?: boolean;
  /**
   * Answer this instead of the error envelope, e.g. the HTML page a proxy or load balancer in front of
   * the API sends with its own 401 or 502.
   */
  rawBody?: { contentType: string; text: string };
  /** Only requests of this method meet the failure; the others pass it by. */
  method?: string;
  /** Only requests to this path below `/api/v1` (e.g. `/customers/cus_1`) meet the failure. */
  path?: string;
}

/** Changes merged into every served record the match picks: a row that does not fit the documented shape. */
export interface Misshape {
  match: (record: Record<string, unknown>) => boolean;
  change: Record<string, unknown>;
}

export interface SimulatorFaults {
  /** Added to every response. */
  latencyMs: number;
  /** 0..1 chance of a 500 before the handler runs, so without side effect. */
  errorRate5xx: number;
  failNext(n: number, status: number, error?: FailureSpec): void;
  /** Never answer the next n requests (until close). */
  hangNext(n: number): void;
  /** Serve matching records (in lists, reads and create/update answers) with `change` merged in, until clear(). */
  misshape(match: Misshape['match'], change: Misshape['change']): void;
  clear(): void;
  /** Queued failures not yet handed out. */
  pendingFailures(): number;
}

export type Fault = { kind: 'hang' } | { kind: 'fail'; status: number; spec: FailureSpec };

/** Faults are handed out in arrival order: pending hangs first, then queued failures, then chance. */
export class FaultInjector implements SimulatorFaults {
  latencyMs = 0;
  errorRate5xx = 0;
  private hangs = 0;
  private readonly failures: { status: number; spec: FailureSpec }[] = [];
  readonly misshapes: Misshape[] = [];

  failNext(n: number, status: number, error: FailureSpec = {}): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, spec: error });
  }

  hangNext(n: number): void {
    this.hangs += n;
  }

  misshape(match: Misshape['match'], change: Misshape['change']): void {
    this.misshapes.push({ match, change });
  }

  /** A response body as served: every record in it (a list's rows, or the record itself) misshaped where asked. */
  serve(body: unknown): unknown {
    if (this.misshapes.length === 0 || typeof body !== 'object' || body === null) return body;
    const record = body as Record<string, unknown>;
    if (record.object === 'list' && Array.isArray(record.data))
      return { ...record, data: record.data.map((row: unknown) => this.serve(row)) };
    return this.misshapes.reduce((served, m) => (m.match(record) ? { ...served, ...m.change } : served), record);
  }

  pendingFailures(): number {
    return this.failures.length;
  }

  clear(): void {
    this.misshapes.length = 0;
    this.latencyMs = 0;
    this.errorRate5xx = 0;
    this.hangs = 0;
    this.failures.length = 0;
  }

  next(method: string, path: string): Fault | undefined {
    if (this.hangs > 0) {
      this.hangs--;
      return { kind: 'hang' };
    }
    const index = this.failures.findIndex(
      (f) => (f.spec.method ?? method) === method && (f.spec.path ?? path) === path,
    );
    const failure = index < 0 ? undefined : this.failures.splice(index, 1)[0];
    if (failure) return { kind: 'fail', ...failure };
    if (this.errorRate5xx > 0 && Math.random() < this.errorRate5xx) return { kind: 'fail', status: 500, spec: {} };
    return undefined;
  }
}
