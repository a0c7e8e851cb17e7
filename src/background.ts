import type { Logger } from 'pino';

/**
 * Work that runs after Slack has been acked (views.update after a slow Pivotal call, outbox sends).
 * Tracked so shutdown can wait for it and tests can wait until the app is idle, instead of sleeping.
 */
export class BackgroundTasks {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly logger: Logger) {}

  run(name: string, work: () => Promise<unknown>): void {
    void this.track(work).catch((err: unknown) => this.logger.error({ err, task: name }, 'background task failed'));
  }

  /** Runs work the caller awaits itself (a listener's whole handling), counted until it settles. */
  track<T>(work: () => Promise<T>): Promise<T> {
    const task = work();
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    return task;
  }

  get size(): number {
    return this.running.size;
  }

  /** Resolves once nothing is running, including tasks started by the tasks awaited. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

/** How a promise stands after waiting at most `budgetMs` for it: its value, its error, or still running. */
export async function settleWithin<T>(
  work: Promise<T>,
  budgetMs: number,
): Promise<{ value: T } | { error: unknown } | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), budgetMs);
  });
  try {
    return await Promise.race([
      work.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
