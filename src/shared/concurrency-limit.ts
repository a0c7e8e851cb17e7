/** Runs at most `limit` tasks at once; the others wait their turn in the order they came. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /**
   * For a task inside run() that must wait on something that is not work (a rate limit's turn): its
   * slot goes to the next task meanwhile, and it takes a slot again, in turn, once the wait is over.
   */
  async outside<T>(wait: () => Promise<T>): Promise<T> {
    this.release();
    try {
      return await wait();
    } finally {
      await this.acquire();
    }
  }

  private async acquire(): Promise<void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
  }

  private release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next task, so `active` stays as it is.
    if (next) next();
    else this.active -= 1;
  }
}
