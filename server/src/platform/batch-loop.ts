/**
 * The loop of a dispatcher that works through a table in batches (the messages outbox, webhook
 * deliveries): every `intervalMs` it drains what is due, one pass at a time, never two at once; the
 * timer is unref'd, so it never keeps the process alive; `stop` waits for the batch in hand.
 */
export class BatchLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  /**
   * `runOnce` claims and handles one batch and returns how many rows it claimed; a timer's pass runs at
   * most `maxBatches` of them, so other work gets the event loop between passes.
   */
  constructor(
    private readonly runOnce: () => Promise<number>,
    private readonly options: {
      batchSize: number;
      maxBatches: number;
      onError?: ((error: unknown) => void) | undefined;
    },
  ) {}

  start(intervalMs: number): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      if (this.running !== null) return;
      this.running = this.drain()
        .catch((error: unknown) => {
          this.options.onError?.(error);
          return 0;
        })
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs batches until one comes back short (nothing more is due) or `maxBatches` ran; returns the rows handled. */
  async drain(maxBatches = this.options.maxBatches): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const handled = await this.runOnce();
      total += handled;
      if (handled < this.options.batchSize) break;
    }
    return total;
  }
}
