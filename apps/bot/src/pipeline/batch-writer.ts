interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: writes that arrive while a flush is running are collected and written together
 * by the next flush. Light load gets one small write at once; heavy load gets large batches, so
 * the number of transactions stays low however many messages arrive.
 */
export class BatchWriter<I, O> {
  private pending: Array<Pending<I, O>> = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 500,
    private readonly maxConcurrent = 1,
  ) {}

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
    return this.inFlight > 0 || this.pending.length > 0;
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

  private drain() {
    while (this.inFlight < this.maxConcurrent && this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight++;
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
          this.inFlight--;
          if (this.pending.length > 0) this.drain();
        });
    }
  }
}
