/**
 * Runs `pass` at start and then `intervalMs` after each pass ends, until stopped. A pass that throws
 * is handed to `onError` and the next one still runs on time; `stop` waits for a pass in flight.
 * The timer does not keep the process alive.
 */
export class RepeatingTask {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> | undefined;
  private stopped = true;

  constructor(
    private readonly opts: {
      intervalMs: () => number;
      pass: () => Promise<unknown>;
      onError: (err: unknown) => void;
      /** Wraps each pass, e.g. to count it as background work that shutdown and tests wait for. */
      track?: (pass: () => Promise<unknown>) => Promise<unknown>;
    },
  ) {}

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const { pass, track, onError } = this.opts;
      this.inFlight = (track ? track(pass) : pass()).catch(onError).finally(() => {
        this.inFlight = undefined;
        this.schedule(this.opts.intervalMs());
      });
    }, delayMs);
    this.timer.unref();
  }
}
