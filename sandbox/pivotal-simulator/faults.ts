export interface FailureSpec {
  type?: string;
  code?: string;
  message?: string;
  retryAfterSec?: number;
  /** Run the handler (its side effect happens) and answer the error anyway: a lost response. */
  afterHandler?: boolean;
}

export interface SimulatorFaults {
  /** Added to every response. */
  latencyMs: number;
  /** 0..1 chance of a 500 before the handler runs, so without side effect. */
  errorRate5xx: number;
  failNext(n: number, status: number, error?: FailureSpec): void;
  /** Never answer the next n requests (until close). */
  hangNext(n: number): void;
  clear(): void;
}

export type Fault = { kind: 'hang' } | { kind: 'fail'; status: number; spec: FailureSpec };

/** Faults are handed out in arrival order: pending hangs first, then queued failures, then chance. */
export class FaultInjector implements SimulatorFaults {
  latencyMs = 0;
  errorRate5xx = 0;
  private hangs = 0;
  private readonly failures: { status: number; spec: FailureSpec }[] = [];

  failNext(n: number, status: number, error: FailureSpec = {}): void {
    for (let i = 0; i < n; i++) this.failures.push({ status, spec: error });
  }

  hangNext(n: number): void {
    this.hangs += n;
  }

  clear(): void {
    this.latencyMs = 0;
    this.errorRate5xx = 0;
    this.hangs = 0;
    this.failures.length = 0;
  }

  next(): Fault | undefined {
    if (this.hangs > 0) {
      this.hangs--;
      return { kind: 'hang' };
    }
    const failure = this.failures.shift();
    if (failure) return { kind: 'fail', ...failure };
    if (this.errorRate5xx > 0 && Math.random() < this.errorRate5xx) return { kind: 'fail', status: 500, spec: {} };
    return undefined;
  }
}
