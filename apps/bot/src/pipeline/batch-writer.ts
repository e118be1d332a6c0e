interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

export interface BatchWriterOptions {
  /**
   * flushes that may run at once when a full batch (`maxBatch` items) waits (default
   * `maxConcurrent`): a partial batch goes only while fewer than `maxConcurrent` flushes run (full
   * ones included) and grows meanwhile; a full one need not wait for them
   */
  maxConcurrentFull?: number;
  /**
   * a flush running longer than this (ms) no longer holds its slot: a stuck call (a dependency that
   * hangs until its timeout) must not hold back the calls queued behind it
   */
  stuckAfterMs?: number;
}

/**
 * Group commit: writes that arrive while a flush is running are collected and written together
 * by the next flush. Light load gets one small write at once; heavy load gets large batches, so
 * the number of transactions stays low however many messages arrive.
 */
export class BatchWriter<I, O> {
  private pending: Array<Pending<I, O>> = [];
  /** start times (performance.now()) of the flushes in flight */
  private readonly inFlight = new Set<{ startedAt: number }>();
  private scheduled = false;
  private stuckTimer: NodeJS.Timeout | undefined;
  private readonly maxConcurrentFull: number;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
    private readonly maxConcurrent = 1,
    private readonly options: BatchWriterOptions = {},
  ) {
    this.maxConcurrentFull = Math.max(maxConcurrent, options.maxConcurrentFull ?? maxConcurrent);
  }

  write(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  writeMany(items: I[]): Promise<O[]> {
    return Promise.all(items.map((i) => this.write(i)));
  }

  get queued(): number {
    return this.pending.length;
  }

  get busy(): boolean {
    return this.inFlight.size > 0 || this.pending.length > 0;
  }

  private schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    // Let writes from the same tick join the batch.
    queueMicrotask(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  /**
   * Flushes holding a slot (all in flight, but those running past `stuckAfterMs`) and when the
   * oldest of them started.
   */
  private slotsTaken(now: number): { count: number; oldest: number } {
    const { stuckAfterMs } = this.options;
    if (stuckAfterMs === undefined) return { count: this.inFlight.size, oldest: Number.NaN };
    let count = 0;
    let oldest = Number.POSITIVE_INFINITY;
    for (const f of this.inFlight) {
      if (now - f.startedAt >= stuckAfterMs) continue;
      count++;
      oldest = Math.min(oldest, f.startedAt);
    }
    return { count, oldest };
  }

  private drain() {
    while (this.pending.length > 0) {
      const now = performance.now();
      const limit = this.pending.length >= this.maxBatch ? this.maxConcurrentFull : this.maxConcurrent;
      const taken = this.slotsTaken(now);
      if (taken.count >= limit) {
        this.drainWhenStuck(now, taken.oldest);
        return;
      }
      const batch = this.pending.splice(0, this.maxBatch);
      const flight = { startedAt: now };
      this.inFlight.add(flight);
      this.flush(batch.map((p) => p.item))
        .then(
          (results) => {
            for (const [i, p] of batch.entries()) p.resolve(results[i] as O);
          },
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          this.inFlight.delete(flight);
          if (this.pending.length > 0) this.drain();
        });
    }
  }

  /**
   * Writes wait for a slot: try again when `oldest`, the oldest flush that still holds one, counts
   * as stuck (flushes stuck already hold none: waiting on them would wake this every millisecond).
   */
  private drainWhenStuck(now: number, oldest: number) {
    const { stuckAfterMs } = this.options;
    if (stuckAfterMs === undefined || this.stuckTimer) return;
    this.stuckTimer = setTimeout(
      () => {
        this.stuckTimer = undefined;
        this.drain();
      },
      Math.max(1, oldest + stuckAfterMs - now),
    );
    this.stuckTimer.unref();
  }
}
