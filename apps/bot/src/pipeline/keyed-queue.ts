/**
 * Runs jobs with at most `concurrency` at a time, one at a time per key (per user), in arrival
 * order per key: a user's second message is answered after the first.
 */
export class KeyedQueue<J> {
  private readonly byKey = new Map<string, J[]>();
  private readonly ready: string[] = [];
  private running = 0;
  private idleWaiters: Array<() => void> = [];
  private size = 0;

  constructor(
    private readonly concurrency: number,
    private readonly run: (job: J) => Promise<void>,
  ) {}

  push(key: string, job: J): void {
    this.size++;
    const queue = this.byKey.get(key);
    if (queue) {
      queue.push(job);
      return;
    }
    this.byKey.set(key, [job]);
    this.ready.push(key);
    this.pump();
  }

  /** jobs waiting or running */
  get pending(): number {
    return this.size;
  }

  /** Resolves when every job pushed so far has finished. */
  onIdle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump() {
    while (this.running < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const job = this.byKey.get(key)![0]!;
      this.running++;
      this.run(job)
        .catch(() => {})
        .finally(() => {
          this.running--;
          this.size--;
          const queue = this.byKey.get(key)!;
          queue.shift();
          if (queue.length === 0) this.byKey.delete(key);
          else this.ready.push(key);
          if (this.size === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const w of waiters) w();
          }
          this.pump();
        });
    }
  }
}
